package org.ddlab.methods;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ddlab.cli.Main;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ToyMethodTest}'s method, registered through the public API alone, from the command line with its own flag. */
class ToyMethodCommandLineTest {

    @BeforeAll
    static void register() {
        ToyMethodTest.register();
    }

    @Test
    void itRunsFromTheCommandLineWithItsOwnFlag(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                org.ddlab.data.Datasets.named("fashion-mnist").location().isPresent(), "Fashion-MNIST not installed");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        assertEquals(0, cli.execute("distill", "--help"));
        assertTrue(out.toString().contains("--pull") && out.toString().contains("toy-mean"), out.toString());
        Path run = dir.resolve("run");
        int code = Main.commandLine()
                .execute(
                        "distill",
                        "--method",
                        "toy-mean",
                        "--pull",
                        "0.3",
                        "--ipc",
                        "1",
                        "--steps",
                        "2",
                        "--validation",
                        "20",
                        "--out",
                        run.toString());
        assertEquals(0, code);
        assertTrue(Files.exists(run.resolve("synthetic.npz")) && Files.exists(run.resolve("start.npz")));
        String sidecar = Files.readString(run.resolve("synthetic.json"));
        assertTrue(sidecar.contains("\"method\": \"toy-mean\"") && sidecar.contains("\"pull\": 0.3"), sidecar);
        assertNotEquals(
                0,
                Main.commandLine()
                        .execute(
                                "distill",
                                "--method",
                                "dm",
                                "--pull",
                                "0.3",
                                "--out",
                                dir.resolve("x").toString()));
    }
}
