package org.ddlab.kernel.eval;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.VarSnippet;
import org.ddlab.kernel.magic.CellParser;
import org.ddlab.kernel.magic.Magics;
import org.ddlab.kernel.magic.MavenResolver;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;

/**
 * Runs notebook cells in JShell, in this JVM. Independent of Jupyter messaging, so it can be
 * tested directly; {@code DdlabKernel} wraps it.
 *
 * <p>Class path: the compiler sees this JVM's own {@code java.class.path}, and classes load from
 * the system class loader (parent first). So ddlab-lib, DJL, Tablesaw and JFreeChart work in a
 * cell with no setup, and a cell's objects are of the very classes the kernel's renderers know —
 * which also matters for DJL, whose native library can be loaded by only one class loader.
 */
public final class JShellEvaluator implements AutoCloseable {

    /** Imports every cell starts with. One that does not compile (a package missing) is dropped. */
    public static final List<String> DEFAULT_IMPORTS = List.of(
            "import java.util.*;",
            "import java.util.function.*;",
            "import java.util.stream.*;",
            "import java.nio.file.*;",
            "import java.io.*;",
            "import java.awt.image.BufferedImage;",
            "import ai.djl.ndarray.*;",
            "import ai.djl.ndarray.types.*;",
            "import tech.tablesaw.api.*;",
            "import org.ddlab.engine.*;",
            "import org.ddlab.data.*;",
            "import org.ddlab.augment.*;",
            "import org.ddlab.nn.*;",
            "import org.ddlab.train.*;",
            "import org.ddlab.eval.*;",
            "import org.ddlab.coreset.*;",
            "import org.ddlab.distill.*;",
            "import org.ddlab.sampling.*;",
            "import org.ddlab.dream.*;",
            "import org.ddlab.methods.*;",
            "import org.ddlab.matching.*;",
            "import org.ddlab.ablate.*;",
            "import org.ddlab.sets.*;",
            "import org.ddlab.frepo.*;",
            "import org.ddlab.viz.*;",
            "import org.ddlab.kernel.widget.*;",
            "import static org.ddlab.kernel.Notebook.*;");

    private final CapturingExecutionControlProvider engine = new CapturingExecutionControlProvider();
    private final JShell shell;
    private final SourceCodeAnalysis analysis;
    private final Magics magics;
    private final List<String> activeImports = new ArrayList<>();
    private final boolean javadocOfDdlab;
    private volatile boolean interrupted;

    public JShellEvaluator() {
        this(List.of(), MavenResolver.fromSystemProperties());
    }

    public JShellEvaluator(List<String> extraImports, MavenResolver maven) {
        shell = JShell.builder().executionEngine(engine, Map.of()).build();
        // Not "--class-path" in compilerOptions: that would hide later addToClasspath (%jars) from
        // javac. The loader delegate gets these too, harmlessly: it asks the system loader first.
        shell.addToClasspath(compilerClassPath());
        analysis = shell.sourceCodeAnalysis();
        javadocOfDdlab = JavadocSources.install(analysis, JavadocSources.ddlab());
        magics = new Magics(this, maven);
        List<String> imports = new ArrayList<>(DEFAULT_IMPORTS);
        imports.addAll(extraImports);
        for (String imp : imports) {
            List<SnippetEvent> events = shell.eval(imp);
            Snippet s = events.isEmpty() ? null : events.get(0).snippet();
            if (s != null && shell.status(s).isActive()) {
                activeImports.add(imp);
            } else if (s != null) {
                shell.drop(s);
            }
        }
    }

