package org.ddlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The command line as users start it: a fresh JVM, which relaunches itself with glibc set to reuse memory. */
class RelaunchTest {

    private static ProcessBuilder ddlab(String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(cmd);
        b.environment().remove("DDLAB_MALLOC");
        b.environment().remove(Relaunch.MARKER);
        b.environment().keySet().removeIf(k -> k.startsWith("MALLOC_"));
        return b;
    }

    private static String run(ProcessBuilder b, int expectedCode) throws IOException, InterruptedException {
        b.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished");
        assertEquals(expectedCode, p.exitValue(), out);
        return out;
    }

    @Test
    void theChildRunsWithReuseAndReturnStaysInProcess() throws Exception {
        JsonObject reused =
                JsonParser.parseString(run(ddlab("info", "--json"), 0).trim()).getAsJsonObject();
        assertTrue(reused.get("freed memory").getAsString().startsWith("reused"), reused.toString());

        ProcessBuilder plain = ddlab("info", "--json");
        plain.environment().put("DDLAB_MALLOC", "return");
        JsonObject returned = JsonParser.parseString(run(plain, 0).trim()).getAsJsonObject();
        assertEquals("returned to the system", returned.get("freed memory").getAsString());
    }

    @Test
    void theChildsExitCodeIsTheCommands() throws Exception {
        run(ddlab("no-such-command"), 2); // picocli's usage error
    }

    /** SIGTERM to the launching JVM stops the relaunched one too: no run is left behind. */
    @Test
    void stoppingTheParentStopsTheChild() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                org.ddlab.data.Datasets.named("fashion-mnist").location().isPresent(), "Fashion-MNIST not installed");
        // A long run: the command line's own distillation (a benchmark is the bench module's), far from its end.
        ProcessBuilder b = ddlab(
                "distill",
                "--method",
                "dm",
                "--ipc",
                "1",
                "--steps",
                "100000",
                "--arch",
                "mlp:width=8",
                "--validation",
                "20",
                "--out",
                java.nio.file.Files.createTempDirectory("relaunch")
                        .resolve("run")
                        .toString());
        b.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        Process parent = b.start();
        ProcessHandle child = null;
        for (int i = 0; i < 100 && child == null; i++) {
            Thread.sleep(100);
            child = parent.toHandle().children().findFirst().orElse(null);
        }
        assertTrue(child != null, "the parent started a child JVM");
        Thread.sleep(2000);
        parent.destroy();
        assertTrue(parent.waitFor(60, TimeUnit.SECONDS), "parent stopped");
        ProcessHandle c = child;
        for (int i = 0; i < 300 && c.isAlive(); i++) {
            Thread.sleep(100);
        }
        assertFalse(c.isAlive(), "the child stopped with its parent");
    }

    @Test
    void theRelaunchCommandKeepsOptionsAndArguments() {
        List<String> cmd =
                Relaunch.command(new String[] {"distill", "--ipc", "1"}).orElseThrow();
        assertTrue(cmd.get(0).endsWith("java"), cmd.toString());
        assertTrue(cmd.contains(System.getProperty("java.class.path")) || cmd.contains("-jar"), cmd.toString());
        assertEquals(List.of("distill", "--ipc", "1"), cmd.subList(cmd.size() - 3, cmd.size()));
        assertFalse(String.join(" ", cmd).contains(File.pathSeparator + File.pathSeparator));
    }
}
