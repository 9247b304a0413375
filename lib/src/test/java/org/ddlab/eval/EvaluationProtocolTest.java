package org.ddlab.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ddlab.data.ImageSet;
import org.ddlab.engine.Profile;
import org.ddlab.train.Augmentation;
import org.ddlab.train.LabeledSet;
import org.ddlab.train.TinySets;
import org.ddlab.train.TrainingSchedule;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

class EvaluationProtocolTest {

    private final EvaluationProtocol protocol = EvaluationProtocol.forProfile(Profile.QUICK)
            .withSchedule(new TrainingSchedule(20, 16, 0.05, 0.9, 5e-4, 0.5, false))
            .withAugmentation(Augmentation.NONE)
            .withRepeats(3);

    @Test
    void repeatsGiveMeanStdAndRunsAndAreSeeded() {
        ImageSet train = TinySets.stripes(4, 4, 1);
        ImageSet test = TinySets.stripes(25, 4, 2);
        EvalResult a =
                protocol.evaluate("mlp:width=16", LabeledSet.hard(train), test, 5, EvaluationProtocol.Listener.NONE);
        EvalResult b =
                protocol.evaluate("mlp:width=16", LabeledSet.hard(train), test, 5, EvaluationProtocol.Listener.NONE);
        assertEquals(3, a.runs());
        assertTrue(a.mean() > 0.9, a.toString());
        assertArrayEquals(a.accuracies(), b.accuracies(), "same seed, same numbers on the CPU");
        double m = a.mean();
        double var = 0;
        for (double x : a.accuracies()) {
            var += (x - m) * (x - m) / 3;
        }
        assertEquals(Math.sqrt(var), a.std(), 1e-12);
    }

    @Test
    void augmentationIsUsedWhenTheScheduleSaysSo() {
        int[] calls = {0};
        Augmentation counting = (x, r) -> {
            calls[0]++;
            return x;
        };
        ImageSet train = TinySets.stripes(4, 4, 1);
        protocol.withAugmentation(counting)
                .withRepeats(1)
                .withSchedule(protocol.schedule().withAugment(true).withEpochs(3))
                .evaluate(
                        "mlp:width=8",
                        LabeledSet.hard(train),
                        TinySets.stripes(2, 4, 2),
                        0,
                        EvaluationProtocol.Listener.NONE);
        assertEquals(3, calls[0], "one augmented batch per step: 16 images, batch 16, 3 epochs");
    }

    @Test
    void crossArchitectureTableHasOneRowPerArchitecture() {
        ImageSet train = TinySets.stripes(4, 4, 1);
        List<EvalResult> results = protocol.withRepeats(1)
                .crossArchitecture(
                        List.of("mlp:width=8", "convnet:width=4,depth=2"),
                        LabeledSet.hard(train),
                        TinySets.stripes(5, 4, 2),
                        0,
                        EvaluationProtocol.Listener.NONE);
        Table t = EvalTables.of("cross", results);
        assertEquals(2, t.rowCount());
        assertEquals("convnet:width=4,depth=2", t.stringColumn("architecture").get(1));
    }

    @Test
    void mismatchedTestSetIsRefused() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> protocol.evaluate(
                        "mlp",
                        LabeledSet.hard(TinySets.stripes(2, 4, 0)),
                        TinySets.stripes(2, 3, 0),
                        0,
                        EvaluationProtocol.Listener.NONE));
        assertTrue(e.getMessage().contains("do not match"), e.getMessage());
    }

    /**
     * Progress counts epochs over all runs (repeats × epochs, each once and in order), and the throughput is the
     * images trained on per second of training over the runs.
     */
    @Test
    void progressCountsEpochsOverRunsAndThroughputIsImagesPerSecond() {
        ImageSet train = TinySets.stripes(4, 4, 1);
        List<long[]> seen = new java.util.ArrayList<>();
        List<String> statuses = new java.util.ArrayList<>();
        EvalResult r = protocol.withSchedule(protocol.schedule().withEpochs(4))
                .evaluate(
                        "mlp:width=8", LabeledSet.hard(train), TinySets.stripes(2, 4, 2), 0, (done, total, status) -> {
                            seen.add(new long[] {done, total});
                            statuses.add(status);
                        });
        assertEquals(12, seen.size());
        for (int i = 0; i < 12; i++) {
            assertArrayEquals(new long[] {i + 1, 12}, seen.get(i), "report " + i);
        }
        assertTrue(
                statuses.get(0).startsWith("mlp:width=8 run 1/3, loss ")
                        && statuses.get(11).startsWith("mlp:width=8 run 3/3"),
                statuses.toString());
        double seconds = java.util.Arrays.stream(r.trainSeconds()).sum();
        assertEquals(3 * 4 * 16, r.imagesPerSecond() * seconds, 1e-6 * 3 * 4 * 16, "3 runs × 4 epochs × 16 images");
        assertThrows(IllegalArgumentException.class, () -> protocol.withRepeats(0));
    }

    /** A set in pixels tested on normalised images trains fine and scores tens of points low: refused. */
    @Test
    void aSetInAnotherSpaceThanTheTestImagesIsRefused() {
        ImageSet pixels = TinySets.stripes(2, 4, 0);
        float[] px = new float[pixels.size() * 64];
        pixels.pixels().get(px);
        ImageSet normalised = ImageSet.of(
                "normalised",
                px,
                pixels.labels(),
                1,
                8,
                8,
                pixels.classNames(),
                org.ddlab.data.Preprocessing.of(
                        new org.ddlab.data.Normalization(new float[] {0.5f}, new float[] {0.25f})));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> protocol.evaluate(
                        "mlp", LabeledSet.hard(pixels), normalised, 0, EvaluationProtocol.Listener.NONE));
        assertTrue(e.getMessage().contains("space"), e.getMessage());
    }

    @Test
    void profilesScaleTheSchedule() {
        assertEquals(1000, TrainingSchedule.forProfile(Profile.FULL).epochs());
        assertEquals(300, TrainingSchedule.forProfile(Profile.DEFAULT).epochs());
        assertEquals(
                java.util.List.of(501),
                TrainingSchedule.paper().decayEpochs(),
                "the reference drops the rate after epoch Epoch//2+1");
        assertEquals(5, EvaluationProtocol.forProfile(Profile.FULL).repeats());
    }
}
