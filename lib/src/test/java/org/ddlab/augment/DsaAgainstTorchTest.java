package org.ddlab.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.ddlab.distill.NpyArray;
import org.ddlab.distill.Npz;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every DSA operation against the reference's own code: {@code dsa_fixtures.npz} is written by
 * {@code bench/dsa_fixtures.py}, which runs DatasetCondensation's rand_brightness … rand_rotate (DiffAugment with
 * ParamDiffAug; affine_grid/grid_sample with align_corners=True) with its random draws replaced by fixed values, on
 * non-square 1- and 3-channel images, per image and siamese (one set for the batch), each group alone and all chained
 * in the reference's order. ddlab gets the same values through {@link Draw#of}; outputs and the gradient of
 * sum(w · out) with respect to the images must agree — DSA is only useful if gradients reach the synthetic images.
 * ddlab's strengths are restated (zero = no change) and its crop shift counts the other way; the script maps both.
 */
class DsaAgainstTorchTest {

    /**
     * Relative to max(1, |reference|). The reference is computed in float64 from the same float32 parameters; ddlab
     * computes interpolation weights in double, rounds them to float32 and sums up to four float32 products per pixel,
     * and colour's means are float32 sums of at most 390 values: a few float32 ulps (the largest difference measured is
     * 3.6e-7, colour on the siamese 3-channel batch). Resampling with align_corners=False instead of True moves rotated
     * pixels by up to 0.16, and a shift or box off by one pixel moves whole values.
     */
    static final float TOLERANCE = 2e-6f;

    static Map<String, NpyArray> fx;

    @BeforeAll
    static void load() throws Exception {
        fx = Npz.read(Path.of(
                DsaAgainstTorchTest.class.getResource("dsa_fixtures.npz").toURI()));
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String op : List.of("color", "crop", "cutout", "flip", "scale", "rotate", "all")) {
            for (String set : List.of("gray", "rgb")) {
                for (boolean shared : new boolean[] {false, true}) {
                    out.add(Arguments.of(op, set, shared));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} on {1}, shared {2}")
    @MethodSource("cases")
    void outputAndGradientFollowTheReference(String op, String set, boolean shared) {
        String key = op + "." + set + "." + (shared ? "shared" : "per_image");
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = fx.get("x." + set).toNDArray(m);
            x.setRequiresGradient(true);
            NDArray w = fx.get("w." + set).toNDArray(m);
            Draw d = draw(op, set, shared);
            NDArray out;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                out = new DsaAugment(d.params()).apply(x, d);
                collector.backward(out.mul(w).sum());
            }
            assertClose(fx.get(key).floats(), out.toFloatArray(), TOLERANCE, key);
            assertClose(fx.get(key + ".grad").floats(), x.getGradient().toFloatArray(), TOLERANCE, key + " gradient");
        }
    }

    /** The fixture's uniforms give, through ddlab's own mapping, the shifts and cutout offsets the reference ran with. */
    @Test
    void theUniformsGiveTheReferencesPixels() {
        long[] rows = fx.get("shift_rows").longs();
        long[] cols = fx.get("shift_cols").longs();
        for (String set : List.of("gray", "rgb")) {
            long[] shape = fx.get("x." + set).shape();
            int h = (int) shape[2];
            int w = (int) shape[3];
            Draw d = draw("all", set, false);
            int sh = (int) (h * 0.5 + 0.5);
            int sw = (int) (w * 0.5 + 0.5);
            long[] offRow = fx.get("cutout_row." + set).longs();
            long[] offCol = fx.get("cutout_col." + set).longs();
            for (int i = 0; i < 2; i++) {
                assertEquals(rows[i], d.shiftRows(i, h), set + " image " + i + " row shift");
                assertEquals(cols[i], d.shiftCols(i, w), set + " image " + i + " column shift");
                int[] box = d.cutoutBox(i, h, w);
                assertEquals(Math.max(0, offRow[i] - sh / 2), box[0], set + " image " + i + " cutout top");
                assertEquals(Math.min(h, offRow[i] - sh / 2 + sh), box[1], set + " image " + i + " cutout bottom");
                assertEquals(Math.max(0, offCol[i] - sw / 2), box[2], set + " image " + i + " cutout left");
                assertEquals(Math.min(w, offCol[i] - sw / 2 + sw), box[3], set + " image " + i + " cutout right");
            }
        }
    }

    /** The comparison can fail: one gradient element of the rotation off by three times its allowed error is rejected. */
    @Test
    void aToleranceSizedErrorIsSeen() {
        String key = "rotate.rgb.per_image.grad";
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = fx.get("x.rgb").toNDArray(m);
            x.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                Draw d = draw("rotate", "rgb", false);
                collector.backward(new DsaAugment(d.params())
                        .apply(x, d)
                        .mul(fx.get("w.rgb").toNDArray(m))
                        .sum());
            }
            float[] ours = x.getGradient().toFloatArray();
            float[] reference = fx.get(key).floats().clone();
            assertClose(reference, ours, TOLERANCE, "unchanged");
            int i = 101;
            reference[i] += 3 * TOLERANCE * Math.max(1f, Math.abs(reference[i]));
            AssertionError e =
                    assertThrows(AssertionError.class, () -> assertClose(reference, ours, TOLERANCE, "perturbed"));
            assertTrue(e.getMessage().contains("perturbed, element 101"), e.getMessage());
        }
    }

    /** The fixture's parameters as a draw of {@code op} ("all": every operation in order), per image or image 0's for all. */
    private static Draw draw(String op, String set, boolean shared) {
        List<Operation> ops =
                op.equals("all") ? Operation.all() : List.of(Operation.valueOf(op.toUpperCase(Locale.ROOT)));
        DsaParams params = DsaParams.builder()
                .strategy(ops)
                .mode(DsaParams.Mode.ALL)
                .cropRatio(fx.get("crop_ratio").floats()[0])
                .cutoutRatio(fx.get("cutout_ratio").floats()[0])
                .build();
        List<Draw.Values> sets = new ArrayList<>();
        for (int i = 0; i < (shared ? 1 : 2); i++) {
            sets.add(new Draw.Values(
                    value("brightness", i),
                    value("saturation", i),
                    value("contrast", i),
                    value("crop_row_u", i),
                    value("crop_col_u", i),
                    value("cutout_row_u." + set, i),
                    value("cutout_col_u." + set, i),
                    fx.get("flip").unsignedBytes()[i] != 0,
                    value("scale_x", i),
                    value("scale_y", i),
                    value("rotation", i)));
        }
        return Draw.of(params, ops, shared, sets);
    }

    private static float value(String name, int i) {
        return fx.get(name).floats()[i];
    }

    /** |reference − ours| ≤ tolerance · max(1, |reference|) for every element; the message names the first that is not. */
    static void assertClose(float[] expected, float[] actual, float tolerance, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        float largest = 0;
        for (int i = 0; i < expected.length; i++) {
            largest = Math.max(largest, Math.abs(expected[i] - actual[i]));
        }
        for (int i = 0; i < expected.length; i++) {
            float allowed = tolerance * Math.max(1f, Math.abs(expected[i]));
            if (!(Math.abs(expected[i] - actual[i]) <= allowed)) {
                throw new AssertionError(what + ", element " + i + ": reference " + expected[i] + ", ours " + actual[i]
                        + " (allowed ±" + allowed + "; largest difference " + largest + ")");
            }
        }
    }
}
