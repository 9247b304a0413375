package org.ddlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZcaTest {

    private static NDManager manager;

    @BeforeAll
    static void start() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    /** Images that do not vary have nothing to whiten: a clear refusal rather than a matrix of NaN. */
    @Test
    void constantImagesAreRefused() {
        float[] px = new float[4 * 12];
        java.util.Arrays.fill(px, 0.5f);
        ImageSet flat = ImageSet.of("flat", px, new int[] {0, 1, 0, 1}, 3, 2, 2, java.util.List.of("a", "b"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Zca.fit(flat, null, 0.1, manager));
        assertTrue(e.getMessage().contains("do not vary"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Zca.fit(flat, null, 0, manager), "a ridge of 0");
    }

    /** n images of 3×2×2 (D = 12) with correlated values: a fixed mixing of independent noise plus an offset. */
    private static ImageSet correlated(int n, long seed, double scale) {
        Random r = new Random(seed);
        double[][] mix = new double[12][12];
        Random m = new Random(99);
        for (double[] row : mix) {
            for (int j = 0; j < row.length; j++) {
                row[j] = m.nextGaussian();
            }
        }
        float[] px = new float[n * 12];
        for (int i = 0; i < n; i++) {
            double[] z = new double[12];
            for (int j = 0; j < 12; j++) {
                z[j] = r.nextGaussian() * (j < 6 ? 1 : 0.05); // half the directions nearly flat, as in natural images
            }
            for (int a = 0; a < 12; a++) {
                double v = 0.5 + a * 0.01;
                for (int b = 0; b < 12; b++) {
                    v += 0.1 * mix[a][b] * z[b];
                }
                px[i * 12 + a] = (float) (scale * v);
            }
        }
        return ImageSet.of("correlated", px, new int[n], 3, 2, 2, List.of("only"));
    }

    /** Mean and covariance (divisor N) in double, written out here, independent of the engine. */
    private static double[][] covariance(ImageSet set, double[] mean) {
        int d = set.imageSize();
        for (int i = 0; i < set.size(); i++) {
            float[] x = set.image(i);
            for (int a = 0; a < d; a++) {
                mean[a] += x[a] / (double) set.size();
            }
        }
        double[][] c = new double[d][d];
        for (int i = 0; i < set.size(); i++) {
            float[] x = set.image(i);
            for (int a = 0; a < d; a++) {
                for (int b = 0; b < d; b++) {
                    c[a][b] += (x[a] - mean[a]) * (x[b] - mean[b]) / set.size();
                }
            }
        }
        return c;
    }

    @Test
    void whiteningTimesTheRegularisedCovarianceIsTheIdentity() {
        ImageSet set = correlated(400, 1, 1);
        double lambda = 0.1;
        Zca zca = Zca.fit(set, null, lambda, manager);
        double[] mean = new double[12];
        double[][] c = covariance(set, mean);
        double trace = 0;
        for (int a = 0; a < 12; a++) {
            trace += c[a][a];
        }
        for (int a = 0; a < 12; a++) {
            c[a][a] += lambda * trace / 12; // FRePo: the ridge is λ times the mean eigenvalue
        }
        float[] w = zca.matrix();
        for (int a = 0; a < 12; a++) {
            assertEquals(mean[a], zca.mean()[a], 1e-5, "mean " + a);
            for (int b = 0; b < 12; b++) {
                assertEquals(w[a * 12 + b], w[b * 12 + a], 1e-5, "W is symmetric");
                double wcw = 0;
                for (int i = 0; i < 12; i++) {
                    for (int j = 0; j < 12; j++) {
                        wcw += w[a * 12 + i] * c[i][j] * w[j * 12 + b];
                    }
                }
                assertEquals(a == b ? 1 : 0, wcw, 2e-3, "W (Σ + λ tr(Σ)/D I) W = I at " + a + "," + b);
            }
        }
    }

    @Test
    void theRidgeIsRelativeSoScaledImagesWhitenAlikeAndInvertingGivesThemBack() {
        ImageSet set = correlated(300, 2, 1);
        ImageSet scaled = correlated(300, 2, 10);
        Zca zca = Zca.fit(set, null, 0.1, manager);
        Zca zca10 = Zca.fit(scaled, null, 0.1, manager);
        try (NDManager scope = manager.newSubManager()) {
            int[] idx = {0, 5, 17};
            NDArray x = set.images(scope, idx);
            NDArray white = zca.apply(x);
            NDArray white10 = zca10.apply(scaled.images(scope, idx));
            assertArrayEquals(
                    white.toFloatArray(),
                    white10.toFloatArray(),
                    2e-3f,
                    "an absolute ridge would whiten images ×10 differently; FRePo's relative one does not");
            assertArrayEquals(x.toFloatArray(), zca.invert(white).toFloatArray(), 1e-4f, "invert(apply(x)) = x");
            assertEquals(new Shape(3, 3, 2, 2), white.getShape());
        }
        assertNotEquals(zca.digest(), zca10.digest());
        assertThrows(IllegalArgumentException.class, () -> Zca.fit(set, null, 0, manager));
    }

    @Test
    void aPreprocessingRoundTripsThroughItsDescriptionAndArrays() {
        ImageSet set = correlated(200, 3, 1);
        Preprocessing p = Preprocessing.fit(set, Preprocessing.Kind.ZCA, 0.1, manager);
        assertEquals(Preprocessing.Kind.ZCA, p.kind());
        var description = com.google.gson.JsonParser.parseString(new com.google.gson.Gson().toJson(p.describe()))
                .getAsJsonObject();
        java.util.Map<String, Object> back = new com.google.gson.Gson()
                .fromJson(
                        description,
                        new com.google.gson.reflect.TypeToken<java.util.Map<String, Object>>() {}.getType());
        Preprocessing again =
                Preprocessing.fromDescription(back, p.zca().mean(), p.zca().matrix(), manager);
        assertEquals(p, again, "the same statistics and matrix, through JSON and arrays");
        float[] wrong = p.zca().matrix();
        wrong[3] += 1e-3f;
        IllegalArgumentException mixedUp = assertThrows(
                IllegalArgumentException.class,
                () -> Preprocessing.fromDescription(back, p.zca().mean(), wrong, manager));
        assertTrue(mixedUp.getMessage().contains("zca_sha256"), mixedUp.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Preprocessing.fromDescription(back, null, null, manager));
        assertTrue(p.recipe().contains("zca_mean") && p.recipe().contains("zca_matrix"), p.recipe());

        ImageSet white = p.apply(set, manager);
        assertEquals(p, white.space());
        try (NDManager scope = manager.newSubManager()) {
            int[] idx = {4, 9};
            assertArrayEquals(
                    set.images(scope, idx).toFloatArray(),
                    p.invert(white.images(scope, idx)).toFloatArray(),
                    1e-4f);
        }
        assertThrows(IllegalArgumentException.class, () -> p.apply(white, manager), "whitening twice is refused");
    }

    /** The committed module is the one its generator writes. */
    @Test
    void theCommittedEigenModuleHoldsTheGeneratorsCode(@TempDir Path dir) throws Exception {
        Path script = Path.of("src/main/torchscript/symmetric_eigen.py");
        assumeTrue(Files.exists(script) && Files.isExecutable(Path.of("/usr/bin/python3")), "no generator or python");
        Path fresh = dir.resolve("symmetric_eigen.pt");
        Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), fresh.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        assumeTrue(p.waitFor() == 0, "the generator needs python3-torch: " + out);
        try (InputStream committed = org.ddlab.engine.SymmetricEigen.class.getResourceAsStream("symmetric_eigen.pt")) {
            assertEquals(
                    code(Files.newInputStream(fresh)),
                    code(committed),
                    "re-run lib/src/main/torchscript/symmetric_eigen.py and commit the archive");
        }
    }

    private static String code(InputStream archive) throws Exception {
        try (ZipInputStream zip = new ZipInputStream(archive)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                if (e.getName().endsWith("code/__torch__.py")) {
                    return new String(zip.readAllBytes());
                }
            }
        }
        throw new AssertionError("no code/__torch__.py in the archive");
    }
}
