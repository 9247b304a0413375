package org.ddlab.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A distillation long enough to be interrupted and cheap enough to finish in seconds: DM, IPC 1, {@link #STEPS}
 * steps of an MLP of width 8 on a {@link TinyImageFolder} of 8×8 images; and what the tests that interrupt it read.
 */
final class InterruptibleRun {

    /** Steps of the run: enough that a signal sent after step 10 arrives long before the end. */
    static final int STEPS = 1500;

    private InterruptibleRun() {}

    /** {@code ddlab distill} of the run on {@code images} into {@code out}, checkpointing every {@code every} steps. */
    static String[] args(Path images, Path out, int every) {
        return new String[] {
            "distill",
            "--method",
            "dm",
            "--ipc",
            "1",
            "--steps",
            String.valueOf(STEPS),
            "--real-batch",
            "2",
            "--arch",
            "mlp:width=8",
            "--checkpoint-every",
            String.valueOf(every),
            "--dataset",
            "folder:" + images,
            "--out",
            out.toString(),
            "--profile",
            "quick"
        };
    }

    /** The run in a JVM of its own, returned once its checkpoint of step 10 is written. */
    static CliProcess.Running underWay(Path images, Path out, int every, Path scratch)
            throws IOException, InterruptedException {
        CliProcess.Running r = CliProcess.start(Map.of(), scratch, args(images, out, every));
        Path tenth = out.resolve("checkpoints/step-000000010/state.json");
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (!Files.exists(tenth)) {
            assertTrue(r.isAlive(), "the run ended before step 10: " + r.errSoFar());
            assertTrue(System.nanoTime() < deadline, "no checkpoint of step 10 after 180 s: " + r.errSoFar());
            Thread.sleep(20);
        }
        return r;
    }

    /**
     * The lines ddlab wrote to stderr: without the engine's own warnings, which libtorch prints straight to the
     * process's stderr in its own format ({@code [W<date> <file>:<line>] …}; on CPUs without NNPACK, one per convolution).
     */
    static List<String> ddlabLines(String err) {
        return err.lines().filter(l -> !l.startsWith("[W")).toList();
    }

    /** Every temporary file or directory below {@code dir}: a save cut short would leave one. */
    static List<Path> temporaries(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(p -> p.getFileName().toString().contains(".tmp")).toList();
        }
    }
}
