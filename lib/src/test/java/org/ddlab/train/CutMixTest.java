package org.ddlab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.ddlab.augment.DsaAugment;
import org.ddlab.data.ImageSet;
import org.ddlab.nn.Architectures;
import org.ddlab.nn.Network;
import org.junit.jupiter.api.Test;

class CutMixTest {

    /** The draw consumes the Random in the reference's order: coin, λ₀, permutation, centre row, centre column. */
    @Test
    void aFixedSeedGivesTheReferencesBox() {
        long seed = 11;
        CutMix.Mix mix = new CutMix(1.0, 1.0).draw(new Random(seed), 6, 32, 28);
        Random r = new Random(seed);
        assertTrue(r.nextDouble() < 1.0);
        double lambda = r.nextDouble();
        int[] perm = {0, 1, 2, 3, 4, 5};
        for (int i = 5; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        int cutH = (int) (32 * Math.sqrt(1 - lambda));
        int cutW = (int) (28 * Math.sqrt(1 - lambda));
        int cy = r.nextInt(32);
        int cx = r.nextInt(28);
        assertArrayEquals(perm, mix.permutation());
        assertEquals(Math.max(0, cy - cutH / 2), mix.row0());
        assertEquals(Math.min(32, cy + cutH / 2), mix.row1());
        assertEquals(Math.max(0, cx - cutW / 2), mix.col0());
        assertEquals(Math.min(28, cx + cutW / 2), mix.col1());
        assertEquals(mix, new CutMix(1.0, 1.0).draw(new Random(seed), 6, 32, 28), "same seed, same mix");
    }

    @Test
    void keptAreaIsOneMinusTheClippedBox() {
        CutMix always = new CutMix(1.0, 1.0);
        Random r = new Random(3);
        int clipped = 0;
        for (int i = 0; i < 300; i++) {
            CutMix.Mix m = always.draw(r, 4, 32, 32);
            int rows = m.row1() - m.row0();
            int cols = m.col1() - m.col0();
            assertEquals(1 - rows * cols / 1024.0, m.kept(), 1e-12);
            if (m.row0() > 0 && m.row1() < 32 && m.col0() > 0 && m.col1() < 32) {
                assertEquals(rows, cols, "an unclipped box on a square image is square");
                assertEquals(0, rows % 2, "sides are 2·⌊cut/2⌋");
            } else {
                clipped++;
            }
        }
        assertTrue(clipped > 0 && clipped < 300, "some boxes reach the border, not all");
        assertEquals(1.0, CutMix.Mix.none(8, 8).kept());
    }

    @Test
    void theProbabilityDecidesWhetherABatchIsMixed() {
        Random r = new Random(5);
        CutMix half = CutMix.reference();
        long mixed = IntStream.range(0, 4000)
                .filter(i -> half.draw(r, 4, 8, 8).applied())
                .count();
        assertEquals(2000, mixed, 130);
        assertFalse(new CutMix(0, 1).draw(r, 4, 8, 8).applied());
        assertTrue(new CutMix(1, 1).draw(r, 4, 8, 8).applied());
        // Beta(0.5, 0.5) puts λ₀ > 0.95 (a box under 5 % of the image) with probability 0.16, Beta(1, 1) with 0.05.
        double tinyHalf = IntStream.range(0, 4000)
                        .filter(i -> new CutMix(1, 0.5).draw(r, 2, 100, 100).kept() > 0.95)
                        .count()
                / 4000.0;
        double tinyOne = IntStream.range(0, 4000)
                        .filter(i -> new CutMix(1, 1).draw(r, 2, 100, 100).kept() > 0.95)
                        .count()
                / 4000.0;
        assertTrue(tinyHalf > tinyOne + 0.07, "tiny boxes: Beta(0.5) " + tinyHalf + ", Beta(1) " + tinyOne);
    }

    /** Image i is filled with i: inside the box every pixel must read permutation[i], outside i. */
    @Test
    void theBoxComesFromThePartnerImage() {
        try (NDManager m = NDManager.newBaseManager()) {
            int b = 4, c = 2, h = 4, w = 5;
            float[] v = new float[b * c * h * w];
            for (int i = 0; i < v.length; i++) {
                v[i] = i / (c * h * w);
            }
            NDArray x = m.create(v, new Shape(b, c, h, w));
            int[] perm = {2, 0, 3, 1};
            CutMix.Mix mix = new CutMix.Mix(perm, 1, 3, 0, 2, h, w);
            float[] y = CutMix.images(x, mix).toFloatArray();
            for (int i = 0; i < b; i++) {
                for (int ch = 0; ch < c; ch++) {
                    for (int r = 0; r < h; r++) {
                        for (int col = 0; col < w; col++) {
                            boolean in = r >= 1 && r < 3 && col < 2;
                            assertEquals(
                                    in ? perm[i] : i,
                                    y[((i * c + ch) * h + r) * w + col],
                                    0f,
                                    "image " + i + " at (" + r + ", " + col + ")");
                        }
                    }
                }
            }
            assertArrayEquals(v, x.toFloatArray(), "the input is left alone");
            assertEquals(0.8, mix.kept(), 1e-12);
        }
    }

    @Test
    void theLossWeighsOwnAndPartnerLabelsByTheKeptArea() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] z = {2, 0, -1, 0.5f, 0, 1, 3, -2, 1, 1, 0, 0};
            NDArray logits = m.create(z, new Shape(3, 4));
            NDArray labels = m.create(new int[] {0, 1, 2});
            int[] perm = {1, 2, 0};
            CutMix.Mix mix = new CutMix.Mix(perm, 0, 1, 0, 2, 4, 4); // area 2 of 16: λ = 0.875
            double own = 0;
            double partner = 0;
            for (int i = 0; i < 3; i++) {
                double lse = 0;
                for (int k = 0; k < 4; k++) {
                    lse += Math.exp(z[i * 4 + k]);
                }
                lse = Math.log(lse);
                own += (lse - z[i * 4 + i]) / 3;
                partner += (lse - z[i * 4 + perm[i]]) / 3;
            }
            assertEquals(
                    0.875 * own + 0.125 * partner,
                    CutMix.loss(logits, labels, mix).getFloat(),
                    1e-5);
            assertEquals(own, CutMix.loss(logits, labels, CutMix.Mix.none(4, 4)).getFloat(), 1e-5);
            NDArray soft = CutMix.targets(labels, 4, mix);
            assertArrayEquals(
                    new float[] {0.875f, 0.125f, 0, 0, 0, 0.875f, 0.125f, 0, 0.125f, 0, 0.875f, 0},
                    soft.toFloatArray(),
                    1e-7f);
            assertEquals(
                    CutMix.loss(logits, labels, mix).getFloat(),
                    Loss.SOFT_CROSS_ENTROPY.compute(logits, soft).getFloat(),
                    1e-5);
        }
    }

    /** A step with the same seed gives the same network, to the byte; steps lower the loss of a batch. */
    @Test
    void theStepIsReproducibleAndTrains() {
        ImageSet set = TinySets.stripes(8, 4, 1);
        int[] idx = IntStream.range(0, set.size()).toArray();
        float[][] after = new float[2][];
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray images = set.images(m, idx);
            NDArray labels = set.labels(m, idx);
            Augmentation dsa = new DsaAugment(org.ddlab.augment.DsaParams.builder()
                    .strategy(org.ddlab.augment.Operation.parse("color_crop"))
                    .mode(org.ddlab.augment.DsaParams.Mode.ALL)
                    .build())::apply;
            for (int run = 0; run < 2; run++) {
                Network net = Architectures.create("convnet:width=16,depth=2", new Shape(1, 8, 8), 4)
                        .initialize(m, 9);
                Sgd sgd = new Sgd(net.parameters(), 0.01, 0.9, 5e-4);
                Random rng = new Random(21);
                for (int s = 0; s < 3; s++) {
                    CutMix.reference().step(net, sgd, images, labels, dsa, rng);
                }
                after[run] = net.snapshot().values().stream().reduce(new float[0], CutMixTest::concat);
            }
            assertArrayEquals(after[0], after[1]);

            Network net = Architectures.create("convnet:width=16,depth=2", new Shape(1, 8, 8), 4)
                    .initialize(m, 9);
            Sgd sgd = new Sgd(net.parameters(), 0.01, 0.9, 5e-4);
            CutMix off = new CutMix(0, 1);
            Random rng = new Random(2);
            float first = off.step(net, sgd, images, labels, Augmentation.NONE, rng);
            float last = first;
            for (int s = 0; s < 10; s++) {
                last = off.step(net, sgd, images, labels, Augmentation.NONE, rng);
            }
            assertTrue(last < 0.8 * first, "loss " + first + " → " + last);
        }
    }

    /**
     * λ₀ ~ Beta(β, β) for a β other than IDC's 1: 20000 draws have the distribution's variance 1/(4(2β + 1)) and
     * its mass below 0.1 (the regularised incomplete beta function: 0.2048 at β ½, 0.1 at 1, 0.028 at 2).
     */
    @Test
    void lambdaFollowsBeta() {
        double[][] cases = {{0.5, 1.0 / 8, 0.2048}, {1, 1.0 / 12, 0.1}, {2, 1.0 / 20, 0.028}};
        for (double[] c : cases) {
            Random rng = new Random(7);
            int n = 20000;
            double sum = 0, squares = 0;
            int below = 0;
            for (int i = 0; i < n; i++) {
                double l = CutMix.sampleBeta(rng, c[0]);
                assertTrue(l >= 0 && l <= 1, "β " + c[0] + ": " + l);
                sum += l;
                squares += l * l;
                below += l < 0.1 ? 1 : 0;
            }
            double mean = sum / n;
            assertEquals(0.5, mean, 0.01, "β " + c[0] + ": mean");
            assertEquals(c[1], squares / n - mean * mean, 0.1 * c[1], "β " + c[0] + ": variance");
            assertEquals(c[2], (double) below / n, 0.01, "β " + c[0] + ": P(λ < 0.1)");
        }
    }

    /**
     * Beta's parts: Gamma(a, 1) has mean a, variance a and skewness 2/√a. 200000 draws pin all three, for a
     * below 1 (through Gamma(a + 1)·U^(1/a)) and above (Marsaglia and Tsang's squeeze).
     */
    @Test
    void gammaHasItsMoments() {
        for (double a : new double[] {0.5, 2, 5}) {
            Random rng = new Random(11);
            int n = 200_000;
            double[] x = new double[n];
            double mean = 0;
            for (int i = 0; i < n; i++) {
                x[i] = CutMix.sampleGamma(rng, a);
                assertTrue(x[i] > 0, "a " + a + ": " + x[i]);
                mean += x[i] / n;
            }
            double m2 = 0, m3 = 0;
            for (double v : x) {
                m2 += (v - mean) * (v - mean) / n;
                m3 += (v - mean) * (v - mean) * (v - mean) / n;
            }
            assertEquals(a, mean, 0.01 * a, "a " + a + ": mean");
            assertEquals(a, m2, 0.03 * a, "a " + a + ": variance");
            assertEquals(2 / Math.sqrt(a), m3 / Math.pow(m2, 1.5), 0.1 * 2 / Math.sqrt(a), "a " + a + ": skewness");
        }
    }

    /**
     * The optimiser's step uses this batch's gradient only: gradients a caller left on the network are cleared
     * first (the reference's zero_grad), so a step after a stray backward pass equals one without.
     */
    @Test
    void aStepClearsGradientsLeftOnTheNetwork() {
        ImageSet set = TinySets.stripes(2, 4, 1);
        int[] idx = IntStream.range(0, set.size()).toArray();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray images = set.images(m, idx);
            NDArray labels = set.labels(m, idx);
            float[][] after = new float[2][];
            for (int run = 0; run < 2; run++) {
                Network net = Architectures.create("mlp:width=8", new Shape(1, 8, 8), 4)
                        .initialize(m, 9);
                if (run == 1) {
                    try (ai.djl.training.GradientCollector gc =
                            ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                        gc.backward(net.logits(images, true).sum());
                    }
                }
                Sgd sgd = new Sgd(net.parameters(), 0.1, 0, 0);
                new CutMix(0, 1).step(net, sgd, images, labels, Augmentation.NONE, new Random(1));
                after[run] = net.snapshot().values().stream().reduce(new float[0], CutMixTest::concat);
            }
            assertArrayEquals(after[0], after[1]);
        }
    }

    /** Boxes clipped at the border, or empty, are valid mixes; boxes reaching outside the image are not. */
    @Test
    void boxesStayInsideTheImage() {
        int[] p = {1, 0};
        assertEquals(1.0, new CutMix.Mix(p, 0, 4, 2, 2, 4, 4).kept(), 1e-12, "an empty box keeps everything");
        assertEquals(0.0, new CutMix.Mix(p, 0, 4, 0, 4, 4, 4).kept(), 1e-12, "the whole image");
        assertEquals(0.75, new CutMix.Mix(p, 3, 4, 0, 4, 4, 4).kept(), 1e-12, "the last row");
        assertThrows(IllegalArgumentException.class, () -> new CutMix.Mix(p, 0, 5, 0, 1, 4, 4));
        assertThrows(IllegalArgumentException.class, () -> new CutMix.Mix(p, 0, 1, 0, 5, 4, 4));
        assertThrows(IllegalArgumentException.class, () -> new CutMix.Mix(p, -1, 1, 0, 1, 4, 4));
        assertThrows(IllegalArgumentException.class, () -> new CutMix.Mix(p, 0, 1, -1, 1, 4, 4));
        assertThrows(IllegalArgumentException.class, () -> new CutMix.Mix(p, 2, 1, 0, 1, 4, 4));
        assertThrows(IllegalArgumentException.class, () -> new CutMix.Mix(p, 0, 1, 2, 1, 4, 4));
        assertThrows(IllegalArgumentException.class, () -> new CutMix.Mix(p, 0, 0, 0, 0, 0, 4));
        assertEquals(new CutMix.Mix(p, 0, 1, 0, 1, 4, 4), new CutMix.Mix(new int[] {1, 0}, 0, 1, 0, 1, 4, 4));
        assertFalse(new CutMix.Mix(p, 0, 1, 0, 1, 4, 4).equals(new CutMix.Mix(new int[] {0, 1}, 0, 1, 0, 1, 4, 4)));
    }

    @Test
    void badSettingsAndMismatchedBatchesAreRefused() {
        assertEquals(
                "CutMix probability must be in [0, 1], got 1.5.",
                assertThrows(IllegalArgumentException.class, () -> new CutMix(1.5, 1))
                        .getMessage());
        assertEquals(
                "CutMix beta must be positive, got 0.0.",
                assertThrows(IllegalArgumentException.class, () -> new CutMix(0.5, 0))
                        .getMessage());
        try (NDManager m = NDManager.newBaseManager()) {
            CutMix.Mix mix = new CutMix.Mix(new int[] {1, 0}, 0, 2, 0, 2, 4, 4);
            assertEquals(
                    "this CutMix draw is for a batch of 2, got 3.",
                    assertThrows(
                                    IllegalArgumentException.class,
                                    () -> CutMix.images(m.zeros(new Shape(3, 1, 4, 4)), mix))
                            .getMessage());
            assertEquals(
                    "this CutMix draw is for [B, C, 4, 4] images, got (2, 1, 4, 5).",
                    assertThrows(
                                    IllegalArgumentException.class,
                                    () -> CutMix.images(m.zeros(new Shape(2, 1, 4, 5)), mix))
                            .getMessage());
            assertEquals(
                    "this CutMix draw is for a batch of 2, got 3.",
                    assertThrows(IllegalArgumentException.class, () -> CutMix.mixTargets(m.zeros(new Shape(3, 4)), mix))
                            .getMessage());
            assertEquals(
                    "this CutMix draw is for a batch of 2, got 3.",
                    assertThrows(
                                    IllegalArgumentException.class,
                                    () -> CutMix.loss(m.zeros(new Shape(3, 4)), m.zeros(new Shape(3)), mix))
                            .getMessage());
            Network net =
                    Architectures.create("mlp:width=8", new Shape(1, 4, 4), 4).initialize(m, 0);
            Sgd sgd = new Sgd(net.parameters(), 0.1, 0, 0);
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> CutMix.reference()
                            .step(
                                    net,
                                    sgd,
                                    m.zeros(new Shape(2, 1, 4, 4)),
                                    m.zeros(new Shape(3)),
                                    Augmentation.NONE,
                                    new Random(0)));
            assertTrue(e.getMessage().startsWith("CutMix step needs one label per image"), e.getMessage());
        }
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