    /**
     * The class path javac needs. Under Maven Surefire {@code java.class.path} is a manifest-only
     * jar, so its full class path (a system property Surefire sets) is preferred when present.
     */
    static String compilerClassPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path", "");
    }

    /** Whether inspection finds ddlab's Javadoc as well as the JDK's (see {@link JavadocSources}). */
    public boolean javadocOfDdlab() {
        return javadocOfDdlab;
    }

    public List<String> activeImports() {
        return List.copyOf(activeImports);
    }

    public Magics magics() {
        return magics;
    }

    public JShell shell() {
        return shell;
    }

    /**
     * Runs a cell: magics and Java. Returns the value of the cell's last part when that is an
     * expression (a {@link DisplayData} when only JShell's text of it is known), else null.
     */
    public Object eval(String cell) {
        interrupted = false;
        return evalCell(cell, 1);
    }

    /** A cell body (also used by {@code %%time} and {@code %load}); lines count from {@code firstLine}. */
    public Object evalCell(String cell, int firstLine) {
        try {
            CellParser.CellMagicCall call = CellParser.cellMagic(cell);
            if (call != null) {
                return magics.runCell(call.name(), call.args(), call.body(), firstLine - 1 + call.bodyFirstLine());
            }
            Object last = null;
            for (CellParser.Part part : CellParser.parts(cell)) {
                int line = firstLine - 1 + part.firstLine();
                last = part.magic() ? magics.runLine(part.name(), part.text(), line) : evalJava(part.text(), line);
            }
            return last;
        } catch (KernelException e) {
            throw e;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new KernelException(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** Java source only, split into JShell snippets; {@code firstLine} is the cell line it starts on. */
    public Object evalJava(String code, int firstLine) {
        Object last = null;
        int offset = 0;
        String remaining = code;
        while (true) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
            if (!info.completeness().isComplete()) {
                if (info.completeness() != SourceCodeAnalysis.Completeness.EMPTY
                        && !info.remaining().isBlank()) {
                    int at = offset + leadingSpace(remaining);
                    int line = firstLine + lineOf(code, at) - 1;
                    throw new CompilationException(
                            "Incomplete code at line " + line,
                            List.of(
                                    "Incomplete code at line " + line + " (a missing ';', ')' or '}'?):",
                                    "    "
                                            + info.remaining()
                                                    .strip()
                                                    .lines()
                                                    .findFirst()
                                                    .orElse("")));
                }
                return last;
            }
            String source = info.source();
            int consumed = remaining.length() - info.remaining().length();
            // JShell's snippet source keeps the blank lines before it, so it starts right at offset.
            int start = offset;
            int startLine = firstLine + lineOf(code, start) - 1;
            last = evalSnippet(source, startLine);
            if (info.completeness() == SourceCodeAnalysis.Completeness.COMPLETE
                    && source.strip().endsWith(";")) {
                last = null; // "display(x);": a trailing semicolon hides the value, as in IPython
            }
            if (interrupted) {
                throw new EvaluationInterruptedException();
            }
            offset += consumed;
            remaining = info.remaining();
        }
    }

    private static int leadingSpace(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** 1-based line of a character offset. */
    private static int lineOf(String s, int offset) {
        int line = 1;
        for (int i = 0; i < Math.min(offset, s.length()); i++) {
            if (s.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    private Object evalSnippet(String source, int startLine) {
        if (engine.control() != null) {
            engine.control().resetLastInvoked();
        }
        List<SnippetEvent> events = shell.eval(source);
        Object value = null;
        for (SnippetEvent event : events) {
            if (event.causeSnippet() != null) {
                continue; // an update of an older snippet this one affected
            }
            Snippet snippet = event.snippet();
            if (interrupted) {
                throw new EvaluationInterruptedException();
            }
            JShellException exception = event.exception();
            if (exception != null) {
                throw runtimeError(exception, startLine);
            }
            Snippet.Status status = event.status();
            if (status == Snippet.Status.REJECTED || status == Snippet.Status.RECOVERABLE_NOT_DEFINED) {
                throw compileError(snippet, source, startLine);
            }
            if (status == Snippet.Status.RECOVERABLE_DEFINED && snippet instanceof DeclarationSnippet d) {
                // Declared, usable once the missing names exist: JShell's forward references.
                System.err.println(
                        "Note (line " + startLine + "): " + describe(d) + " is declared but cannot be used until "
                                + shell.unresolvedDependencies(d).collect(Collectors.joining(", ")) + " is defined.");
            }
            value = valueOf(event);
        }
        return value;
    }

    private static String describe(DeclarationSnippet d) {
        return d.kind().name().toLowerCase(Locale.ROOT).replace("type_decl", "type") + " " + d.name();
    }

    /** The Java object an expression snippet produced; null for statements and declarations. */
    private Object valueOf(SnippetEvent event) {
        Snippet snippet = event.snippet();
        switch (snippet.subKind()) {
            case TEMP_VAR_EXPRESSION_SUBKIND -> {
                Object value = temporaryValue((VarSnippet) snippet, event.value());
                // A notebook never shows JShell's $1, $2, ...: once read, the variable goes, since JShell compiles
                // every later cell against each live snippet and a cell's cost would grow with every expression cell.
                shell.drop(snippet);
                return value;
            }
            case VAR_VALUE_SUBKIND -> {
                return readVariable(source(snippet).strip().replaceAll(";$", "").strip(), event.value());
            }
            case OTHER_EXPRESSION_SUBKIND -> {
                return event.value() == null ? null : new DisplayData(event.value());
            }
            default -> {
                return null;
            }
        }
    }

    private Object temporaryValue(VarSnippet snippet, String text) {
        CapturingExecutionControl control = engine.control();
        String cls = control == null ? null : control.lastInvokedClass();
        if (cls != null) {
            try {
                return control.readStatic(cls, snippet.name());
            } catch (ReflectiveOperationException | RuntimeException e) {
                // fall through to asking JShell for it by name
            }
        }
        return readVariable(snippet.name(), text);
    }

    private static String source(Snippet s) {
        return s.source();
    }

    /** Reads a variable through {@link ValueSlot}: a side-effect free statement snippet. */
    private Object readVariable(String name, String fallbackText) {
        if (!name.matches("[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*")) {
            return fallbackText == null ? null : new DisplayData(fallbackText);
        }
        List<SnippetEvent> events = shell.eval(ValueSlot.class.getName() + ".hold(" + name + ");");
        for (SnippetEvent e : events) {
            shell.drop(e.snippet()); // leave no trace in the user's snippet list
            if (e.exception() != null || !e.status().isDefined()) {
                return fallbackText == null ? null : new DisplayData(fallbackText);
            }
        }
        return ValueSlot.take();
    }

    private CompilationException compileError(Snippet snippet, String source, int startLine) {
        List<String> lines = new ArrayList<>();
        List<String> messages = new ArrayList<>();
        List<Diag> diags = shell.diagnostics(snippet).toList();
        String[] srcLines = source.split("\n", -1);
        for (Diag d : diags) {
            if (!d.isError()) {
                continue;
            }
            int pos = (int) Math.max(0, d.getPosition() >= 0 ? d.getPosition() : d.getStartPosition());
            int lineInSnippet = lineOf(source, pos);
            int lineStart = source.lastIndexOf('\n', Math.max(0, pos - 1)) + 1;
            if (pos == 0) {
                lineStart = 0;
            }
            int column = pos - lineStart;
            String msg = d.getMessage(Locale.ROOT)
                    .lines()
                    .filter(l -> !l.strip().startsWith("location:"))
                    .collect(Collectors.joining("\n"));
            int cellLine = startLine + lineInSnippet - 1;
            messages.add("line " + cellLine + ": " + msg.lines().findFirst().orElse(msg));
            lines.add("Compilation error at line " + cellLine + ": "
                    + msg.lines().findFirst().orElse(""));
            msg.lines().skip(1).forEach(l -> lines.add("  " + l.strip()));
            String text = srcLines[Math.min(lineInSnippet - 1, srcLines.length - 1)];
            lines.add(String.format(Locale.ROOT, "%4d | %s", cellLine, text));
            lines.add("     | " + " ".repeat(Math.max(0, Math.min(column, text.length()))) + "^");
        }
        if (snippet instanceof DeclarationSnippet d) {
            List<String> missing = shell.unresolvedDependencies(d).toList();
            if (!missing.isEmpty()) {
                String m = describe(d) + " (line " + startLine + ") refers to undefined " + String.join(", ", missing);
                messages.add(m);
                lines.add(m);
            }
        }
        if (messages.isEmpty()) {
            String m = "line " + startLine + ": the code was rejected by JShell";
            messages.add(m);
            lines.add(m);
        }
        return new CompilationException(String.join("; ", messages), lines);
    }

    /** The exception a snippet threw, its stack trace mapped to cell lines. */
    private KernelException runtimeError(JShellException exception, int startLine) {
        if (exception instanceof UnresolvedReferenceException ure) {
            DeclarationSnippet d = ure.getSnippet();
            String m = "Cannot run " + describe(d) + ": it refers to undefined "
                    + shell.unresolvedDependencies(d).collect(Collectors.joining(", "));
            return new CellException("UnresolvedReferenceException", m, List.of(m));
        }
        String className = exception instanceof EvalException ee
                ? ee.getExceptionClassName()
                : exception.getClass().getName();
        String message = exception.getMessage();
        List<String> lines = new ArrayList<>();
        lines.add(className + (message == null ? "" : ": " + message));
        appendFrames(lines, exception, startLine);
        Throwable cause = exception.getCause();
        Set<Throwable> seen = new LinkedHashSet<>();
        while (cause != null && seen.add(cause)) {
            String cn = cause instanceof EvalException ee
                    ? ee.getExceptionClassName()
                    : cause.getClass().getName();
            lines.add("Caused by: " + cn + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
            appendFrames(lines, cause, startLine);
            cause = cause.getCause();
        }
        String simple = className.substring(className.lastIndexOf('.') + 1);
        return new CellException(className, simple + (message == null ? "" : ": " + message), lines);
    }

    private static final int MAX_FRAMES = 12;

    private static void appendFrames(List<String> lines, Throwable t, int startLine) {
        int shown = 0;
        for (StackTraceElement f : t.getStackTrace()) {
            String cls = f.getClassName();
            String file = f.getFileName();
            if (cls.startsWith("jdk.internal.reflect")
                    || cls.startsWith("java.lang.reflect")
                    || cls.startsWith("jdk.jshell")
                    || cls.startsWith("java.lang.Thread")) {
                continue;
            }
            if (shown++ == MAX_FRAMES) {
                lines.add("    ...");
                break;
            }
            if (file != null && file.startsWith("#")) {
                // JShell names snippet frames "#<id>" with the line inside the snippet.
                String where = f.getLineNumber() > 0 ? "cell line " + (startLine + f.getLineNumber() - 1) : "cell";
                String method = f.getMethodName().isEmpty() || f.getMethodName().equals("do_it$")
                        ? "<cell>"
                        : f.getMethodName();
                lines.add("    at " + method + " (" + where + ", snippet " + file + ")");
            } else {
                lines.add("    at " + f);
            }
        }
    }

    /**
     * Stops the running cell. Called from the control-channel thread; takes no lock that the
     * evaluating thread holds. JShell's local engine injects stop checks in snippet loops and
     * interrupts the snippet thread, so blocking calls (sleep, wait) end too.
     */
    public void interrupt() {
        interrupted = true;
        shell.stop();
    }

    /**
     * Runs notebook code that the kernel calls between cells — a widget's listener, when the browser
     * moves a control — so that {@link #interrupt} stops it as it stops a cell: a loop in it at its
     * next iteration, a blocking call at once.
     *
     * @throws EvaluationInterruptedException when it was interrupted
     */
    public void runListener(Runnable listener) {
        interrupted = false;
        if (!engine.control().runAsUserCode(listener)) {
            throw new EvaluationInterruptedException(
                    "Evaluation interrupted: the widget's listener was stopped; the kernel keeps its state and is ready.");
        }
    }

    public void addToClasspath(Path path) {
        shell.addToClasspath(path.toAbsolutePath().toString());
    }

    /** is_complete for Jupyter: "complete", "invalid", or the indent for the next line. */
    public String isComplete(String cell) {
        if (CellParser.cellMagic(cell) != null) {
            return "complete";
        }
        String code = CellParser.withoutMagics(cell);
        SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(code);
        while (info.completeness().isComplete() && !info.remaining().isBlank()) {
            info = analysis.analyzeCompletion(info.remaining());
        }
        return switch (info.completeness()) {
            case COMPLETE, COMPLETE_WITH_SEMI, EMPTY -> "complete";
            case DEFINITELY_INCOMPLETE, CONSIDERED_INCOMPLETE -> {
                String last = info.remaining().stripTrailing();
                yield last.endsWith("{") || last.endsWith("(") || last.endsWith(",") ? "    " : "";
            }
            case UNKNOWN -> "invalid";
        };
    }

    /** Start of the snippet holding {@code cursor}: the code after the last complete snippet before it. */
    private int snippetStartBefore(String code, int cursor) {
        int start = 0;
        String rest = code.substring(0, cursor);
        SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
        while (info.completeness().isComplete() && !info.remaining().isBlank()) {
            start = cursor - info.remaining().length();
            info = analysis.analyzeCompletion(info.remaining());
        }
        if (info.completeness().isComplete() && info.remaining().isBlank()) {
            // cursor right after a complete snippet: complete the identifier being typed anyway
            return start;
        }
        return start;
    }

    /** Completion candidates and the range they replace ({@code [start, cursor)}). */
    public Completion complete(String cell, int cursor) {
        cursor = Math.max(0, Math.min(cursor, cell.length()));
        int lineStart = cell.lastIndexOf('\n', Math.max(0, cursor - 1)) + 1;
        if (cursor == 0) {
            lineStart = 0;
        }
        String linePrefix = cell.substring(lineStart, cursor);
        if (linePrefix.stripLeading().startsWith("%")) {
            String typed = linePrefix.strip();
            if (typed.matches("%%?[\\w-]*")) {
                List<String> names =
                        magics.names().stream().filter(n -> n.startsWith(typed)).toList();
                return new Completion(names, cursor - typed.length(), cursor);
            }
            return new Completion(List.of(), cursor, cursor);
        }
        String code = CellParser.withoutMagics(cell);
        int start = snippetStartBefore(code, cursor);
        int[] anchor = new int[1];
        List<SourceCodeAnalysis.Suggestion> suggestions =
                analysis.completionSuggestions(code.substring(start, cursor), cursor - start, anchor);
        // Suggestions whose type fits the context first, JShell's order otherwise.
        List<String> out = new ArrayList<>(new LinkedHashSet<>(suggestions.stream()
                .sorted((a, b) -> Boolean.compare(b.matchesType(), a.matchesType()))
                .map(SourceCodeAnalysis.Suggestion::continuation)
                .toList()));
        return new Completion(out, start + anchor[0], cursor);
    }

    /** What {@link #complete} returns. */
    public record Completion(List<String> matches, int start, int end) {}

    /** Signatures and javadoc of what is at the cursor, or null when JShell knows nothing. */
    public String inspect(String cell, int cursor) {
        String code = CellParser.withoutMagics(cell);
        cursor = Math.max(0, Math.min(cursor, code.length()));
        // Inspect the whole identifier the cursor is in, not only its left part.
        int end = cursor;
        while (end < code.length() && Character.isJavaIdentifierPart(code.charAt(end))) {
            end++;
        }
        int start = snippetStartBefore(code, end);
        String snippet = code.substring(start, end);
        List<SourceCodeAnalysis.Documentation> docs = analysis.documentation(snippet, snippet.length(), true);
        if (docs.isEmpty()) {
            // JShell documents a method only with its '(' typed: "Math.abs" -> "Math.abs("
            snippet = code.substring(start, end) + "(";
            docs = analysis.documentation(snippet, snippet.length(), true);
        }
        if (docs.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (SourceCodeAnalysis.Documentation d : docs) {
            sb.append(d.signature()).append('\n');
            if (d.javadoc() != null && !d.javadoc().isBlank()) {
                sb.append(Javadocs.plain(d.javadoc())).append("\n");
            }
            sb.append('\n');
        }
        return sb.toString().strip();
    }

    /** Variables defined so far, {@code name: Type}, for introspection. */
    public Map<String, String> variables() {
        Map<String, String> vars = new HashMap<>();
        shell.variables().forEach(v -> vars.put(v.name(), v.typeName()));
        return vars;
    }

    @Override
    public void close() {
        shell.close();
    }
}
