package org.ddlab.cli;

import static org.ddlab.cli.CommandRun.run;
import static org.ddlab.cli.InterruptibleRun.STEPS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.ddlab.distill.Checkpoint;
import org.ddlab.distill.Npz;
import org.ddlab.runs.RunLock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A distillation stopped by a signal, as a user stops one: the real command line in a JVM of its own (which
 * relaunches itself, as {@code java -jar} does), sent SIGINT or SIGTERM with {@code kill} once its checkpoints
 * show it is under way. It finishes the step it is in, checkpoints, ends with one line that says how to go
 * on, exits 128 + the signal's number, and {@code --resume} then finishes the run with the set an
 * uninterrupted run makes. A run killed outright ({@code kill -9}) leaves its lock file, which blocks nobody.
 * docs/bad-input.md lists these cases.
 */
class SignalsTest {

    @TempDir
    static Path shared;

    private static Path images;
    /** The set an uninterrupted run of the same settings makes. */
    private static float[] uninterrupted;

    @BeforeAll
    static void uninterruptedRun() throws IOException {
        images = TinyImageFolder.write(shared.resolve("images"), 8, 3, List.of("a", "b"));
        Path out = shared.resolve("uninterrupted");
        CommandRun r = run(InterruptibleRun.args(images, out, 1000));
        assertEquals(0, r.code(), r.err());
        uninterrupted = Npz.read(out.resolve("synthetic.npz")).get("images").floats();
    }

