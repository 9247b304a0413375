package org.ddlab.idc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Map;
import org.ddlab.distill.NpyArray;
import org.ddlab.distill.Npz;
import org.ddlab.engine.GradMode;
import org.ddlab.matching.Gradients;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Multi-formation against PyTorch: {@code idc_fixtures.npz} is written by {@code bench/idc_fixtures.py}
 * with torch's own {@code F.interpolate} and the reference's {@code decode_zoom} and 'mix' init.
 */
class MultiFormationTest {

    private static final float TOL = 1e-5f;
    private static NDManager manager;
    private static Map<String, NpyArray> fx;

    @BeforeAll
    static void start() throws Exception {
        manager = NDManager.newBaseManager();
        fx = Npz.read(
                Path.of(MultiFormationTest.class.getResource("idc_fixtures.npz").toURI()));
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    private static NDArray load(String name) {
        return fx.get(name).toNDArray(manager);
    }

    private static void assertMatches(String expected, NDArray actual) {
        NpyArray e = fx.get(expected);
        assertArrayEquals(e.shape(), actual.getShape().getShape(), expected + ": shape");
        assertArrayEquals(e.floats(), actual.toFloatArray(), TOL, expected);
    }

    @Test
    void bilinearUpsamplingIsTorchsWithAlignCornersFalse() {
        assertMatches("up_tiles", Resize.bilinear(load("tiles"), 8, 8));
        // Non-square on both sides: a swapped pair of axes or align_corners=True would not match.
        assertMatches("up_rect", Resize.bilinear(load("rect"), 7, 6));
    }

    @Test
    void bilinearWeightsFollowTorchsSourceIndexFormula() {
        // 2 → 4: src = (d + 0.5)/2 − 0.5 = −0.25 (clamped to 0), 0.25, 0.75, 1.25 (last pixel repeated).
        assertArrayEquals(new float[] {1, 0, 0.75f, 0.25f, 0.25f, 0.75f, 0, 1}, Resize.bilinearMatrix(4, 2), 1e-7f);
    }

    @Test
    void nearestDownsamplingIsTorchsDefault() {
        assertMatches("near_rgb", Resize.nearest(load("real_rgb"), 4, 4));
        assertMatches("near_gray7", Resize.nearest(load("real_gray7"), 3, 5));
        // Halving keeps the even rows: 28 → 14 reads rows 0, 2, …, 26.
        float[] m = Resize.nearestMatrix(14, 28);
        for (int d = 0; d < 14; d++) {
            assertEquals(1f, m[d * 28 + 2 * d]);
        }
    }

    @Test
    void decodeIsTheReferencesDecodeZoom() {
        assertMatches("dec_rgb_f2", MultiFormation.decode(load("rgb"), 2));
        assertMatches("dec_rgb_f3", MultiFormation.decode(load("rgb"), 3)); // 8 → padded to 9 with 0.5
        assertMatches("dec_gray7_f2", MultiFormation.decode(load("gray7"), 2)); // 7 → padded to 8
    }

    @Test
    void gradientsReachTheStoredPixelsAsInTorch() {
        for (String name : new String[] {"rgb", "gray7"}) {
            try (NDManager step = manager.newSubManager();
                    GradMode.Scope on = GradMode.on()) {
                NDArray leaf = fx.get(name).toNDArray(step);
                leaf.setRequiresGradient(true);
                NDArray w = fx.get("w_" + name + "_f2").toNDArray(step);
                NDArray loss = MultiFormation.decode(leaf, 2).square().mul(w).sum();
                assertMatches("grad_" + name + "_f2", Gradients.of(loss, leaf));
            }
        }
    }

    /** Decoded image k·N + n is tile k of stored image n, tiles row by row: TL, TR, BL, BR. */
    @Test
    void decodeOrderIsTileMajorRowByRow() {
        // Two 2×2 images whose four pixels are distinct constants: each tile upsamples to a flat image.
        float[] v = {1, 2, 3, 4, 10, 20, 30, 40};
        NDArray stored = manager.create(v, new Shape(2, 1, 2, 2));
        NDArray decoded = MultiFormation.decode(stored, 2);
        assertArrayEquals(new long[] {8, 1, 2, 2}, decoded.getShape().getShape());
        float[] d = decoded.toFloatArray();
        float[] firstPixels = new float[8];
        for (int i = 0; i < 8; i++) {
            firstPixels[i] = d[i * 4];
            for (int p = 1; p < 4; p++) {
                assertEquals(d[i * 4], d[i * 4 + p], 0f, "a one-pixel tile upsamples to a flat image");
            }
        }
        assertArrayEquals(new float[] {1, 10, 2, 20, 3, 30, 4, 40}, firstPixels);
        assertArrayEquals(new int[] {0, 7, 0, 7, 0, 7, 0, 7}, MultiFormation.labels(new int[] {0, 7}, 2));
        assertArrayEquals(new int[] {3, 3, 3, 3, 3, 3, 3, 3, 3}, MultiFormation.labels(new int[] {3}, 3));
    }

    @Test
    void tileSizesOfTheBenchmarkImages() {
        assertEquals(16, MultiFormation.tileSize(32, 2));
        assertEquals(14, MultiFormation.tileSize(28, 2));
        assertEquals(11, MultiFormation.tileSize(32, 3));
        try (NDManager step = manager.newSubManager()) {
            for (int side : new int[] {28, 32}) {
                NDArray stored = step.randomUniform(0, 1, new Shape(3, 1, side, side));
                NDArray decoded = MultiFormation.decode(stored, 2);
                assertArrayEquals(
                        new long[] {12, 1, side, side}, decoded.getShape().getShape());
                // No padding: the top-left tile of image 0, upsampled, equals resizing the crop directly.
                int t = side / 2;
                NDArray expected = Resize.bilinear(stored.get("0:1, :, 0:" + t + ", 0:" + t), side, side);
                assertArrayEquals(expected.toFloatArray(), decoded.get("0:1").toFloatArray(), 1e-6f);
                // Bottom-right tile of image 2 is decoded image 3·3 + 2 = 11.
                NDArray br = Resize.bilinear(stored.get("2:3, :, " + t + ":, " + t + ":"), side, side);
                assertArrayEquals(br.toFloatArray(), decoded.get("11:12").toFloatArray(), 1e-6f);
            }
        }
    }

    @Test
    void factorOneIsTheIdentity() {
        NDArray stored = load("rgb");
        NDArray decoded = MultiFormation.decode(stored, 1);
        assertArrayEquals(stored.toFloatArray(), decoded.toFloatArray());
        assertTrue(decoded != stored);
        assertArrayEquals(new int[] {4, 5}, MultiFormation.labels(new int[] {4, 5}, 1));
        NDArray real = load("real_rgb").get("0:2");
        assertArrayEquals(
                real.toFloatArray(), MultiFormation.encodeInit(real, 1).toFloatArray());
    }

    @Test
    void mixInitialisationIsTheReferences() {
        assertMatches("init_rgb", MultiFormation.encodeInit(load("real_rgb"), 2));
        assertMatches("init_gray7", MultiFormation.encodeInit(load("real_gray7"), 2)); // tiles of 4 and 3 rows
    }

    @Test
    void badInputsAreRefusedWithTheReason() {
        NDArray real = manager.zeros(new Shape(6, 1, 8, 8));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> MultiFormation.encodeInit(real, 2));
        assertEquals(
                "'mix' initialisation with factor 2 needs ipc·4 real images of the class (ipc ≥ 1), got 6.",
                e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class, () -> MultiFormation.decode(manager.zeros(new Shape(1, 1, 5, 5)), 4));
        assertEquals(
                "multi-formation factor 4 is too large for 5×5 images: tiles of 2×2 would leave the last tiles "
                        + "without pixels.",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MultiFormation.decode(real, 0));
        assertEquals("multi-formation factor must be ≥ 1 (1: no multi-formation), got 0.", e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class, () -> MultiFormation.decode(manager.zeros(new Shape(8, 8)), 2));
        assertEquals(
                "multi-formation expects stored images as float32 [N, C, H, W], got float32 (8, 8).", e.getMessage());
    }
}
