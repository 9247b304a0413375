package org.ddlab.kernel.magic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import javax.tools.ToolProvider;
import org.ddlab.kernel.eval.JShellEvaluator;
import org.ddlab.kernel.eval.KernelException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MagicsTest {

    /** A port nothing listens on: "Central" fails at once instead of after a timeout. */
    static final String CLOSED = "http://127.0.0.1:9/maven2/";

    static JShellEvaluator ev;

    @BeforeAll
    static void start() {
        ev = new JShellEvaluator(
                List.of(), new MavenResolver(Path.of(System.getProperty("user.home"), ".m2", "repository"), CLOSED));
    }

    @AfterAll
    static void stop() {
        ev.close();
    }

    static String captureOut(Callable<Object> body) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            body.call();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void parsesLineAndCellMagics() {
        List<CellParser.Part> parts = CellParser.parts("int a = 1;\n%time a + 1\nint b = 2;\nb");
        assertEquals(3, parts.size());
        assertFalse(parts.get(0).magic());
        assertTrue(parts.get(1).magic());
        assertEquals("time", parts.get(1).name());
        assertEquals("a + 1", parts.get(1).text());
        assertEquals(2, parts.get(1).firstLine());
        assertEquals(3, parts.get(2).firstLine());

        CellParser.CellMagicCall call = CellParser.cellMagic("\n%%time  fast\nint x = 1;\nx");
        assertEquals("time", call.name());
        assertEquals("fast", call.args());
        assertEquals("int x = 1;\nx", call.body());
        assertEquals(3, call.bodyFirstLine());
        assertNull(CellParser.cellMagic("int x = 1; // %%time"));
        assertEquals("int a;\n\nb", CellParser.withoutMagics("int a;\n%jars x\nb"));
    }

    @Test
    void splitsArguments() {
        assertEquals(List.of("a.jar", "b c.jar", "d"), Magics.splitArgs("a.jar \"b c.jar\":d"));
    }

    @Test
    void timeLineMagicPrintsTimesAndReturnsTheValue() throws Exception {
        Object[] v = new Object[1];
        String out = captureOut(() -> v[0] = ev.eval("%time 6 * 7"));
        assertEquals(42, v[0]);
        assertTrue(out.startsWith("Wall time: "), out);
        assertTrue(out.contains("CPU time"), out);
    }

    @Test
    void timeCellMagic() throws Exception {
        Object[] v = new Object[1];
        String out = captureOut(() -> v[0] = ev.eval("%%time\nint s = 0;\nfor (int i = 0; i < 1000; i++) s += i;\ns"));
        assertEquals(499500, v[0]);
        assertTrue(out.contains("Wall time: "), out);
    }

    @Test
    void lineMagicsAndCodeMix() {
        assertEquals(3, ev.eval("int m = 1;\n%time int n = 2;\nm + n"));
    }

    @Test
    void unknownMagicListsTheKnownOnes() {
        KernelException e = assertThrows(KernelException.class, () -> ev.eval("%nosuch 1"));
        assertTrue(e.getMessage().contains("%classpath"), e.getMessage());
        assertTrue(e.getMessage().contains("%maven"), e.getMessage());
        KernelException c = assertThrows(KernelException.class, () -> ev.eval("%%nosuch\n1"));
        assertTrue(c.getMessage().contains("%%time"), c.getMessage());
    }

    @Test
    void classpathAddsACompiledClass(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("src/demo/Greeter.java");
        Files.createDirectories(src.getParent());
        Files.writeString(
                src,
                "package demo; public class Greeter { public static String hi() { return \"hi from classpath\"; } }");
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes);
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), src.toString());
        assertEquals(0, rc);
        String out = captureOut(() -> ev.eval("%classpath " + classes));
        assertTrue(out.contains("Added"), out);
        assertEquals("hi from classpath", ev.eval("demo.Greeter.hi()"));
    }

    @Test
    void classpathWithNoMatchIsAnError(@TempDir Path dir) {
        KernelException e = assertThrows(KernelException.class, () -> ev.eval("%jars " + dir + "/*.jar"));
        assertTrue(e.getMessage().contains("nothing matches"), e.getMessage());
    }

    @Test
    void loadEvaluatesAFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("helpers.jsh");
        Files.writeString(f, "int triple(int x) { return 3 * x; }\ntriple(5)\n");
        assertEquals(15, ev.eval("%load " + f));
        assertEquals(9, ev.eval("triple(3)"));
    }

    @Test
    void mavenResolvesFromTheLocalRepository() throws Exception {
        MavenResolver r = new MavenResolver(Path.of(System.getProperty("user.home"), ".m2", "repository"), CLOSED);
        List<Path> jars = r.resolve(List.of("info.picocli:picocli:4.7.7"));
        assertEquals(1, jars.size(), jars.toString());
        assertTrue(jars.get(0).toString().endsWith("picocli-4.7.7.jar"));
        String out = captureOut(() -> ev.eval("%maven info.picocli:picocli:4.7.7"));
        assertTrue(out.contains("Added 1 jar"), out);
        assertEquals("picocli.CommandLine", ev.eval("picocli.CommandLine.class.getName()"));
    }

    @Test
    void mavenOfflineGivesAClearError(@TempDir Path emptyRepo) {
        MavenResolver r = new MavenResolver(emptyRepo, CLOSED);
        long t0 = System.nanoTime();
        KernelException e = assertThrows(KernelException.class, () -> r.resolve(List.of("org.example:not-here:1.0")));
        assertTrue(System.nanoTime() - t0 < 15_000_000_000L);
        String m = e.getMessage();
        assertTrue(m.contains("org.example:not-here:1.0"), m);
        assertTrue(m.contains("unreachable"), m);
        assertTrue(m.contains("%jars"), m);
        KernelException bad = assertThrows(KernelException.class, () -> ev.eval("%maven not-a-coordinate"));
        assertTrue(bad.getMessage().contains("group:artifact:version"), bad.getMessage());
    }

    @Test
    void mavenReadsParentsPropertiesAndManagedVersions(@TempDir Path repo) throws Exception {
        // A tiny repository: app depends on lib (version managed by the parent, through a property);
        // lib's test dependency and optional dependency are not followed.
        pom(
                repo,
                "g",
                "parent",
                "1",
                "<packaging>pom</packaging><properties><lib.version>2.0</lib.version></properties>"
                        + "<dependencyManagement><dependencies><dependency><groupId>g</groupId><artifactId>lib</artifactId>"
                        + "<version>${lib.version}</version></dependency></dependencies></dependencyManagement>",
                null);
        pom(
                repo,
                "g",
                "app",
                "1",
                "<dependencies><dependency><groupId>g</groupId><artifactId>lib</artifactId></dependency>"
                        + "</dependencies>",
                "<parent><groupId>g</groupId><artifactId>parent</artifactId><version>1</version></parent>");
        pom(
                repo,
                "g",
                "lib",
                "2.0",
                "<dependencies>"
                        + "<dependency><groupId>g</groupId><artifactId>junit</artifactId><version>1</version><scope>test</scope></dependency>"
                        + "<dependency><groupId>g</groupId><artifactId>opt</artifactId><version>1</version><optional>true</optional></dependency>"
                        + "</dependencies>",
                null);
        List<Path> jars = new MavenResolver(repo, CLOSED).resolve(List.of("g:app:1"));
        assertEquals(
                List.of("app-1.jar", "lib-2.0.jar"),
                jars.stream().map(p -> p.getFileName().toString()).toList());
    }

    private static void pom(Path repo, String g, String a, String v, String body, String parent) throws Exception {
        Path dir = repo.resolve(g + "/" + a + "/" + v);
        Files.createDirectories(dir);
        Files.writeString(
                dir.resolve(a + "-" + v + ".pom"),
                "<project>" + (parent == null ? "" : parent) + "<groupId>" + g + "</groupId><artifactId>" + a
                        + "</artifactId><version>" + v + "</version>" + body + "</project>");
        Files.write(dir.resolve(a + "-" + v + ".jar"), new byte[0]);
    }
}