    /**
     * Sends {@code signal} to a run under way and checks how it ended: exit code, its lines, the checkpoint
     * it names, no temporary file; then resumes it to the end and compares with the uninterrupted run.
     */
    private static void stoppedBy(String signal, int exitCode, int every, Path dir) throws Exception {
        Path out = dir.resolve("run");
        CliProcess.Running running = InterruptibleRun.underWay(images, out, every, dir);
        running.signal(signal);
        CliProcess.Result r = running.awaitExit(Duration.ofSeconds(180));

        assertEquals(exitCode, r.code(), r.err());
        assertTrue(r.out().isBlank(), "an interrupted run reports no result: " + r.out());
        List<String> lines = InterruptibleRun.ddlabLines(r.err());
        assertTrue(lines.getFirst().startsWith("dm: {method=dm"), "the run's first line is still there: " + lines);
        String last = lines.getLast();
        Matcher m = Pattern.compile("distill stopped by SIG" + signal + " after step (\\d+) of " + STEPS
                        + "; its checkpoint is (\\S+); " + "continue with --resume " + Pattern.quote(out.toString()))
                .matcher(last);
        assertTrue(m.matches(), "one line says it stopped and how to go on: " + last);
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), "no stack trace: " + r.err());
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("error:")), "stopping is not an error: " + lines);

        // It stopped at a step boundary after the signal, with a checkpoint of that step, whole, and no half-written
        // file.
        long step = Long.parseLong(m.group(1));
        assertTrue(step >= 10 && step < STEPS, "stopped between step 10 and the end: " + step);
        List<Checkpoint> checkpoints = Checkpoint.list(out);
        Checkpoint newest = checkpoints.getLast();
        assertEquals(step, newest.step(), "the newest checkpoint is the step it stopped at");
        assertEquals(Path.of(m.group(2)), newest.directory());
        for (Checkpoint c : checkpoints) {
            c.verify();
        }
        assertEquals(List.of(), InterruptibleRun.temporaries(out), "no temporary file left");

        // Resumed, it finishes with the set an uninterrupted run makes (to the tolerance of the resume tests of the
        // methods).
        CommandRun resumed = run("distill", "--resume", out.toString(), "--checkpoint-every", "1000");
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.err().contains("resumed from step " + step + " in " + out), resumed.err());
        assertTrue(resumed.out().contains(STEPS + "/" + STEPS + " steps"), resumed.out());
        assertArrayEquals(
                uninterrupted,
                Npz.read(out.resolve("synthetic.npz")).get("images").floats(),
                1e-5f);
    }

    @Test
    void sigintStopsTheRunAtAStepWithACheckpointAndResumeFinishesIt(@TempDir Path dir) throws Exception {
        stoppedBy("INT", 130, 10, dir);
    }

    @Test
    void sigtermWhileCheckpointingEveryStepLeavesWholeCheckpoints(@TempDir Path dir) throws Exception {
        // A checkpoint after every step: much of the run is spent saving, where the signal is likely to land.
        stoppedBy("TERM", 143, 1, dir);
    }

    /**
     * MTT trains its experts inside its first step, for minutes to hours at real scale: a signal stops them after
     * the epoch just saved, with one line that says how far they got, and the same command then goes on from the
     * epochs the cache holds.
     */
    @Test
    void aSignalStopsMttsExpertsBetweenEpochsAndTheSameCommandGoesOn(@TempDir Path dir) throws Exception {
        int epochs = 400;
        Path out = dir.resolve("run");
        Path experts = dir.resolve("experts");
        String[] mtt = {
            "distill",
            "--method",
            "mtt",
            "--experts",
            "1",
            "--max-start-epoch",
            "1",
            "--expert-epochs",
            String.valueOf(epochs),
            "--syn-steps",
            "2",
            "--ipc",
            "1",
            "--steps",
            "1",
            "--arch",
            "mlp:width=8",
            "--dataset",
            "folder:" + images,
            "--out",
            out.toString()
        };
        Map<String, String> env = Map.of("DDLAB_EXPERTS", experts.toString());
        CliProcess.Running running = CliProcess.start(env, dir, mtt);
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (expertEpochs(experts) < 5) {
            assertTrue(running.isAlive(), "the run ended before its experts' fifth epoch: " + running.errSoFar());
            assertTrue(System.nanoTime() < deadline, "no fifth expert epoch after 180 s: " + running.errSoFar());
            Thread.sleep(20);
        }
        running.signal("INT");
        CliProcess.Result r = running.awaitExit(Duration.ofSeconds(180));

        assertEquals(130, r.code(), r.err());
        String last = InterruptibleRun.ddlabLines(r.err()).getLast();
        Matcher m = Pattern.compile("distill stopped by SIGINT while preparing its next step \\(experts: (\\d+) of "
                        + epochs + " done and kept\\); the same command goes on from there")
                .matcher(last);
        assertTrue(m.matches(), "one line says how far the experts got and how to go on: " + last);
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), "no stack trace: " + r.err());
        int done = Integer.parseInt(m.group(1));
        assertTrue(done >= 5 && done < epochs, "stopped between epochs, before the last: " + done);
        assertEquals(done + 1, expertEpochs(experts), "the epochs it names are in the cache (and epoch 0)");
        assertFalse(Files.exists(out.resolve("synthetic.npz")), "no step was taken");

        CliProcess.Result again = CliProcess.run(env, dir, mtt);
        assertEquals(0, again.code(), again.err());
        assertTrue(
                again.err().contains(epochs - done + "/" + (epochs - done)), "it trains only the rest: " + again.err());
        assertEquals(epochs + 1, expertEpochs(experts));
    }

    /** Epoch files of expert 0 under the experts' cache {@code root}. */
    private static long expertEpochs(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(p -> p.getFileName().toString().matches("epoch-\\d+\\.npz")
                            && p.getParent().getFileName().toString().equals("expert-0000"))
                    .count();
        }
    }

    @Test
    void aRunKilledOutrightLeavesALockFileThatBlocksNobody(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        CliProcess.Running running = InterruptibleRun.underWay(images, out, 10, dir);
        // The process holding the lock (the relaunched JVM) wrote its id into the lock file; kill -9 gives it no say.
        long holder = Long.parseLong(Files.readString(out.resolve(RunLock.FILE)).strip());
        ProcessHandle process = ProcessHandle.of(holder).orElseThrow();
        assertTrue(process.destroyForcibly());
        process.onExit().get();
        running.awaitExit(Duration.ofSeconds(60));
        assertTrue(Files.exists(out.resolve(RunLock.FILE)), "the lock file stays behind");

        CommandRun resumed = run("distill", "--resume", out.toString(), "--checkpoint-every", "1000");
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains(STEPS + "/" + STEPS + " steps"), resumed.out());
        assertArrayEquals(
                uninterrupted,
                Npz.read(out.resolve("synthetic.npz")).get("images").floats(),
                1e-5f);
    }
}
