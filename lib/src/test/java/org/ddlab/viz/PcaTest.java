package org.ddlab.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PcaTest {

    /** Points spread 10 along u, 3 along v (orthogonal unit vectors in 5 dimensions), 0.1 in every direction. */
    private static double[][] cloud(double[] u, double[] v, long seed) {
        Random r = new Random(seed);
        double[][] x = new double[400][5];
        for (double[] p : x) {
            double a = 10 * r.nextGaussian();
            double b = 3 * r.nextGaussian();
            for (int t = 0; t < 5; t++) {
                p[t] = 7 + a * u[t] + b * v[t] + 0.1 * r.nextGaussian();
            }
        }
        return x;
    }

    @Test
    void theComponentsAreTheDirectionsOfLargestSpreadInOrder() {
        double s = Math.sqrt(0.5);
        double[] u = {s, s, 0, 0, 0};
        double[] v = {0, 0, 0, s, -s};
        double[][] x = cloud(u, v, 3);
        double[][] xy = Pca.project(x, 2);
        // Coordinate k of a point is its centred position along component k: along u and v up to sign, so the
        // coordinates correlate with the points' positions along u and v almost perfectly.
        assertEquals(1, Math.abs(correlation(column(xy, 0), along(x, u))), 1e-3);
        assertEquals(1, Math.abs(correlation(column(xy, 1), along(x, v))), 1e-3);
        double var0 = variance(column(xy, 0));
        double var1 = variance(column(xy, 1));
        assertTrue(var0 > var1, "the first component has the larger variance");
        assertEquals(100, var0, 15);
        assertEquals(9, var1, 1.5);
        assertEquals(0, mean(column(xy, 0)), 1e-9, "centred");
    }

    @Test
    void theSameSpreadGivesTheSamePictureWhateverTheSignOfTheData() {
        double s = Math.sqrt(0.5);
        double[][] x = cloud(new double[] {s, s, 0, 0, 0}, new double[] {0, 0, 0, s, -s}, 4);
        double[][] mirrored = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            mirrored[i] = x[i].clone();
            for (int t = 0; t < 5; t++) {
                mirrored[i][t] = -mirrored[i][t];
            }
        }
        // A mirrored cloud has the same components up to sign; the sign rule turns them the same way, so the
        // picture is the mirror of the original's.
        double[][] a = Pca.project(x, 2);
        double[][] b = Pca.project(mirrored, 2);
        for (int i = 0; i < x.length; i++) {
            assertArrayEquals(new double[] {-a[i][0], -a[i][1]}, b[i], 1e-6);
        }
    }

    @Test
    void impossibleRequestsAreClearErrors() {
        assertThrows(IllegalArgumentException.class, () -> Pca.project(new double[][] {{1, 2}}, 1));
        assertThrows(IllegalArgumentException.class, () -> Pca.project(new double[][] {{1, 2}, {3, 4}}, 3));
        assertThrows(IllegalArgumentException.class, () -> Pca.project(new double[][] {{1, 2}, {3}}, 1));
    }

    private static double[] column(double[][] x, int k) {
        double[] c = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            c[i] = x[i][k];
        }
        return c;
    }

    private static double[] along(double[][] x, double[] u) {
        double[] c = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            for (int t = 0; t < u.length; t++) {
                c[i] += x[i][t] * u[t];
            }
        }
        return c;
    }

    private static double mean(double[] a) {
        double s = 0;
        for (double v : a) {
            s += v;
        }
        return s / a.length;
    }

    private static double variance(double[] a) {
        double m = mean(a);
        double s = 0;
        for (double v : a) {
            s += (v - m) * (v - m);
        }
        return s / (a.length - 1);
    }

    private static double correlation(double[] a, double[] b) {
        double ma = mean(a);
        double mb = mean(b);
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += (a[i] - ma) * (b[i] - mb);
            aa += (a[i] - ma) * (a[i] - ma);
            bb += (b[i] - mb) * (b[i] - mb);
        }
        return ab / Math.sqrt(aa * bb);
    }
}
