package org.ddlab.distill;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

    private static NDManager manager;

    @TempDir
    Path run;

    @BeforeAll
    static void start() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    @Test
    void writesAndReadsBackEverything() throws IOException {
        try (SyntheticSet s = SyntheticSet.fromNoise(manager, List.of("a", "b"), 3, new Shape(1, 3, 3), 9)) {
            Checkpoint c = Checkpoint.at(120)
                    .synthetic(s, Metadata.of("frepo", "fashion-mnist", 9L, 120L))
                    .array("adam_m", manager.ones(new Shape(6, 1, 3, 3)))
                    .array("adam_t", NpyArray.ofLongs(new long[] {120}, 1))
                    .rng(9, 4711)
                    .put("lr", 0.003)
                    .put("model", "convnet")
                    .writeTo(run);
            assertEquals(120, c.step());
            assertEquals(run.resolve("checkpoints/step-000000120"), c.directory());

            Checkpoint back = Checkpoint.latest(run).orElseThrow();
            assertEquals(120, back.step());
            assertEquals(9, back.rngSeed());
            assertEquals(4711, back.rngCounter());
            assertEquals(0.003, (Double) back.state().get("lr"), 0);
            assertEquals("convnet", back.state().get("model"));
            Map<String, NpyArray> arrays = back.arrays();
            assertArrayEquals(new long[] {6, 1, 3, 3}, arrays.get("adam_m").shape());
            assertEquals(1f, arrays.get("adam_m").floats()[53]);
            assertArrayEquals(new long[] {120}, arrays.get("adam_t").longs());
            try (SyntheticSetFile.Loaded l = back.synthetic(manager)) {
                assertArrayEquals(s.pixels(), l.set().pixels());
                assertEquals("frepo", l.metadata().orElseThrow().method());
            }
        }
    }

    @Test
    void latestSkipsIncompleteCheckpointsAndPicksTheHighestStep() throws IOException {
        assertTrue(Checkpoint.latest(run).isEmpty());
        Checkpoint.at(5).rng(1, 5).writeTo(run);
        Checkpoint.at(50).rng(1, 50).writeTo(run);
        Checkpoint.at(20).rng(1, 20).writeTo(run);
        // A crash mid-save: a real-looking directory without state.json, a temporary one, a broken state.
        Files.createDirectories(run.resolve("checkpoints/step-000000900"));
        Files.createDirectories(run.resolve("checkpoints/.tmp-step-000000800-123"));
        Path broken = Files.createDirectories(run.resolve("checkpoints/step-000000700"));
        Files.writeString(broken.resolve("state.json"), "{\"format\": \"ddlab.checkpoint\", \"step\": ");
        assertEquals(50, Checkpoint.latest(run).orElseThrow().step());
        assertEquals(
                List.of(5L, 20L, 50L),
                Checkpoint.list(run).stream().map(Checkpoint::step).toList());

        Checkpoint.prune(run, 2);
        assertEquals(
                List.of(20L, 50L),
                Checkpoint.list(run).stream().map(Checkpoint::step).toList());
        assertFalse(Files.exists(run.resolve("checkpoints/.tmp-step-000000800-123")));
    }

    @Test
    void rewritingAStepReplacesIt() throws IOException {
        Checkpoint.at(3).put("v", "first").writeTo(run);
        Checkpoint.at(3).put("v", "second").writeTo(run);
        assertEquals("second", Checkpoint.latest(run).orElseThrow().state().get("v"));
        try (var files = Files.list(run.resolve("checkpoints"))) {
            assertEquals(
                    List.of("step-000000003"),
                    files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void aFailedWriteLeavesNoCheckpoint() throws IOException {
        Checkpoint.at(1).writeTo(run);
        SyntheticSet closed = SyntheticSet.fromNoise(manager, List.of("a"), 1, new Shape(1, 2, 2), 0);
        closed.close();
        assertThrows(
                RuntimeException.class,
                () -> Checkpoint.at(2).synthetic(closed, null).writeTo(run));
        assertEquals(1, Checkpoint.latest(run).orElseThrow().step());
        try (var files = Files.list(run.resolve("checkpoints"))) {
            assertEquals(
                    List.of("step-000000001"),
                    files.map(p -> p.getFileName().toString()).toList());
        }
    }
}
