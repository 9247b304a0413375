package org.ddlab.kernel.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JShellEvaluatorTest {

    static JShellEvaluator ev;

    @BeforeAll
    static void start() {
        ev = new JShellEvaluator();
    }

    @AfterAll
    static void stop() {
        ev.close();
    }

    @Test
    void expressionValueIsTheJavaObject() {
        assertEquals(2, ev.eval("1+1"));
        Object list = ev.eval("List.of(1, 2, 3)");
        assertEquals(java.util.List.of(1, 2, 3), list);
    }

    @Test
    void lastSnippetOfAMultiSnippetCellIsTheResult() {
        Object v = ev.eval("int a = 20;\nint b = 22;\na + b");
        assertEquals(42, v);
        assertNull(ev.eval("int c = 1;"));
        assertNull(ev.eval("Math.abs(-3);"), "a trailing semicolon hides the value");
        assertEquals(42, ev.eval("a + b"));
    }

    @Test
    void bareVariableGivesItsObject() {
        ev.eval("var sb = new StringBuilder(\"abc\");");
        Object v = ev.eval("sb");
        assertInstanceOf(StringBuilder.class, v);
        assertEquals("abc", v.toString());
    }

    @Test
    void methodsAndClassesCanBeDeclared() {
        ev.eval("int twice(int x) { return 2 * x; }\nrecord P(int x, int y) {}");
        assertEquals(14, ev.eval("twice(7)"));
        assertEquals("P[x=1, y=2]", ev.eval("new P(1, 2)").toString());
    }

    @Test
    void defaultImportsAreActive() {
        assertTrue(ev.activeImports().contains("import java.util.stream.*;"));
        assertTrue(
                ev.activeImports().contains("import ai.djl.ndarray.*;"),
                ev.activeImports().toString());
        assertEquals("a,b", ev.eval("Stream.of(\"a\", \"b\").collect(Collectors.joining(\",\"))"));
    }

    @Test
    void compileErrorShowsCellLineAndCaret() {
        CompilationException e =
                assertThrows(CompilationException.class, () -> ev.eval("int ok = 1;\n\nint bad = undefinedThing + 1;"));
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
        String tb = String.join("\n", e.traceback());
        assertTrue(tb.contains("undefinedThing"), tb);
        assertTrue(tb.contains("^"), tb);
        assertEquals(2, ev.eval("1 + 1"));
    }

    @Test
    void runtimeExceptionIsReportedAndKernelStaysUsable() {
        CellException e = assertThrows(
                CellException.class, () -> ev.eval("int zero = 0;\nint boom() {\n  return 1 / zero;\n}\nboom()"));
        assertEquals("java.lang.ArithmeticException", e.exceptionClassName());
        assertTrue(e.getMessage().contains("/ by zero"), e.getMessage());
        String tb = String.join("\n", e.traceback());
        assertTrue(tb.contains("boom"), tb);
        assertFalse(tb.contains("jdk.jshell"), tb);
        assertEquals(3, ev.eval("1 + 2"));
    }

    @Test
    void incompleteCodeIsAnError() {
        assertThrows(CompilationException.class, () -> ev.eval("int x = (1 + "));
    }

    @Test
    void stdoutGoesToSystemOut() {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            ev.eval("System.out.print(\"hello from a cell\");");
        } finally {
            System.setOut(old);
        }
        assertEquals("hello from a cell", buf.toString(StandardCharsets.UTF_8));
    }

    @Test
    void interruptStopsATightLoop() throws Exception {
        CompletableFuture<Object> running = CompletableFuture.supplyAsync(() -> ev.eval("while (true) { }"));
        Thread.sleep(700);
        assertFalse(running.isDone());
        long t0 = System.nanoTime();
        ev.interrupt();
        Exception e = assertThrows(Exception.class, () -> running.get(5, TimeUnit.SECONDS));
        assertInstanceOf(EvaluationInterruptedException.class, e.getCause(), String.valueOf(e));
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L);
        assertEquals(2, ev.eval("1+1"));
    }

    @Test
    void interruptStopsASleep() throws Exception {
        CompletableFuture<Object> running = CompletableFuture.supplyAsync(() -> ev.eval("Thread.sleep(60_000);"));
        Thread.sleep(700);
        ev.interrupt();
        Exception e = assertThrows(Exception.class, () -> running.get(5, TimeUnit.SECONDS));
        assertInstanceOf(EvaluationInterruptedException.class, e.getCause(), String.valueOf(e));
        assertEquals(4, ev.eval("2+2"));
    }

    /** A widget's listener, made in a cell and run by the kernel between cells, stops at an interrupt as a cell does. */
    @Test
    void interruptStopsAListenerLoopAndItsSleep() throws Exception {
        Runnable spin = (Runnable) ev.eval("Runnable spin = () -> { while (true) { } }; spin");
        Runnable nap = (Runnable) ev.eval("Runnable nap = () -> { try { Thread.sleep(60_000); } "
                + "catch (InterruptedException e) { throw new IllegalStateException(\"woken\"); } }; nap");
        CompletableFuture<Void> running = CompletableFuture.runAsync(() -> ev.runListener(spin));
        Thread.sleep(700);
        assertFalse(running.isDone(), "the listener loops until interrupted");
        ev.interrupt();
        Exception e = assertThrows(Exception.class, () -> running.get(5, TimeUnit.SECONDS));
        assertInstanceOf(EvaluationInterruptedException.class, e.getCause(), String.valueOf(e));
        assertTrue(e.getCause().getMessage().contains("listener"), e.getCause().getMessage());

        // A blocking call ends at once: the listener's thread is interrupted, and what it throws then is its own.
        CompletableFuture<Void> sleeping = CompletableFuture.runAsync(() -> ev.runListener(nap));
        Thread.sleep(700);
        ev.interrupt();
        Exception woken = assertThrows(Exception.class, () -> sleeping.get(5, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, woken.getCause(), String.valueOf(woken));
        assertEquals("woken", woken.getCause().getMessage());

        // After a stop, listeners and cells run again (the stop flag is cleared, not left set).
        ev.eval("int[] calls = new int[1];");
        Runnable count =
                (Runnable) ev.eval("Runnable count = () -> { for (int i = 0; i < 3; i++) calls[0]++; }; count");
        ev.runListener(count);
        assertEquals(3, ev.eval("calls[0]"));
        assertEquals(6, ev.eval("2*3"));
    }

    @Test
    void listenerErrorsReachTheCallerAndAnInterruptBetweenListenersIsHarmless() {
        Runnable bad = (Runnable) ev.eval("Runnable bad = () -> { throw new IllegalArgumentException(\"no\"); }; bad");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ev.runListener(bad));
        assertEquals("no", e.getMessage());
        ev.interrupt(); // nothing runs: a no-op, and the next listener is not stopped by it
        Runnable fine = (Runnable) ev.eval(
                "int[] ran = new int[1]; Runnable fine = () -> { for (int i = 0; i < 2; i++) ran[0]++; }; fine");
        ev.runListener(fine);
        assertEquals(2, ev.eval("ran[0]"));
    }

    @Test
    void isComplete() {
        assertEquals("complete", ev.isComplete("1 + 1"));
        assertEquals("complete", ev.isComplete("int x = 1;"));
        assertEquals("complete", ev.isComplete("%time 1+1"));
        assertEquals("    ", ev.isComplete("for (int i = 0; i < 3; i++) {"));
        assertEquals("", ev.isComplete("int y ="));
        assertEquals("invalid", ev.isComplete("}"));
    }

    @Test
    void completion() {
        ev.eval("String s = \"x\";");
        String code = "int unused = 1;\ns.toUpp";
        JShellEvaluator.Completion c = ev.complete(code, code.length());
        assertTrue(c.matches().contains("toUpperCase("), c.matches().toString());
        assertEquals(code.length() - "toUpp".length(), c.start());
        assertEquals(code.length(), c.end());
        JShellEvaluator.Completion m = ev.complete("%cla", 4);
        assertEquals(java.util.List.of("%classpath"), m.matches());
    }

    @Test
    void inspection() {
        String doc = ev.inspect("Math.max(", "Math.max(".length());
        assertNotNull(doc);
        assertTrue(doc.contains("max("), doc);
        assertNotNull(ev.inspect("Math.abs", 6));
    }

    @Test
    void inspectionShowsTheJavadocOfDdlabTypes() {
        assertTrue(
                ev.javadocOfDdlab(), "JShell's source locations could not be set (--add-opens jdk.jshell/jdk.jshell?)");
        // A type: its first sentence, inline tags made plain.
        String type = ev.inspect("IntSlider", "IntSlider".length());
        assertNotNull(type);
        assertTrue(type.contains("org.ddlab.kernel.widget.IntSlider"), type);
        assertTrue(type.contains("slider"), type);
        assertFalse(type.contains("{@"), type);
        // A record of lib: its description and its components, each block tag on its own line.
        String record = ev.inspect("FrepoConfig", "FrepoConfig".length());
        assertNotNull(record);
        assertTrue(record.lines().anyMatch(l -> l.startsWith("@param ridge λ, relative to tr(K)/n")), record);
        // A static method of lib.
        String method = ev.inspect("FrepoConfig.defaults(", "FrepoConfig.defaults(".length());
        assertTrue(method.contains("The defaults for ipc images per class"), method);
        // The JDK's Javadoc is still found.
        assertTrue(ev.inspect("Math.max(", "Math.max(".length()).contains("Returns the greater of two"));
    }

    @Test
    void javadocBecomesPlainText() {
        String comment =
                " Runs a cell: {@code x < y}, see {@link Magics#runLine} and {@link java.util.List the list}.\n"
                        + " Second line of the same paragraph.\n <p>A new paragraph with <b>bold</b> &amp; more:\n"
                        + " <ul><li>one</li><li>two</li></ul>\n <pre>{@code\n    int a = 1;\n      int b = 2;\n }</pre>\n"
                        + " @param cell the cell's text\n @return its value\n";
        assertEquals("""
                Runs a cell: x < y, see Magics.runLine and the list. Second line of the same paragraph.

                A new paragraph with bold & more:

                - one
                - two

                    int a = 1;
                      int b = 2;

                @param cell the cell's text
                @return its value""", Javadocs.plain(comment));
    }

    @Test
    void expressionCellsLeaveNoSnippetBehind() {
        java.util.function.LongSupplier active = () -> ev.shell()
                .snippets()
                .filter(s -> ev.shell().status(s).isActive())
                .count();
        long before = active.getAsLong();
        for (int i = 0; i < 5; i++) {
            assertEquals(i + 1, ev.eval(i + " + 1"));
        }
        Object list = ev.eval("List.of(1, 2)");
        assertEquals(List.of(1, 2), list);
        assertEquals(before, active.getAsLong(), "an expression cell's temporary variable stays");
        // Declarations stay, and expressions over them still work.
        ev.eval("int kept = 41;");
        assertEquals(42, ev.eval("kept + 1"));
        assertEquals(before + 1, active.getAsLong());
    }
}
