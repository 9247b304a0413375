package org.ddlab.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Map;
import org.ddlab.distill.NpyArray;
import org.ddlab.distill.Npz;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The affine resampler against {@code F.affine_grid} + {@code F.grid_sample} (bilinear, zero padding), for both values of
 * their align_corners flag: DSA's reference passes True, IDC's keeps PyTorch's default False. The fixtures are written by
 * {@code bench/idc_fixtures.py}: a zoom and a rotation of a non-square 2×2×6×7 batch.
 */
class ResamplerTest {

    static Map<String, NpyArray> fx;

    @BeforeAll
    static void load() throws Exception {
        fx = Npz.read(Path.of(ResamplerTest.class
                .getResource("/org/ddlab/idc/idc_fixtures.npz")
                .toURI()));
    }

    private static float maxDifference(String expected, double[] theta, boolean alignCorners) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(fx.get("warp").floats(), new Shape(2, 2, 6, 7));
            float[] ours =
                    Resampler.affine(x, m, new double[][] {theta}, alignCorners).toFloatArray();
            float[] torch = fx.get(expected).floats();
            assertEquals(torch.length, ours.length);
            float worst = 0;
            for (int i = 0; i < ours.length; i++) {
                worst = Math.max(worst, Math.abs(ours[i] - torch[i]));
            }
            return worst;
        }
    }

    private static final double T = 0.3;
    private static final double[] ZOOM = {1.1, 0, 0, 0.8};
    private static final double[] ROTATION = {Math.cos(T), -Math.sin(T), Math.sin(T), Math.cos(T)};

    @Test
    void bothConventionsAreTorchs() {
        for (boolean ac : new boolean[] {true, false}) {
            String suffix = ac ? "_ac" : "_edges";
            assertTrue(maxDifference("warp_zoom" + suffix, ZOOM, ac) < 1e-5, "zoom, align_corners=" + ac);
            assertTrue(maxDifference("warp_rot" + suffix, ROTATION, ac) < 1e-5, "rotation, align_corners=" + ac);
        }
    }

    /**
     * About the centre and without translation, the conventions differ only where a rotation mixes axes of unequal
     * length: the rotation of the 6×7 batch tells them apart (by 0.024, far above the tolerance), a zoom does not.
     * On square images — every built-in dataset's — they give the same pixels.
     */
    @Test
    void theConventionsDifferOnlyWhereARotationMixesUnequalAxes() {
        assertTrue(maxDifference("warp_rot_ac", ROTATION, false) > 1e-2);
        assertTrue(maxDifference("warp_rot_edges", ROTATION, true) > 1e-2);
        assertTrue(maxDifference("warp_zoom_edges", ZOOM, true) < 1e-5);
    }

    @Test
    void idcResamplesAsItsReferenceAndDsaAsItsOwn() {
        assertTrue(DsaParams.reference().alignCorners(), "DSA's reference: align_corners=True");
        assertTrue(!org.ddlab.idc.IdcAugment.matching().alignCorners(), "IDC: PyTorch's default, False");
    }
}
