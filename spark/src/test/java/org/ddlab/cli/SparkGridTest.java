package org.ddlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.ddlab.ablate.Ablation;
import org.ddlab.runs.RunLock;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ablate --master local-cluster[2,1,1024]}: two executor JVMs besides this one, so each cell travels as a
 * serialised task and meets the driver only in the cache, here a Hadoop file system URI ({@code file:///…}), so
 * each worker runs its cell in a local copy and copies it back step by step. The grid's table equals the local runner's for
 * the same seeds; one executor is killed (SIGKILL) while its cell is between checkpoints, and the grid still
 * completes: Spark retries the task, the retry resumes the cell from its checkpoint, no cell is lost or run twice.
 */
class SparkGridTest {

    private static final String GRID = "{\"name\": \"dm lr\", \"base\": {\"method\": \"dm\", \"ipc\": 1, \"steps\": 16,"
            + " \"architecture\": \"convnet:width=8,depth=2\", \"real_batch\": 32},"
            + " \"vary\": {\"image_lr\": [0.1, 1, 3, 10]}}";

    @Test
    void aGridOnALocalClusterEqualsTheLocalRunAndSurvivesAKilledExecutor(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(
                org.ddlab.data.Datasets.named("fashion-mnist").location().isPresent(), "Fashion-MNIST not installed");
        Path grid = dir.resolve("grid.json");
        Files.writeString(grid, GRID);
        CommandRun local = CommandRun.run(args(grid, dir.resolve("local").toString()));
        assertEquals(0, local.code(), local.err());

        Path shared = dir.resolve("shared");
        AtomicReference<Killed> killed = new AtomicReference<>();
        Thread killer = new Thread(() -> killed.set(killAnExecutorMidCell(shared)), "executor killer");
        killer.setDaemon(true);
        killer.start();
        // The cache as a Hadoop file system URI: each worker runs its cell in a local copy and copies it back step by
        // step.
        List<String> onSpark = new ArrayList<>(List.of(args(grid, shared.toUri().toString())));
        onSpark.addAll(List.of("--master", "local-cluster[2,1,1024]"));
        CommandRun spark = CommandRun.run(onSpark.toArray(String[]::new));
        killer.join(10_000);
        assertEquals(0, spark.code(), spark.err());

        Killed k = killed.get();
        assertNotNull(k, "no executor was found mid-cell to kill: " + spark.err());
        assertTrue(spark.err().contains("lost, retried"), "the driver saw the task lost: " + spark.err());
        List<JsonObject> expected = lines(local.out());
        List<JsonObject> actual = lines(spark.out());
        assertEquals(4, actual.size(), spark.out());
        for (int i = 0; i < 4; i++) {
            for (String key : List.of("options", "mean", "std", "accuracies", "steps", "scored_on", "protocol")) {
                assertEquals(expected.get(i).get(key), actual.get(i).get(key), key + " of cell " + (i + 1));
            }
            assertTrue(!actual.get(i).get("cached").getAsBoolean(), "every cell was run by a worker of this grid");
            Path cell = Path.of(java.net.URI.create(actual.get(i).get("dir").getAsString()));
            JsonObject result = JsonParser.parseString(Files.readString(cell.resolve(Ablation.RESULT)))
                    .getAsJsonObject();
            long resumedFrom = result.get("resumed_from").getAsLong();
            if (cell.equals(k.cell())) {
                assertTrue(
                        resumedFrom >= k.checkpoint(),
                        "the killed cell resumed from its checkpoint " + k.checkpoint() + ", not from " + resumedFrom);
            } else {
                assertEquals(-1, resumedFrom, "cell " + (i + 1) + " ran once, from its start");
            }
        }
    }

    @Test
    void underSparkSubmitTheSameCommandRunsItsGridOnSpark(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(
                org.ddlab.data.Datasets.named("fashion-mnist").location().isPresent(), "Fashion-MNIST not installed");
        Path grid = dir.resolve("grid.json");
        Files.writeString(
                grid,
                "{\"name\": \"dm lr\", \"base\": {\"method\": \"dm\", \"ipc\": 1, \"steps\": 2,"
                        + " \"architecture\": \"convnet:width=8,depth=2\", \"real_batch\": 8},"
                        + " \"vary\": {\"image_lr\": [0.1, 1]}}");
        // spark-submit is SparkSubmit's main with Spark's jars; this JVM's class path holds them and ddlab's.
        Path app = Path.of(org.ddlab.cli.Main.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true",
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                "org.apache.spark.deploy.SparkSubmit",
                "--master",
                "local[2]",
                "--class",
                org.ddlab.cli.Main.class.getName(),
                app.toString()));
        command.addAll(List.of(args(grid, dir.resolve("cells").toString())));
        Process p = new ProcessBuilder(command)
                .redirectError(dir.resolve("err.txt").toFile())
                .redirectOutput(dir.resolve("out.txt").toFile())
                .start();
        assertEquals(0, p.waitFor(), Files.readString(dir.resolve("err.txt")));
        String err = Files.readString(dir.resolve("err.txt"));
        assertTrue(err.contains("on Spark, master local[2]"), "ran on Spark, not in a relaunched JVM: " + err);
        assertTrue(err.contains("on executor driver"), "each cell was a task: " + err);
        assertEquals(2, lines(Files.readString(dir.resolve("out.txt"))).size());
    }

    private record Killed(Path cell, long checkpoint, long pid) {}

    /**
     * Waits for a cell with a checkpoint and no result, then SIGKILLs the executor that holds its lock (the lock file
     * names the holder's process id) — an executor JVM this test's driver started, never this JVM.
     */
    private static Killed killAnExecutorMidCell(Path shared) {
        long deadline = System.nanoTime() + 600_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Stream<Path> cells = Files.isDirectory(shared) ? Files.list(shared) : Stream.empty()) {
                for (Path cell : cells.filter(Files::isDirectory).toList()) {
                    long checkpoint = newestCheckpoint(cell);
                    Path lock = cell.resolve(RunLock.FILE);
                    if (checkpoint < 2 || Files.exists(cell.resolve(Ablation.RESULT)) || !Files.exists(lock)) {
                        continue;
                    }
                    String holder =
                            Files.readString(lock, StandardCharsets.US_ASCII).trim();
                    if (holder.isEmpty()) {
                        continue;
                    }
                    long pid = Long.parseLong(holder);
                    var executor = ProcessHandle.current()
                            .descendants()
                            .filter(p -> p.pid() == pid)
                            .findFirst();
                    if (executor.isPresent() && executor.get().destroyForcibly()) {
                        return new Killed(cell, checkpoint, pid);
                    }
                }
                Thread.sleep(20);
            } catch (IOException | RuntimeException e) {
                // a cell directory appearing or a lock being rewritten as we read: look again
            } catch (InterruptedException e) {
                return null;
            }
        }
        return null;
    }

    private static long newestCheckpoint(Path cell) throws IOException {
        Path checkpoints = cell.resolve("checkpoints");
        if (!Files.isDirectory(checkpoints)) {
            return -1;
        }
        try (Stream<Path> s = Files.list(checkpoints)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("step-\\d+"))
                    .mapToLong(n -> Long.parseLong(n.substring(5)))
                    .max()
                    .orElse(-1);
        }
    }

    private static String[] args(Path grid, String out) {
        return new String[] {
            "ablate",
            "--grid",
            grid.toString(),
            "--out",
            out,
            "--validation",
            "20",
            "--arch",
            "mlp",
            "--epochs",
            "2",
            "--repeats",
            "1",
            "--profile",
            "quick",
            "--checkpoint-every",
            "2",
            "--json"
        };
    }

    private static List<JsonObject> lines(String out) {
        return out.lines()
                .filter(l -> l.startsWith("{"))
                .map(l -> JsonParser.parseString(l).getAsJsonObject())
                .toList();
    }
}
