package org.ddlab.matching;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ddlab.data.ImageSet;
import org.ddlab.distill.DistillationRun;
import org.ddlab.engine.GradMode;
import org.ddlab.nn.Architectures;
import org.ddlab.nn.Network;
import org.ddlab.sampling.RandomSampler;
import org.ddlab.sampling.RealSampler;
import org.ddlab.train.Loss;
import org.ddlab.train.TinySets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MatchingTest {

    private static final ImageSet REAL = TinySets.stripes(40, 4, 5);

    /**
     * The second-order adapter against finite differences: F(x) = Σ (∂L(x, w)/∂w)² for a tiny network,
     * dF/dx from back-propagating through the differentiable gradients vs central differences.
     */
    @Test
    void secondOrderGradientsMatchFiniteDifferences() {
        try (NDManager m = NDManager.newBaseManager()) {
            Network net =
                    Architectures.create("mlp:width=6", new Shape(1, 8, 8), 4).initialize(m, 1);
            List<NDArray> w = net.parameters().stream()
                    .filter(Parameter::requiresGradient)
                    .map(Parameter::getArray)
                    .toList();
            NDArray labels = m.create(new int[] {0, 2});
            float[] x0 = REAL.images(m, new int[] {0, 2}).toFloatArray();
            NDArray x = m.create(x0, new Shape(2, 1, 8, 8));
            x.setRequiresGradient(true);
            float[] analytic;
            try (GradMode.Scope on = GradMode.on()) {
                List<NDArray> g = Gradients.differentiable(Loss.CROSS_ENTROPY.compute(net.logits(x, true), labels), w);
                NDArray f = null;
                for (NDArray gi : g) {
                    f = f == null ? gi.square().sum() : f.add(gi.square().sum());
                }
                analytic = Gradients.of(f, x).toFloatArray();
            }
            for (NDArray p : w) {
                assertFalse(
                        p.hasGradient() && p.getGradient().abs().sum().getFloat() > 0,
                        "autograd.grad stores nothing on the leaves");
            }
            float eps = 1e-2f;
            for (int i : new int[] {3, 17, 40, 64 + 9, 64 + 33}) {
                float[] plus = x0.clone(), minus = x0.clone();
                plus[i] += eps;
                minus[i] -= eps;
                double numeric = (value(net, w, m, plus, labels) - value(net, w, m, minus, labels)) / (2 * eps);
                assertEquals(numeric, analytic[i], 1e-3 + 5e-2 * Math.abs(numeric), "pixel " + i);
            }
        }
    }

    private static double value(Network net, List<NDArray> w, NDManager m, float[] px, NDArray labels) {
        NDArray x = m.create(px, new Shape(2, 1, 8, 8));
        try (GradMode.Scope on = GradMode.on()) {
            List<NDArray> g = Gradients.of(Loss.CROSS_ENTROPY.compute(net.logits(x, true), labels), w);
            double s = 0;
            for (NDArray gi : g) {
                s += gi.toType(DataType.FLOAT64, false).square().sum().getDouble();
            }
            return s;
        }
    }

    @Test
    void layerwiseCosineIsZeroForEqualAndCountsRowsForOpposite() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray conv = m.randomNormal(new Shape(3, 2, 3, 3));
            NDArray bias = m.randomNormal(new Shape(3));
            List<NDArray> a = List.of(conv, bias);
            assertEquals(0f, GradientDistance.LAYERWISE_COSINE.between(a, a).getFloat(), 1e-5f);
            // Opposite gradients: 1 - (-1) = 2 per output channel; the bias (1-D) is skipped.
            assertEquals(
                    6f,
                    GradientDistance.LAYERWISE_COSINE
                            .between(a, List.of(conv.neg(), bias.mul(5)))
                            .getFloat(),
                    1e-4f);
            assertEquals(0f, GradientDistance.MSE.between(a, a).getFloat(), 1e-6f);
            assertEquals(
                    2f,
                    GradientDistance.COSINE
                            .between(a, List.of(conv.neg(), bias.neg()))
                            .getFloat(),
                    1e-4f);
        }
    }

    @Test
    void shortRunsLowerTheirMatchingLoss() {
        for (MatchingConfig.Method method : MatchingConfig.Method.values()) {
            MatchingConfig config = MatchingConfig.defaults(method, 2, 30)
                    .withArchitecture("convnet:width=8,depth=2")
                    .withRealBatch(16)
                    .withLoops(2, 2);
            if (method == MatchingConfig.Method.DM) {
                config = config.withImageLr(5);
            }
            try (NDManager m = NDManager.newBaseManager();
                    MatchingDistiller d = method == MatchingConfig.Method.DM
                            ? new DistributionMatching(config, new RandomSampler(REAL, 0), "stripes", m)
                            : new GradientMatching(config, new RandomSampler(REAL, 0), "stripes", m)) {
                List<Double> losses = new ArrayList<>();
                float[] before = d.synthetic().images().stopGradient().toFloatArray();
                while (d.stepsDone() < d.totalSteps()) {
                    losses.add(d.step().loss());
                }
                double first = losses.subList(0, 8).stream()
                        .mapToDouble(Double::doubleValue)
                        .average()
                        .orElseThrow();
                double last = losses.subList(22, 30).stream()
                        .mapToDouble(Double::doubleValue)
                        .average()
                        .orElseThrow();
                assertTrue(last < first, method + ": loss " + first + " -> " + last);
                float[] after = d.synthetic().images().stopGradient().toFloatArray();
                assertTrue(!java.util.Arrays.equals(before, after), method + " changed the images");
            }
        }
    }

    /**
     * Native memory, not just live Java handles: gradients taken with DJL's backward and create_graph
     * left each matching's forward pass in a reference cycle inside libtorch (~15 MB per class matching
     * here, so ~900 MB over this loop). RSS after 60 more matchings must stay within a margin.
     */
    @Test
    void gradientMatchingNativeMemoryStaysFlat() {
        ImageSet real = randomImages(4, 40, 28);
        MatchingConfig config = MatchingConfig.defaults(MatchingConfig.Method.DC, 10, 20)
                .withArchitecture("convnet:width=64,depth=2")
                .withRealBatch(16)
                .withLoops(1, 0);
        try (NDManager m = NDManager.newBaseManager();
                GradientMatching d = new GradientMatching(config, new RandomSampler(real, 0), "random", m)) {
            for (int i = 0; i < 5; i++) {
                d.step();
            }
            double warm = residentMb();
            for (int i = 0; i < 15; i++) { // 15 iterations × 4 classes
                d.step();
            }
            double growth = residentMb() - warm;
            assertTrue(growth < 100, "resident memory grew " + Math.round(growth) + " MB over 60 matchings");
        }
    }

    private static double residentMb() {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    private static ImageSet randomImages(int classes, int perClass, int size) {
        java.util.Random r = new java.util.Random(0);
        float[] px = new float[classes * perClass * size * size];
        for (int i = 0; i < px.length; i++) {
            px[i] = (float) r.nextGaussian();
        }
        int[] labels = new int[classes * perClass];
        java.util.Arrays.setAll(labels, i -> i % classes);
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            names.add("class " + c);
        }
        return ImageSet.of("random", px, labels, 1, size, size, names);
    }

    @Test
    void aResumedDmRunEqualsAnUninterruptedOne(@TempDir Path dir) throws Exception {
        MatchingConfig config = MatchingConfig.defaults(MatchingConfig.Method.DM, 2, 6)
                .withArchitecture("convnet:width=8,depth=2")
                .withRealBatch(8);
        float[] straight;
        try (NDManager m = NDManager.newBaseManager();
                DistributionMatching d = new DistributionMatching(config, new RandomSampler(REAL, 0), "stripes", m)) {
            new DistillationRun(dir.resolve("a"), 100, 1, null).run(d, r -> true);
            straight = d.synthetic().images().stopGradient().toFloatArray();
        }
        try (NDManager m = NDManager.newBaseManager();
                DistributionMatching d = new DistributionMatching(config, new RandomSampler(REAL, 0), "stripes", m)) {
            new DistillationRun(dir.resolve("b"), 100, 1, null).run(d, r -> r.step() < 3);
        }
        try (NDManager m = NDManager.newBaseManager();
                DistributionMatching d = new DistributionMatching(config, new RandomSampler(REAL, 0), "stripes", m)) {
            DistillationRun run = new DistillationRun(dir.resolve("b"), 100, 1, null);
            assertEquals(3L, run.resume(d).orElseThrow());
            run.run(d, r -> true);
            assertArrayEquals(straight, d.synthetic().images().stopGradient().toFloatArray(), 1e-5f);
        }
    }

    @Test
    void configsRefuseNonsense() {
        assertThrows(IllegalArgumentException.class, () -> MatchingConfig.Method.parse("mtt"));
        assertThrows(IllegalArgumentException.class, () -> MatchingConfig.defaults(MatchingConfig.Method.DC, 0, 10));
        MatchingConfig least = MatchingConfig.defaults(MatchingConfig.Method.DC, 1, 1)
                .withRealBatch(1)
                .withLoops(1, 0);
        assertEquals(1, least.outerLoop(), "the smallest settings are accepted");
        assertThrows(IllegalArgumentException.class, () -> least.withIterations(0));
        assertThrows(IllegalArgumentException.class, () -> least.withRealBatch(0));
        assertThrows(IllegalArgumentException.class, () -> least.withLoops(0, 0));
        assertThrows(IllegalArgumentException.class, () -> least.withLoops(1, -1));
        MatchingConfig dc =
                MatchingConfig.defaults(MatchingConfig.Method.DC, 2, 4).withArchitecture("convnet:width=8,depth=2");
        MatchingConfig dm =
                MatchingConfig.defaults(MatchingConfig.Method.DM, 2, 4).withArchitecture("convnet:width=8,depth=2");
        try (NDManager m = NDManager.newBaseManager()) {
            assertThrows(
                    IllegalArgumentException.class,
                    () -> new DistributionMatching(dc, new RandomSampler(REAL, 0), "stripes", m));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> new GradientMatching(dm, new RandomSampler(REAL, 0), "stripes", m));
        }
    }

    /** DC's get_loops at its published IPCs (1, 10, 20, 30, 40, 50; 100 as its later versions), and between them. */
    @Test
    void loopsFollowDcsPublishedSettings() {
        int[][] published = {
            {1, 1, 1}, {10, 10, 50}, {20, 20, 25}, {30, 30, 20}, {40, 40, 15}, {50, 50, 10}, {100, 50, 10}
        };
        for (int[] p : published) {
            MatchingConfig c = MatchingConfig.defaults(MatchingConfig.Method.DC, p[0], 1);
            assertArrayEquals(new int[] {p[1], p[2]}, new int[] {c.outerLoop(), c.innerLoop()}, "IPC " + p[0]);
        }
        assertArrayEquals(new int[] {10, 50}, MatchingConfig.loops(2));
        assertArrayEquals(new int[] {25, 23}, MatchingConfig.loops(25));
    }

    /** A checkpoint's configuration comes back whole, loops and distance included. */
    @Test
    void configsRoundTripThroughTheirMap() {
        MatchingConfig c = new MatchingConfig(
                MatchingConfig.Method.DSA,
                3,
                40,
                "convnet:width=8,depth=2",
                16,
                0.2,
                0.4,
                0.03,
                4,
                7,
                GradientDistance.MSE,
                9);
        assertEquals(c, MatchingConfig.fromMap(c.toMap()));
    }

    @Test
    void distancesRefuseMismatchedGradients() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray conv = m.randomNormal(new Shape(3, 2, 3, 3));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> GradientDistance.MSE.between(List.of(conv), List.of(conv, conv)));
            NDArray bias = m.randomNormal(new Shape(3));
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> GradientDistance.LAYERWISE_COSINE.between(List.of(bias), List.of(bias)));
            assertTrue(e.getMessage().contains("no weight"), e.getMessage());
        }
    }

    /**
     * The sampler's step counts matchings, as the reference draws a real batch per matching: with three outer
     * loops, iteration t draws every class at steps 3(t−1)+1 … 3t (DREAM re-clusters on that count).
     */
    @Test
    void everyMatchingDrawsItsOwnRealBatch() {
        MatchingConfig config = MatchingConfig.defaults(MatchingConfig.Method.DC, 1, 2)
                .withArchitecture("convnet:width=8,depth=2")
                .withRealBatch(4)
                .withLoops(3, 0);
        List<Long> steps = new ArrayList<>();
        RandomSampler random = new RandomSampler(REAL, 0);
        RealSampler recording = new RealSampler() {
            @Override
            public ImageSet real() {
                return REAL;
            }

            @Override
            public String name() {
                return random.name();
            }

            @Override
            public int[] sample(int cls, int count, long step, Network embedder) {
                steps.add(step);
                return random.sample(cls, count, step, embedder);
            }
        };
        try (NDManager m = NDManager.newBaseManager();
                GradientMatching d = new GradientMatching(config, recording, "stripes", m)) {
            d.step();
            d.step();
        }
        List<Long> expected = new ArrayList<>();
        for (long s = 1; s <= 6; s++) {
            for (int c = 0; c < 4; c++) {
                expected.add(s);
            }
        }
        assertEquals(expected, steps);
    }

    /**
     * Every iteration starts from a network drawn afresh from (seed, iteration), which trains on the synthetic
     * set between matchings and not after the last one: one outer loop leaves it as drawn whatever the inner
     * loop, two outer loops leave it trained.
     */
    @Test
    void theNetworkIsFreshEachIterationAndTrainsOnlyBetweenMatchings() {
        MatchingConfig config = MatchingConfig.defaults(MatchingConfig.Method.DC, 1, 3)
                .withArchitecture("convnet:width=8,depth=2")
                .withRealBatch(4);
        try (NDManager m = NDManager.newBaseManager();
                GradientMatching once =
                        new GradientMatching(config.withLoops(1, 3), new RandomSampler(REAL, 0), "stripes", m);
                GradientMatching untrained =
                        new GradientMatching(config.withLoops(1, 0), new RandomSampler(REAL, 0), "stripes", m);
                GradientMatching twice =
                        new GradientMatching(config.withLoops(2, 3), new RandomSampler(REAL, 0), "stripes", m)) {
            once.step();
            untrained.step();
            twice.step();
            float[] drawn = weights(untrained.net);
            assertArrayEquals(drawn, weights(once.net), "no training after the last (here: only) matching");
            assertFalse(java.util.Arrays.equals(drawn, weights(twice.net)), "trained between the two matchings");
            untrained.step();
            assertFalse(java.util.Arrays.equals(drawn, weights(untrained.net)), "iteration 2 draws another network");
        }
    }

    private static float[] weights(Network net) {
        return net.parameters().get(0).getArray().toFloatArray();
    }

    /**
     * DSA's siamese augmentation: the same draw on the real and the synthetic side. With one image per class
     * and the synthetic images started from them, both sides are the same batch, so the gradients match
     * exactly; augmenting one side only would not. DC, without augmentation, takes another path from the start.
     */
    @Test
    void dsaAugmentsBothSidesAlike() {
        ImageSet one = TinySets.stripes(1, 4, 8);
        MatchingConfig config = MatchingConfig.defaults(MatchingConfig.Method.DSA, 1, 2)
                .withArchitecture("convnet:width=8,depth=2")
                .withRealBatch(1)
                .withLoops(1, 0)
                .withDistance(GradientDistance.MSE);
        try (NDManager m = NDManager.newBaseManager();
                GradientMatching dsa = new GradientMatching(config, new RandomSampler(one, 0), "stripes", m)) {
            assertEquals(
                    0,
                    dsa.step().loss(),
                    1e-12,
                    "real and synthetic side are the same images under the same augmentation");
        }
        MatchingConfig onStripes = MatchingConfig.defaults(MatchingConfig.Method.DSA, 2, 1)
                .withArchitecture("convnet:width=8,depth=2")
                .withRealBatch(8)
                .withLoops(1, 0);
        java.util.Map<String, Object> asDc = new java.util.HashMap<>(onStripes.toMap());
        asDc.put("method", "dc");
        MatchingConfig dcOnStripes = MatchingConfig.fromMap(asDc);
        try (NDManager m = NDManager.newBaseManager();
                GradientMatching dsa = new GradientMatching(onStripes, new RandomSampler(REAL, 0), "stripes", m);
                GradientMatching dc = new GradientMatching(dcOnStripes, new RandomSampler(REAL, 0), "stripes", m)) {
            assertFalse(dsa.augments() == dc.augments());
            assertTrue(
                    Math.abs(dsa.step().loss() - dc.step().loss()) > 1e-6,
                    "DSA matches augmented batches, DC plain ones");
        }
    }

    @Test
    void dmReportsItsLossPerClass() {
        MatchingConfig config = MatchingConfig.defaults(MatchingConfig.Method.DM, 2, 1)
                .withArchitecture("convnet:width=8,depth=2")
                .withRealBatch(8);
        try (NDManager m = NDManager.newBaseManager();
                DistributionMatching d = new DistributionMatching(config, new RandomSampler(REAL, 0), "stripes", m)) {
            var r = d.step();
            assertEquals(r.loss() / 4, r.figures().get("loss_per_class"), 1e-9);
        }
    }
}
