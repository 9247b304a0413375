package org.ddlab.augment;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DsaAugmentTest {

    private static NDManager manager;

    @BeforeAll
    static void start() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    private static NDArray random(NDManager m, long seed, int... shape) {
        Random r = new Random(seed);
        long[] dims = new long[shape.length];
        int size = 1;
        for (int i = 0; i < shape.length; i++) {
            dims[i] = shape[i];
            size *= shape[i];
        }
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return m.create(v, new Shape(dims));
    }

    /** A [1,1,h,w] image that is zero except for 1 at (row, col). */
    private static NDArray dot(NDManager m, int h, int w, int row, int col) {
        float[] v = new float[h * w];
        v[row * w + col] = 1f;
        return m.create(v, new Shape(1, 1, h, w));
    }

    private static int[] argmax2d(NDArray img) {
        float[] v = img.toFloatArray();
        int w = (int) img.getShape().get(3);
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return new int[] {best / w, best % w};
    }

    private static DsaAugment only(Operation op, DsaParams.Builder b) {
        return new DsaAugment(b.strategy(op).mode(DsaParams.Mode.ALL).build());
    }

    @Test
    void outputShapeEqualsInputForEveryOperation() {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = random(m, 1, 4, 3, 16, 12);
            DsaAugment all =
                    new DsaAugment(DsaParams.builder().mode(DsaParams.Mode.ALL).build());
            Random rng = new Random(3);
            assertEquals(x.getShape(), all.apply(x, all.sampleShared(rng)).getShape());
            assertEquals(x.getShape(), all.apply(x, all.sample(rng, 4)).getShape());
            for (Operation op : Operation.values()) {
                DsaAugment one = only(op, DsaParams.builder());
                assertEquals(x.getShape(), one.apply(x, one.sample(rng, 4)).getShape(), op.name());
            }
        }
    }

    @Test
    void sharedDrawTransformsEveryImageOfBothBatchesAlike() {
        try (NDManager m = manager.newSubManager()) {
            NDArray img = random(m, 2, 1, 3, 10, 10);
            NDArray real = img.repeat(0, 5); // a "real" batch of 5 copies
            NDArray syn = img.duplicate(); // a "synthetic" batch of 1
            DsaAugment dsa =
                    new DsaAugment(DsaParams.builder().mode(DsaParams.Mode.ALL).build());
            for (int seed = 0; seed < 5; seed++) {
                Draw d = dsa.sampleShared(seed);
                NDArray a = dsa.apply(real, d);
                NDArray b = dsa.apply(syn, d);
                float[] expected = b.toFloatArray();
                for (int i = 0; i < 5; i++) {
                    assertArrayEquals(expected, a.get(i).toFloatArray(), 1e-6f, "seed " + seed + " image " + i);
                }
                assertFalse(a.get(0).allClose(img.get(0)), "ALL mode with reference strengths changes the image");
            }
        }
    }

    @Test
    void perImageDrawGivesImagesTheirOwnTransformAndChecksTheBatchSize() {
        try (NDManager m = manager.newSubManager()) {
            NDArray img = random(m, 2, 1, 1, 10, 10);
            NDArray batch = img.repeat(0, 8);
            DsaAugment dsa =
                    new DsaAugment(DsaParams.builder().mode(DsaParams.Mode.ALL).build());
            Draw d = dsa.sample(new Random(1), 8);
            NDArray out = dsa.apply(batch, d);
            int distinct = 0;
            for (int i = 1; i < 8; i++) {
                distinct += out.get(i).allClose(out.get(0)) ? 0 : 1;
            }
            assertTrue(distinct > 0, "per-image draws should differ");
            // The same per-image draw on a copy gives the same result: siamese per image.
            assertTrue(dsa.apply(batch.duplicate(), d).allClose(out));
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> dsa.apply(img.repeat(0, 3), d));
            assertTrue(e.getMessage().contains("8 images") && e.getMessage().contains("3"), e.getMessage());
        }
    }

    @Test
    void flipMirrorsLeftRight() {
        try (NDManager m = manager.newSubManager()) {
            DsaAugment dsa = only(Operation.FLIP, DsaParams.builder().flipProbability(1));
            Draw d = dsa.sampleShared(0);
            assertTrue(d.flipped(0));
            NDArray out = dsa.apply(dot(m, 6, 9, 2, 1), d);
            assertArrayEquals(new int[] {2, 7}, argmax2d(out));
            assertEquals(1f, out.max().getFloat(), 0f);
            DsaAugment never = only(Operation.FLIP, DsaParams.builder().flipProbability(0));
            assertArrayEquals(
                    new int[] {2, 1}, argmax2d(never.apply(dot(m, 6, 9, 2, 1), never.sample(new Random(0), 1))));
        }
    }

    @Test
    void cropMovesTheBrightPixelByTheDrawnShift() {
        try (NDManager m = manager.newSubManager()) {
            DsaAugment dsa = only(Operation.CROP, DsaParams.builder().cropRatio(0.25));
            Random rng = new Random(7);
            int moved = 0;
            for (int t = 0; t < 20; t++) {
                Draw d = dsa.sampleShared(rng);
                int dr = d.shiftRows(0, 16);
                int dc = d.shiftCols(0, 16);
                assertTrue(Math.abs(dr) <= 4 && Math.abs(dc) <= 4, "shift within ±round(16·0.25)");
                NDArray out = dsa.apply(dot(m, 16, 16, 8, 7), d);
                assertArrayEquals(new int[] {8 + dr, 7 + dc}, argmax2d(out), "draw " + d);
                assertEquals(1f, out.sum().getFloat(), 1e-6f, "integer shift keeps the pixel whole");
                moved += (dr != 0 || dc != 0) ? 1 : 0;
            }
            assertTrue(moved > 10);
            // Shifted out of the image: zero fill.
            Draw d;
            do {
                d = dsa.sampleShared(rng);
            } while (d.shiftCols(0, 16) >= 0);
            assertEquals(0f, dsa.apply(dot(m, 16, 16, 3, 0), d).sum().getFloat(), 0f);
        }
    }

    @Test
    void cutoutZeroesABoxOfTheReferenceSize() {
        try (NDManager m = manager.newSubManager()) {
            DsaAugment dsa = only(Operation.CUTOUT, DsaParams.builder());
            NDArray ones = m.ones(new Shape(1, 1, 28, 28));
            for (int seed = 0; seed < 10; seed++) {
                Draw d = dsa.sampleShared(seed);
                int[] box = d.cutoutBox(0, 28, 28);
                int zeros = (box[1] - box[0]) * (box[3] - box[2]);
                assertTrue(box[1] - box[0] <= 14 && box[3] - box[2] <= 14 && zeros > 0);
                NDArray out = dsa.apply(ones, d);
                assertEquals(28 * 28 - zeros, out.sum().getFloat(), 0f);
                assertEquals(0f, out.getFloat(0, 0, box[0], box[2]));
            }
        }
    }

    @Test
    void scaleAndRotateKeepTheCentreAndMoveOffCentrePixels() {
        try (NDManager m = manager.newSubManager()) {
            // Odd size: the centre pixel sits exactly at normalised (0, 0), a fixed point of both warps.
            NDArray centre = dot(m, 15, 15, 7, 7);
            DsaAugment rot = only(Operation.ROTATE, DsaParams.builder().rotateDegrees(90));
            DsaAugment zoom = only(Operation.SCALE, DsaParams.builder().scale(2));
            for (int seed = 0; seed < 5; seed++) {
                assertEquals(1f, rot.apply(centre, rot.sampleShared(seed)).getFloat(0, 0, 7, 7), 1e-5f);
                assertEquals(1f, zoom.apply(centre, zoom.sampleShared(seed)).getFloat(0, 0, 7, 7), 1e-5f);
            }
            // A 90° rotation with the reference matrix: output (x, y) reads input (-y, x)... check one exactly.
            DsaAugment quarter = only(Operation.ROTATE, DsaParams.builder().rotateDegrees(90));
            Draw d;
            Random rng = new Random(0);
            do {
                d = quarter.sampleShared(rng);
            } while (Math.abs(Math.toDegrees(d.rotation(0))) < 89);
            // Not exactly 90°: the dot spreads bilinearly, but its mass stays near a quarter turn.
            double t = d.rotation(0);
            NDArray out = quarter.apply(dot(m, 15, 15, 7, 12), d); // x = +5/7, y = 0 (normalised)
            int[] at = argmax2d(out);
            // Output (xo, yo) samples input (cos·xo − sin·yo, sin·xo + cos·yo); the dot at (5,0) px from
            // the centre is seen where that equals (5, 0): xo = 5cos t, yo = −5 sin t.
            assertEquals(7 + Math.round(-5 * Math.sin(t)), at[0]);
            assertEquals(7 + Math.round(5 * Math.cos(t)), at[1]);
        }
    }

    @Test
    void colourChangesBrightnessAndContrastAsDrawn() {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = random(m, 5, 2, 3, 4, 4);
            DsaAugment dsa = only(Operation.COLOR, DsaParams.builder());
            Draw d = dsa.sample(new Random(9), 2);
            NDArray out = dsa.apply(x, d);
            for (int i = 0; i < 2; i++) {
                NDArray xi = x.get(i);
                // The image mean moves by exactly the brightness: saturation and contrast keep means.
                assertEquals(
                        xi.mean().getFloat() + d.brightness(i),
                        out.get(i).mean().getFloat(),
                        1e-4f);
            }
        }
    }

    @Test
    void zeroStrengthIsTheIdentity() {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = random(m, 4, 3, 3, 9, 8);
            DsaParams zero = DsaParams.identity();
            DsaAugment single = new DsaAugment(zero);
            DsaAugment all =
                    new DsaAugment(zero.toBuilder().mode(DsaParams.Mode.ALL).build());
            Random rng = new Random(2);
            for (int t = 0; t < 6; t++) {
                assertTrue(single.apply(x, single.sampleShared(rng)).allClose(x, 1e-6, 1e-6, false));
            }
            NDArray y = all.apply(x, all.sample(rng, 3));
            assertNotSame(x, y);
            assertTrue(y.allClose(x, 1e-6, 1e-6, false));
            // The warps themselves are exact at identity (not skipped): scale factor 1, angle 0.
            double[][] eye = {{1, 0, 0, 1}};
            try (NDManager s = m.newSubManager()) {
                NDArray x2 = x.duplicate();
                x2.attach(s);
                assertTrue(Resampler.affine(x2, s, eye, true).allClose(x2, 1e-5, 1e-5, false));
            }
        }
    }

    /** A draw that changes nothing (a flip that did not fire) must still pass gradient, not a detached copy. */
    @Test
    void aDrawThatChangesNothingStillPassesGradient() {
        try (NDManager m = manager.newSubManager()) {
            DsaAugment flipNever = only(Operation.FLIP, DsaParams.builder().flipProbability(0));
            NDArray x = random(m, 9, 2, 1, 6, 6);
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = flipNever.apply(x, flipNever.sampleShared(3));
                assertTrue(y != x, "a new array");
                gc.backward(y.sum());
            }
            for (float v : x.getGradient().toFloatArray()) {
                assertEquals(1f, v, 1e-6f);
            }
        }
    }

    @Test
    void gradientsFlowToTheInput() {
        try (NDManager m = manager.newSubManager()) {
            DsaAugment all =
                    new DsaAugment(DsaParams.builder().mode(DsaParams.Mode.ALL).build());
            for (boolean shared : new boolean[] {true, false}) {
                NDArray x = random(m, 6, 3, 3, 12, 12);
                x.setRequiresGradient(true);
                Draw d = all.sample(new Random(11), 3, shared);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    // A non-uniform loss so that the gradient depends on where pixels went.
                    NDArray y = all.apply(x, d);
                    NDArray loss = y.mul(y).sum();
                    gc.backward(loss);
                }
                float[] g = x.getGradient().toFloatArray();
                double norm = 0;
                for (float v : g) {
                    assertTrue(Float.isFinite(v));
                    norm += v * v;
                }
                assertTrue(norm > 0, "gradient reaches x (shared=" + shared + ")");
            }
            // Each operation alone also passes gradient.
            for (Operation op : Operation.values()) {
                DsaAugment one = only(op, DsaParams.builder().flipProbability(1));
                NDArray x = random(m, 8, 2, 3, 8, 8);
                x.setRequiresGradient(true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(one.apply(x, one.sampleShared(1)).sum());
                }
                assertTrue(x.getGradient().abs().sum().getFloat() > 0, op.name());
            }
        }
    }

    /**
     * The backward pass may run after a garbage collection: every constant the graph saved (gather
     * indices, weights, masks, per-image factors, scalars) must be engine memory, not a Java buffer
     * freed once {@code apply} returned. Before that was so, gradients changed here after a GC and
     * gather read indices like 139792125789632.
     */
    @Test
    void gradientsAreTheSameWhenTheCollectorRunsBeforeBackward() throws InterruptedException {
        DsaAugment all =
                new DsaAugment(DsaParams.builder().mode(DsaParams.Mode.ALL).build());
        DsaAugment reference = DsaAugment.reference();
        for (int trial = 0; trial < 12; trial++) {
            Draw d = trial < 4 ? all.sample(new Random(trial), 4, trial % 2 == 0) : reference.sampleShared(trial);
            float[][] grads = new float[2][];
            for (int pass = 0; pass < 2; pass++) {
                try (NDManager m = manager.newSubManager()) {
                    NDArray x = random(m, 40 + trial, 4, 1, 8, 8);
                    x.setRequiresGradient(true);
                    NDArray weights = random(m, 80 + trial, 4, 1, 8, 8);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray loss = (trial < 4 ? all : reference)
                                .apply(x, d)
                                .mul(weights)
                                .sum();
                        if (pass == 1) {
                            System.gc();
                            Thread.sleep(20);
                            byte[] fill = new byte[4096];
                            java.util.Arrays.fill(fill, (byte) 0x7F);
                            java.util.List<java.nio.ByteBuffer> reuse = new java.util.ArrayList<>();
                            for (int k = 0; k < 100; k++) { // recycle the freed native memory with garbage
                                reuse.add(java.nio.ByteBuffer.allocateDirect(fill.length)
                                        .put(fill));
                            }
                        }
                        gc.backward(loss);
                    }
                    grads[pass] = x.getGradient().toFloatArray();
                }
            }
            assertArrayEquals(grads[0], grads[1], "trial " + trial + ", operations " + d.operations());
        }
    }

    @Test
    void sameSeedSameDrawSameOutput() {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = random(m, 12, 4, 1, 14, 14);
            DsaAugment dsa = DsaAugment.reference();
            for (int seed = 0; seed < 6; seed++) {
                NDArray a = dsa.apply(x, new Random(seed));
                NDArray b = dsa.apply(x, new Random(seed));
                assertArrayEquals(a.toFloatArray(), b.toFloatArray(), 0f);
                assertEquals(
                        dsa.sampleShared(seed).toString(),
                        dsa.sampleShared(seed).toString());
            }
            // Different seeds eventually pick different operations.
            java.util.Set<Operation> picked = new java.util.HashSet<>();
            for (int seed = 0; seed < 40; seed++) {
                picked.addAll(dsa.sampleShared(seed).operations());
            }
            assertEquals(Operation.all().size(), picked.size(), "SINGLE mode picks each operation sometime");
        }
    }

    @Test
    void rejectsBadInputAndBadParams() {
        try (NDManager m = manager.newSubManager()) {
            DsaAugment dsa = DsaAugment.reference();
            NDArray flat = m.zeros(new Shape(2, 784));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> dsa.apply(flat, dsa.sampleShared(0)))
                    .getMessage()
                    .contains("[N,C,H,W]"));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> DsaParams.builder().scale(0.5).build());
            assertThrows(
                    IllegalArgumentException.class,
                    () -> DsaParams.builder().flipProbability(2).build());
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> Operation.parse("color_blur"));
            assertTrue(e.getMessage().contains("blur"));
            assertEquals(Operation.all(), Operation.parse("color_crop_cutout_flip_scale_rotate"));
            assertEquals(
                    "color_crop_cutout_flip_scale_rotate", DsaParams.reference().strategyString());
        }
    }

    @Test
    void augmentsAMnistSizedBatchQuickly() {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = random(m, 13, 256, 1, 28, 28);
            DsaAugment all =
                    new DsaAugment(DsaParams.builder().mode(DsaParams.Mode.ALL).build());
            DsaAugment single = DsaAugment.reference();
            Random rng = new Random(0);
            for (int i = 0; i < 3; i++) { // warm up
                all.apply(x, all.sample(rng, 256)).close();
            }
            int reps = 10;
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                all.apply(x, all.sample(rng, 256)).close();
            }
            double perImageAll = (System.nanoTime() - t0) / 1e6 / reps;
            t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                all.apply(x, all.sampleShared(rng)).close();
            }
            double sharedAll = (System.nanoTime() - t0) / 1e6 / reps;
            t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                single.apply(x, single.sample(rng, 256)).close();
            }
            double perImageSingle = (System.nanoTime() - t0) / 1e6 / reps;
            System.out.printf(
                    "DSA [256,1,28,28]: all ops per-image %.1f ms, all ops shared %.1f ms, "
                            + "reference (one op) per-image %.1f ms%n",
                    perImageAll, sharedAll, perImageSingle);
            assertTrue(perImageAll < 1000, "a generous bound; the target is well under 100 ms");
        }
    }
}
