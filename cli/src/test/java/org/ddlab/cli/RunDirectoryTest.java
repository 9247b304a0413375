package org.ddlab.cli;

import static org.ddlab.cli.CommandRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.ddlab.distill.Checkpoint;
import org.ddlab.runs.RunLock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What protects a run directory while a run writes it, seen from the command line: a second run there is
 * refused while the first goes on unharmed, and a save the file system refuses (here a file-size limit,
 * {@code ulimit -f}, the one such failure a test can cause without root) ends in one line naming the file, leaves
 * the previous checkpoint and set as they were and no temporary file, and the run resumes once there is room.
 * docs/bad-input.md lists these cases.
 */
class RunDirectoryTest {

    @TempDir
    static Path shared;

    private static Path images;

    @BeforeAll
    static void writeData() throws IOException {
        images = TinyImageFolder.write(shared.resolve("images"), 8, 3, List.of("a", "b"));
    }

    /** The run failed with one line of ddlab's on stderr naming each of {@code culprits}, and no stack trace; that line. */
    private static String refused(int code, String out, String err, String... culprits) {
        List<String> lines = InterruptibleRun.ddlabLines(err);
        assertNotEquals(0, code, err);
        assertEquals(1, lines.size(), "one line on stderr: " + err);
        for (String c : culprits) {
            assertTrue(lines.getFirst().contains(c), "names '" + c + "': " + lines.getFirst());
        }
        assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + err);
        assertTrue(out.isBlank(), "nothing on stdout: " + out);
        return lines.getFirst();
    }

    /**
     * Every file below {@code dir} with its bytes' hash, but the lock file (the last holder's process id) and data.json,
     * which a resume writes anew before its first step.
     */
    private static Map<String, Integer> contents(Path dir) throws IOException {
        Map<String, Integer> m = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile)
                    .filter(f -> !List.of(RunLock.FILE, "data.json")
                            .contains(dir.relativize(f).toString()))
                    .toList()) {
                m.put(dir.relativize(f).toString(), Arrays.hashCode(Files.readAllBytes(f)));
            }
        }
        return m;
    }

    @Test
    void aSecondRunInADirectoryInUseIsRefusedAndTheFirstGoesOn(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        CliProcess.Running first = InterruptibleRun.underWay(images, out, 10, dir);
        // The holder is the JVM that runs the command (java relaunches itself; a user's kill reaches either).
        String pid = "pid " + Files.readString(out.resolve(RunLock.FILE)).strip();

        CommandRun resume = run("distill", "--resume", out.toString());
        refused(
                resume.code(),
                resume.out(),
                resume.err(),
                out + " is in use by another ddlab run (" + pid + ")",
                "wait for it or choose another --out");
        CommandRun again = run(
                "distill",
                "--method",
                "dm",
                "--ipc",
                "1",
                "--steps",
                "2",
                "--dataset",
                "folder:" + images,
                "--out",
                out.toString());
        refused(again.code(), again.out(), again.err(), out + " is in use by another ddlab run (" + pid + ")");
        CommandRun baseline = run(
                "baseline",
                "--method",
                "random",
                "--ipc",
                "1",
                "--dataset",
                "folder:" + images,
                "--out",
                out.toString());
        refused(baseline.code(), baseline.out(), baseline.err(), out + " is in use by another ddlab run (" + pid + ")");
        assertTrue(first.isAlive(), "the first run is still going");

        CliProcess.Result done = first.awaitExit(Duration.ofSeconds(300));
        assertEquals(0, done.code(), done.err());
        assertTrue(done.out().contains(InterruptibleRun.STEPS + "/" + InterruptibleRun.STEPS + " steps"), done.out());
        assertTrue(InterruptibleRun.ddlabLines(done.err()).stream().noneMatch(l -> l.startsWith("error:")), done.err());
        // Once it is over the directory is free again.
        CommandRun longer =
                run("distill", "--resume", out.toString(), "--steps", String.valueOf(InterruptibleRun.STEPS + 2));
        assertEquals(0, longer.code(), longer.err());
    }

    @Test
    void aSaveBeyondAFileSizeLimitKeepsTheLastCheckpointAndTheRunResumes(@TempDir Path dir) throws Exception {
        // 32×32 images, two a class: a set of 16 KiB, over a limit of 8 KiB, while the run's small files fit under it.
        Path bigger = TinyImageFolder.write(dir.resolve("images32"), 32, 3, List.of("a", "b"));
        Path out = dir.resolve("run");
        CommandRun first = run(
                "distill",
                "--method",
                "dm",
                "--ipc",
                "2",
                "--steps",
                "2",
                "--real-batch",
                "2",
                "--arch",
                "mlp:width=8",
                "--checkpoint-every",
                "2",
                "--dataset",
                "folder:" + bigger,
                "--out",
                out.toString(),
                "--profile",
                "quick");
        assertEquals(0, first.code(), first.err());
        assertTrue(Files.size(out.resolve("synthetic.npz")) > 16 * 1024, "the set is larger than the limit");
        Map<String, Integer> before = contents(out);

        CliProcess.Result limited = CliProcess.startWithFileSizeLimit(
                        8, Map.of(), dir, "distill", "--resume", out.toString(), "--steps", "4")
                .awaitExit(Duration.ofSeconds(180));
        List<String> lines = InterruptibleRun.ddlabLines(limited.err());
        String line = lines.getLast();
        assertEquals(1, limited.code(), limited.err());
        assertEquals(
                "error: cannot write " + out.resolve("checkpoints/step-000000004/synthetic.npz")
                        + ": the file would be larger than "
                        + "this process may write (File too large: a file-size limit such as 'ulimit -f', or the largest file of the file system); "
                        + "raise the limit or write to another disk, then continue with --resume " + out
                        + " (its checkpoint of step 2 is intact)",
                line);
        assertEquals(1, lines.stream().filter(l -> l.startsWith("error:")).count(), "one error line: " + lines);
        assertFalse(
                limited.err().contains("Exception") || limited.err().contains("\tat "),
                "no stack trace: " + limited.err());
        assertEquals(
                before,
                contents(out),
                "the checkpoint of step 2 and the set are as they were, and no temporary file is left");
        assertEquals(List.of(), InterruptibleRun.temporaries(out));
        assertEquals(2, Checkpoint.latest(out).orElseThrow().step());

        // With room again the run goes on from its checkpoint.
        CommandRun resumed = run("distill", "--resume", out.toString(), "--steps", "4");
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(
                resumed.err().contains("resumed from step 2") && resumed.out().contains("4/4 steps"),
                resumed.out() + resumed.err());
    }
}
