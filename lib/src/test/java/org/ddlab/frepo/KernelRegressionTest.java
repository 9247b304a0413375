package org.ddlab.frepo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KernelRegressionTest {

    @Test
    void matchesTheClosedFormOnATinyCase() {
        int n = 4, f = 3, b = 2, k = 2;
        double ridge = 1e-2;
        double[][] s = random(n, f, 1), q = random(b, f, 2), y = random(n, k, 3);
        // Closed form in plain doubles: K_ts (K_ss + λ tr(K_ss)/n I)^-1 Y.
        double[][] kss = mul(s, transpose(s));
        double tr = 0;
        for (int i = 0; i < n; i++) {
            tr += kss[i][i];
        }
        for (int i = 0; i < n; i++) {
            kss[i][i] += ridge * tr / n;
        }
        double[][] expected = mul(mul(q, transpose(s)), solve(kss, y));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray pred = new KernelRegression(ridge).predict(nd(m, s), nd(m, q), nd(m, y));
            assertEquals(new Shape(b, k), pred.getShape());
            double[] got = pred.toDoubleArray();
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < k; j++) {
                    assertEquals(expected[i][j], got[i * k + j], 1e-4 * Math.max(1, Math.abs(expected[i][j])));
                }
            }
        }
    }

    @Test
    void interpolatesItsSupportWhenTheRidgeIsTiny() {
        // With λ → 0 and n ≤ F, regression on the support itself returns its targets: the float64
        // solve must hold up at the reference's λ = 1e-6.
        try (NDManager m = NDManager.newBaseManager()) {
            double[][] s = random(20, 64, 4), y = random(20, 10, 5);
            NDArray pred = new KernelRegression(1e-6).predict(nd(m, s), nd(m, s), nd(m, y));
            double[] got = pred.toDoubleArray();
            for (int i = 0; i < 20; i++) {
                for (int j = 0; j < 10; j++) {
                    assertEquals(y[i][j], got[i * 10 + j], 1e-3);
                }
            }
        }
    }

    @Test
    void gradientWithRespectToTheSupportMatchesFiniteDifferences() {
        int n = 5, f = 4, b = 3, k = 2;
        double ridge = 1e-2;
        double[][] s = random(n, f, 6), q = random(b, f, 7), y = random(n, k, 8), t = random(b, k, 9);
        KernelRegression krr = new KernelRegression(ridge);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray support = nd(m, s);
            support.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(loss(krr, support, nd(m, q), nd(m, y), nd(m, t)));
            }
            float[] analytic = support.getGradient().toFloatArray();
            double eps = 1e-2;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < f; j++) {
                    double[][] plus = copy(s), minus = copy(s);
                    plus[i][j] += eps;
                    minus[i][j] -= eps;
                    double up =
                            loss(krr, nd(m, plus), nd(m, q), nd(m, y), nd(m, t)).getDouble();
                    double down = loss(krr, nd(m, minus), nd(m, q), nd(m, y), nd(m, t))
                            .getDouble();
                    double numeric = (up - down) / (2 * eps);
                    assertEquals(
                            numeric,
                            analytic[i * f + j],
                            2e-3 + 2e-2 * Math.abs(numeric),
                            "d loss / d support[" + i + "][" + j + "]");
                }
            }
        }
    }

    @Test
    void refusesNonFiniteFeaturesInsteadOfReturningNaN() {
        try (NDManager m = NDManager.newBaseManager()) {
            double[][] s = random(3, 4, 1);
            s[1][2] = Double.NaN;
            KernelRegression krr = new KernelRegression(1e-6);
            ArithmeticException e = assertThrows(
                    ArithmeticException.class,
                    () -> krr.predict(nd(m, s), nd(m, random(2, 4, 2)), nd(m, random(3, 2, 3))));
            assertTrue(e.getMessage().contains("diverged"), e.getMessage());
            assertEquals(
                    5,
                    krr.escalations(),
                    "the ridge was raised tenfold from 1e-6 up to MAX_RIDGE (1e-1) before giving up");
        }
    }

    @Test
    void classifiesFromAFewSupportImages() {
        var support = org.ddlab.train.TinySets.stripes(2, 4, 1);
        var query = org.ddlab.train.TinySets.stripes(25, 4, 2);
        try (NDManager m = NDManager.newBaseManager()) {
            int[] all = java.util.stream.IntStream.range(0, support.size()).toArray();
            NDArray pixels = support.images(m, all).reshape(support.size(), -1);
            NDArray targets = KernelRegression.centredOneHot(support.labels(m, all), 4);
            double acc = new KernelRegression(1e-3)
                    .accuracy(pixels, targets, x -> x.reshape(x.getShape().get(0), -1), query, 7);
            assertTrue(acc > 0.95, "stripes are linearly separable from two examples each; got " + acc);
            // Batches of 7 (the last one short) count the same hits as one prediction of the whole query.
            int[] q = java.util.stream.IntStream.range(0, query.size()).toArray();
            NDArray predicted = new KernelRegression(1e-3)
                    .predict(pixels, query.images(m, q).reshape(query.size(), -1), targets)
                    .argMax(1);
            int[] labels = query.labels(m, q).toType(DataType.INT32, false).toIntArray();
            long[] classes = predicted.toLongArray();
            long hits = java.util.stream.IntStream.range(0, labels.length)
                    .filter(i -> classes[i] == labels[i])
                    .count();
            assertEquals((double) hits / query.size(), acc, 1e-12);
            // Scrambled targets must not classify: the accuracy comes from the support's labels.
            NDArray wrong =
                    KernelRegression.centredOneHot(support.labels(m, all).add(1).mod(4), 4);
            double bad = new KernelRegression(1e-3)
                    .accuracy(pixels, wrong, x -> x.reshape(x.getShape().get(0), -1), query, 7);
            assertTrue(bad < 0.1, "shifted labels give shifted predictions; got " + bad);
        }
    }

    @Test
    void refusesABadRidge() {
        assertThrows(IllegalArgumentException.class, () -> new KernelRegression(0));
        assertThrows(IllegalArgumentException.class, () -> new KernelRegression(1));
        assertEquals(
                KernelRegression.MAX_RIDGE,
                new KernelRegression(KernelRegression.MAX_RIDGE).ridge(),
                "the range is (0, MAX_RIDGE]");
    }

    @Test
    void refusesFeaturesOfDifferentWidthsOrTargetsOfAnotherCount() {
        try (NDManager m = NDManager.newBaseManager()) {
            KernelRegression krr = new KernelRegression(1e-3);
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> krr.predict(nd(m, random(3, 4, 1)), nd(m, random(2, 5, 2)), nd(m, random(3, 2, 3))));
            assertTrue(e.getMessage().contains("do not fit"), e.getMessage());
            assertThrows(
                    IllegalArgumentException.class,
                    () -> krr.predict(nd(m, random(3, 4, 1)), nd(m, random(2, 4, 2)), nd(m, random(4, 2, 3))));
        }
    }

    private static NDArray loss(KernelRegression krr, NDArray support, NDArray query, NDArray y, NDArray t) {
        return krr.predict(support, query, y).sub(t).square().sum();
    }

    private static NDArray nd(NDManager m, double[][] a) {
        float[] flat = new float[a.length * a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                flat[i * a[0].length + j] = (float) a[i][j];
            }
        }
        return m.create(flat, new Shape(a.length, a[0].length)).toType(DataType.FLOAT32, false);
    }

    private static double[][] random(int r, int c, long seed) {
        Random rng = new Random(seed);
        double[][] a = new double[r][c];
        for (double[] row : a) {
            for (int j = 0; j < c; j++) {
                row[j] = Math.round(rng.nextGaussian() * 64) / 64.0; // exact in float32
            }
        }
        return a;
    }

    private static double[][] copy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    private static double[][] transpose(double[][] a) {
        double[][] t = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                t[j][i] = a[i][j];
            }
        }
        return t;
    }

    private static double[][] mul(double[][] a, double[][] b) {
        double[][] c = new double[a.length][b[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < b[0].length; j++) {
                for (int l = 0; l < b.length; l++) {
                    c[i][j] += a[i][l] * b[l][j];
                }
            }
        }
        return c;
    }

    /** Gauss-Jordan elimination with partial pivoting: A⁻¹B. */
    private static double[][] solve(double[][] a, double[][] b) {
        int n = a.length, k = b[0].length;
        double[][] m = new double[n][n + k];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], 0, m[i], 0, n);
            System.arraycopy(b[i], 0, m[i], n, k);
        }
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(m[r][c]) > Math.abs(m[p][c])) {
                    p = r;
                }
            }
            double[] tmp = m[c];
            m[c] = m[p];
            m[p] = tmp;
            for (int r = 0; r < n; r++) {
                if (r != c) {
                    double factor = m[r][c] / m[c][c];
                    for (int j = c; j < n + k; j++) {
                        m[r][j] -= factor * m[c][j];
                    }
                }
            }
        }
        double[][] x = new double[n][k];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                x[i][j] = m[i][n + j] / m[i][i];
            }
        }
        return x;
    }
}
