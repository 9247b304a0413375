package org.ddlab.frepo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ddlab.data.ImageSet;
import org.ddlab.distill.Checkpoint;
import org.ddlab.distill.DistillationRun;
import org.ddlab.distill.Distiller;
import org.ddlab.distill.DivergenceException;
import org.ddlab.distill.SyntheticSetFile;
import org.ddlab.sampling.RandomSampler;
import org.ddlab.train.TinySets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FrepoDistillerTest {

    private static final ImageSet REAL = TinySets.stripes(30, 4, 3);
    private static final FrepoConfig TINY = FrepoConfig.defaults(2, 12)
            .withRealBatch(16)
            .withPool(3, 4)
            .withArchitecture("convnet:width=8,depth=2")
            .withLearningRates(0.01, 0.01)
            .withOnlineLr(1e-3);

    @Test
    void poolStartsStaggeredAndResetsPastTheLimit() {
        try (NDManager m = NDManager.newBaseManager()) {
            ModelPool pool = new ModelPool(m, "mlp:width=8", new Shape(1, 8, 8), 4, 4, 8, 1e-3, 0);
            assertArrayEquals(
                    new int[] {0, 2, 4, 6}, new int[] {pool.steps(0), pool.steps(1), pool.steps(2), pool.steps(3)});
            NDArray x = REAL.images(m, new int[] {0, 1, 2, 3});
            NDArray y = FrepoDistiller.targets(REAL.labels(m, new int[] {0, 1, 2, 3}), 4);
            float[] before = pool.network(3).parameters().get(0).getArray().toFloatArray();
            List<Boolean> resets = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                resets.add(pool.advance(3, x, y)); // 6→7→8→9, then 9 > 8: reset
            }
            assertEquals(List.of(false, false, false, true), resets);
            assertEquals(0, pool.steps(3));
            assertEquals(1, pool.resets());
            float[] after = pool.network(3).parameters().get(0).getArray().toFloatArray();
            assertFalse(java.util.Arrays.equals(before, after), "a reset draws new weights");
            assertEquals(0L, ((long[]) pool.counters().get("adam_steps"))[3], "and starts the member's Adam afresh");
            pool.advance(3, x, y);
            assertEquals(1L, ((long[]) pool.counters().get("adam_steps"))[3]);
            for (int i = 0; i < 8; i++) {
                assertFalse(pool.advance(3, x, y));
            }
            assertEquals(9, pool.steps(3));
            float[] trained = pool.network(3).parameters().get(0).getArray().toFloatArray();
            assertTrue(pool.advance(3, x, y), "past 8 steps: reset");
            assertFalse(
                    java.util.Arrays.equals(
                            trained,
                            pool.network(3).parameters().get(0).getArray().toFloatArray()),
                    "the second reset draws weights other than the trained ones");
            // Members are picked uniformly: over many steps every one is used.
            int[] counts = new int[4];
            for (long t = 1; t <= 400; t++) {
                counts[pool.pick(t)]++;
            }
            for (int c : counts) {
                assertTrue(c > 60 && c < 140, java.util.Arrays.toString(counts));
            }
        }
    }

    /** An online step is one Adam step of the member on MSE to the synthetic set's targets: a few of them lower it. */
    @Test
    void onlineStepsTrainTheMemberOnTheSyntheticSet() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = REAL.images(m, new int[] {0, 1, 2, 3, 4, 5, 6, 7});
            NDArray y = FrepoDistiller.targets(REAL.labels(m, new int[] {0, 1, 2, 3, 4, 5, 6, 7}), 4);
            ModelPool pool = new ModelPool(m, "mlp:width=8", new Shape(1, 8, 8), 4, 1, 100, 1e-2, 0);
            double before = org.ddlab.train.Loss.MSE
                    .compute(pool.network(0).logits(x, false), y)
                    .getFloat();
            for (int i = 0; i < 5; i++) {
                assertFalse(pool.advance(0, x, y));
            }
            double after = org.ddlab.train.Loss.MSE
                    .compute(pool.network(0).logits(x, false), y)
                    .getFloat();
            assertTrue(after < before, "MSE " + before + " -> " + after + " after five online steps");
            // The smallest pool: one member, no online step allowed past the first.
            ModelPool eager = new ModelPool(m, "mlp:width=8", new Shape(1, 8, 8), 4, 1, 0, 1e-2, 0);
            assertEquals(1, eager.size());
            assertFalse(eager.advance(0, x, y), "max online steps 0: one step is taken");
            assertTrue(eager.advance(0, x, y), "then it resets");
            assertThrows(
                    IllegalArgumentException.class,
                    () -> new ModelPool(m, "mlp:width=8", new Shape(1, 8, 8), 4, 0, 1, 1e-2, 0));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> new ModelPool(m, "mlp:width=8", new Shape(1, 8, 8), 4, 1, -1, 1e-2, 0));
        }
    }

    /**
     * One step: Adam moves the images and the learned labels, the first step by their full rates (Adam's first
     * step is lr × sign of the gradient), the second by at most the schedule's factor (0.55 halfway through a
     * two-step run) times the rate; the loss is the kernel loss plus the labels' margin term.
     */
    @Test
    void aStepMovesImagesAndLabelsByTheScheduledRates() {
        FrepoConfig config = TINY.withSteps(2).withLearningRates(0.01, 0.02);
        try (NDManager m = NDManager.newBaseManager();
                FrepoDistiller d = new FrepoDistiller(config, new RandomSampler(REAL, 0), "stripes", m)) {
            float[] x0 = d.synthetic().images().stopGradient().toFloatArray();
            float[] y0 = d.synthetic().softLabels().orElseThrow().stopGradient().toFloatArray();
            Distiller.StepResult first = d.step();
            float[] x1 = d.synthetic().images().stopGradient().toFloatArray();
            float[] y1 = d.synthetic().softLabels().orElseThrow().stopGradient().toFloatArray();
            assertEquals(0.01, largestChange(x0, x1), 1e-4);
            assertEquals(0.02, largestChange(y0, y1), 2e-4);
            assertTrue(
                    first.figures().get("label_loss") < 0, "the margin term rewards clear labels: " + first.figures());
            assertEquals(first.figures().get("kernel_loss") + first.figures().get("label_loss"), first.loss(), 1e-6);
            assertTrue(
                    first.figures().get("batch_accuracy") > 0.5, "real stripes from real stripes: " + first.figures());
            d.step();
            double moved =
                    largestChange(x1, d.synthetic().images().stopGradient().toFloatArray());
            assertTrue(
                    moved > 0 && moved <= 0.55 * 0.01 * 1.01,
                    "step 2 of 2 moves images by at most 0.55 × 0.01: " + moved);
            double relabelled = largestChange(
                    y1, d.synthetic().softLabels().orElseThrow().stopGradient().toFloatArray());
            assertTrue(
                    relabelled > 0 && relabelled <= 0.55 * 0.02 * 1.01,
                    "and labels by at most 0.55 × 0.02: " + relabelled);
        }
        try (NDManager m = NDManager.newBaseManager();
                FrepoDistiller d =
                        new FrepoDistiller(config.withLearnLabels(false), new RandomSampler(REAL, 0), "stripes", m)) {
            float[] y0 = d.synthetic().softLabels().orElseThrow().stopGradient().toFloatArray();
            Distiller.StepResult r = d.step();
            assertArrayEquals(
                    y0, d.synthetic().softLabels().orElseThrow().stopGradient().toFloatArray(), "labels not learned");
            assertEquals(0.0, r.figures().get("label_loss"));
            assertEquals(r.figures().get("kernel_loss"), r.loss(), 1e-9);
        }
    }

    /**
     * The public {@link FrepoDistiller#outerLoss} is what a step descends: on the member, real batch and set of step 1
     * it gives the loss the step reports, and the step moves every pixel and label against its gradient (Adam's first
     * step is −rate · g/(|g| + ε)). A step on another loss, or on another member or batch, reports another value; a step
     * that ignored a gradient term would move some element the other way.
     */
    @Test
    void aStepDescendsThePublicOuterLossOfItsMemberAndBatch() {
        FrepoConfig config = TINY.withSteps(3).withLearningRates(0.01, 0.02);
        try (NDManager m = NDManager.newBaseManager();
                FrepoDistiller d = new FrepoDistiller(config, new RandomSampler(REAL, 0), "stripes", m)) {
            org.ddlab.nn.Network net = d.pool().network(d.pool().pick(1));
            int[] batch = new RandomSampler(REAL, 0).batch(config.realBatch(), 1, net);
            NDArray x = d.synthetic().images().stopGradient().duplicate();
            NDArray y = d.synthetic().softLabels().orElseThrow().stopGradient().duplicate();
            x.setRequiresGradient(true);
            y.setRequiresGradient(true);
            double expected;
            try (ai.djl.training.GradientCollector gc =
                    ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                FrepoDistiller.OuterLoss loss = FrepoDistiller.outerLoss(
                        net,
                        d.regression(),
                        x,
                        y,
                        REAL.images(m, batch),
                        KernelRegression.centredOneHot(REAL.labels(m, batch), REAL.numClasses()),
                        true);
                gc.backward(loss.total());
                expected = loss.total()
                        .toType(ai.djl.ndarray.types.DataType.FLOAT64, false)
                        .getDouble();
            }
            float[] gx = x.getGradient().toFloatArray();
            float[] gy = y.getGradient().toFloatArray();
            float[] x0 = x.stopGradient().toFloatArray();
            float[] y0 = y.stopGradient().toFloatArray();
            Distiller.StepResult first = d.step();
            assertEquals(expected, first.loss(), 1e-9 * Math.abs(expected));
            assertMovedAgainst(gx, x0, d.synthetic().images().stopGradient().toFloatArray(), 0.01, "pixel");
            assertMovedAgainst(
                    gy,
                    y0,
                    d.synthetic().softLabels().orElseThrow().stopGradient().toFloatArray(),
                    0.02,
                    "label");
        }
    }

    /** Each element moved by −rate · g/(|g| + 1e-8) (Adam's first step), to 1e-4 of the rate. */
    private static void assertMovedAgainst(float[] gradient, float[] before, float[] after, double rate, String what) {
        int moved = 0;
        for (int i = 0; i < gradient.length; i++) {
            double expected = -rate * gradient[i] / (Math.abs(gradient[i]) + 1e-8);
            assertEquals(
                    expected, after[i] - before[i], 1e-4 * rate, what + " " + i + " (gradient " + gradient[i] + ")");
            moved += Math.abs(expected) > 0.5 * rate ? 1 : 0;
        }
        assertTrue(moved > gradient.length / 2, what + "s with a gradient: " + moved + " of " + gradient.length);
    }

    private static double largestChange(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    /** A pool state restores only into a pool of the same size and architecture. */
    @Test
    void restoreRefusesTheStateOfAnotherPool() {
        try (NDManager m = NDManager.newBaseManager()) {
            ModelPool small = new ModelPool(m, "mlp:width=8", new Shape(1, 8, 8), 4, 2, 8, 1e-3, 0);
            java.util.Map<String, float[]> arrays = new java.util.HashMap<>();
            small.state().forEach((k, v) -> arrays.put(k, v.toFloatArray()));
            java.util.Map<String, Object> counters = java.util.Map.of(
                    "steps", List.of(0, 4), "generations", List.of(0, 0), "adam_steps", List.of(0, 0), "resets", 0);
            ModelPool wider = new ModelPool(m, "mlp:width=16", new Shape(1, 8, 8), 4, 2, 8, 1e-3, 0);
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> wider.restore(arrays, counters));
            assertTrue(e.getMessage().contains("wrong size"), e.getMessage());
            ModelPool three = new ModelPool(m, "mlp:width=8", new Shape(1, 8, 8), 4, 3, 8, 1e-3, 0);
            e = assertThrows(IllegalArgumentException.class, () -> three.restore(arrays, counters));
            assertTrue(e.getMessage().contains("not for a pool of 3"), e.getMessage());
            assertEquals(3, three.size());
        }
    }

    /** optax's cosine_decay_schedule with α = 0.1: factor 1 at the first step, 0.55 halfway, 0.1 at the end and after. */
    @Test
    void learningRatesDecayByACosineToATenth() {
        try (NDManager m = NDManager.newBaseManager();
                FrepoDistiller d = new FrepoDistiller(TINY, new RandomSampler(REAL, 0), "stripes", m)) {
            assertEquals(1.0, d.schedule(1), 1e-12);
            assertEquals(0.55, d.schedule(7), 1e-12);
            assertEquals(0.1 + 0.45 * (1 + Math.cos(Math.PI * 3 / 12)), d.schedule(4), 1e-12);
            assertEquals(0.1, d.schedule(13), 1e-12);
            assertEquals(0.1, d.schedule(40), 1e-12);
        }
    }

    @Test
    void labelsStartCentredAndTheMarginRewardsOneClearClass() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray init = FrepoDistiller.initialLabels(m.create(new int[] {0, 2}), 10);
            assertArrayEquals(new float[] {0.9f, -0.1f, -0.1f}, java.util.Arrays.copyOf(init.toFloatArray(), 3), 1e-6f);
            // Margin term: -min(top1 - top2, 1/C), averaged over rows.
            NDArray labels = m.create(new float[] {0.5f, 0.45f, 0f, 1f, 0f, 0f}, new Shape(2, 3));
            assertEquals(
                    -(0.05f + 1f / 3) / 2, FrepoDistiller.labelMargin(labels).getFloat(), 1e-6);
        }
    }

    @Test
    void distillationLowersTheRegressionLossAndSavesPixels(@TempDir Path dir) throws Exception {
        try (NDManager m = NDManager.newBaseManager();
                FrepoDistiller d = new FrepoDistiller(TINY.withSteps(40), new RandomSampler(REAL, 0), "stripes", m)) {
            List<Double> losses = new ArrayList<>();
            new DistillationRun(dir, 20, 2, null)
                    .run(d, r -> losses.add(r.figures().get("kernel_loss")) || true);
            double first = losses.subList(0, 5).stream()
                    .mapToDouble(Double::doubleValue)
                    .average()
                    .orElseThrow();
            double last = losses.subList(35, 40).stream()
                    .mapToDouble(Double::doubleValue)
                    .average()
                    .orElseThrow();
            assertTrue(last < first, "loss " + first + " -> " + last);
            assertEquals(40, d.stepsDone());
            try (SyntheticSetFile.Loaded saved = SyntheticSetFile.load(m, dir.resolve("synthetic.npz"))) {
                assertEquals(8, saved.set().size());
                assertTrue(saved.set().softLabels().isPresent());
                assertEquals("frepo", saved.metadata().orElseThrow().method());
                assertEquals(40L, saved.metadata().orElseThrow().steps());
            }
            assertEquals(2, Checkpoint.list(dir).size(), "checkpoints at 20 and 40");
        }
    }

    /** Real data: 50 steps on a Fashion-MNIST subset must beat the real images the set started from. */
    @Test
    void fiftyStepsOnFashionMnistBeatTheirRealStart() {
        org.ddlab.data.Dataset fashion = org.ddlab.data.Datasets.named("fashion-mnist");
        org.junit.jupiter.api.Assumptions.assumeTrue(fashion.location().isPresent(), "Fashion-MNIST not installed");
        org.ddlab.data.DatasetSplits data =
                org.ddlab.data.DatasetSplits.of(fashion).load();
        ImageSet train = data.train().subset(data.train().firstPerClass(300), "train (3000)");
        ImageSet test = data.test().subset(data.test().firstPerClass(100), "test (1000)");
        FrepoConfig config = FrepoConfig.defaults(1, 50)
                .withRealBatch(100)
                .withArchitecture("convnet:width=32")
                .withLearningRates(0.01, 0.01);
        var protocol = org.ddlab.eval.EvaluationProtocol.forProfile(org.ddlab.engine.Profile.QUICK)
                .withSchedule(org.ddlab.train.TrainingSchedule.forProfile(org.ddlab.engine.Profile.QUICK)
                        .withEpochs(100)
                        .withAugment(false))
                .withRepeats(2);
        try (NDManager m = NDManager.newBaseManager();
                FrepoDistiller d = new FrepoDistiller(config, new RandomSampler(train, 0), "fashion-mnist", m)) {
            double before = protocol.evaluate(
                            "convnet:width=32",
                            org.ddlab.train.LabeledSet.hard(
                                    d.synthetic().toLabeledSet("start").images()),
                            test,
                            0,
                            (a, b, c) -> {})
                    .mean();
            while (d.stepsDone() < d.totalSteps()) {
                d.step();
            }
            double after = protocol.evaluate(
                            "convnet:width=32", d.synthetic().toLabeledSet("frepo"), test, 0, (a, b, c) -> {})
                    .mean();
            System.out.printf("IPC 1 on a subset: random real %.3f -> FRePo %.3f%n", before, after);
            assertTrue(after > before + 0.03, "IPC 1: random real " + before + " -> FRePo " + after);
        }
    }

    /**
     * Resumed at step 5, the run ends where an uninterrupted one does: the same images, and the same pool —
     * its members' weights, which only match if their Adam moments and step counts came back too. The pool's
     * online limit (8) is above the steps any member takes after the resume, so no reset hides a lost state.
     */
    @Test
    void aResumedRunEqualsAnUninterruptedOne(@TempDir Path dir) throws Exception {
        FrepoConfig config = TINY.withPool(3, 8);
        float[] straight;
        java.util.Map<String, float[]> straightPool;
        try (NDManager m = NDManager.newBaseManager();
                FrepoDistiller d = new FrepoDistiller(config, new RandomSampler(REAL, 0), "stripes", m)) {
            new DistillationRun(dir.resolve("a"), 100, 1, null).run(d, r -> true);
            straight = d.synthetic().images().stopGradient().toFloatArray();
            straightPool = poolWeights(d.pool());
            assertEquals(0, d.pool().resets());
        }
        Path b = dir.resolve("b");
        try (NDManager m = NDManager.newBaseManager();
                FrepoDistiller d = new FrepoDistiller(config, new RandomSampler(REAL, 0), "stripes", m)) {
            // Interrupted: the listener stops after step 5 (a checkpoint is written on stop).
            DistillationRun.Outcome o = new DistillationRun(b, 100, 1, null).run(d, r -> r.step() < 5);
            assertFalse(o.finished());
        }
        try (NDManager m = NDManager.newBaseManager();
                FrepoDistiller d = new FrepoDistiller(config, new RandomSampler(REAL, 0), "stripes", m)) {
            DistillationRun run = new DistillationRun(b, 100, 1, null);
            assertEquals(5L, run.resume(d).orElseThrow());
            assertTrue(run.run(d, r -> true).finished());
            assertArrayEquals(straight, d.synthetic().images().stopGradient().toFloatArray(), 1e-5f);
            java.util.Map<String, float[]> pool = poolWeights(d.pool());
            assertEquals(straightPool.keySet(), pool.keySet());
            straightPool.forEach((k, v) -> assertArrayEquals(v, pool.get(k), 1e-6f, k));
        }
    }

    private static java.util.Map<String, float[]> poolWeights(ModelPool pool) {
        java.util.Map<String, float[]> out = new java.util.TreeMap<>();
        pool.state().forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    @Test
    void resumeRefusesADifferentConfiguration(@TempDir Path dir) throws Exception {
        try (NDManager m = NDManager.newBaseManager();
                FrepoDistiller d = new FrepoDistiller(TINY.withSteps(2), new RandomSampler(REAL, 0), "stripes", m)) {
            new DistillationRun(dir, 1, 1, null).run(d, r -> true);
        }
        try (NDManager m = NDManager.newBaseManager();
                FrepoDistiller d = new FrepoDistiller(TINY.withRidge(1e-3), new RandomSampler(REAL, 0), "stripes", m)) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> new DistillationRun(dir, 1, 1, null).resume(d));
            assertTrue(e.getMessage().contains("ridge"), e.getMessage());
        }
    }

    @Test
    void divergenceStopsTheRunAndKeepsTheLastGoodCheckpoint(@TempDir Path dir) throws Exception {
        try (NDManager m = NDManager.newBaseManager();
                FrepoDistiller d = new FrepoDistiller(TINY.withSteps(10), new RandomSampler(REAL, 0), "stripes", m)) {
            DivergenceException e = assertThrows(
                    DivergenceException.class,
                    () -> new DistillationRun(dir, 2, 5, null).run(d, r -> {
                        if (r.step() == 5) {
                            d.synthetic()
                                    .images()
                                    .stopGradient()
                                    .set(new ai.djl.ndarray.index.NDIndex("0, 0, 0, 0"), Float.NaN);
                        }
                        return true;
                    }));
            assertTrue(e.getMessage().contains("step 6") || e.getMessage().contains("step 5"), e.getMessage());
            assertTrue(e.getMessage().contains("step 4"), "names the last good checkpoint: " + e.getMessage());
            assertEquals(4, Checkpoint.latest(dir).orElseThrow().step());
            assertFalse(Files.exists(dir.resolve("synthetic.npz")));
        }
    }

    @Test
    void memoryStaysFlatOverManySteps(@TempDir Path dir) throws Exception {
        try (NDManager m = NDManager.newBaseManager();
                FrepoDistiller d = new FrepoDistiller(TINY.withSteps(220), new RandomSampler(REAL, 0), "stripes", m)) {
            for (int i = 0; i < 20; i++) {
                d.step();
            }
            int warm = countArrays(m);
            for (int i = 0; i < 200; i++) {
                d.step();
            }
            assertEquals(warm, countArrays(m), "arrays alive after 20 and after 220 steps");
        }
    }

    private static int countArrays(NDManager m) {
        int n = 0;
        for (var r : m.getManagedArrays()) {
            n += r instanceof NDManager sub ? countArrays(sub) : 1;
        }
        return n;
    }

    @SuppressWarnings("unused")
    private static Distiller.StepResult unused() {
        return null;
    }
}
