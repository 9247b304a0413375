package org.ddlab.viz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.ddlab.engine.SymmetricEigen;

/**
 * Principal component analysis for pictures of embeddings (notebook 02 draws a class's ConvNet embeddings in the
 * plane of its first two components): the eigenvectors of the points' covariance with the largest eigenvalues, in
 * float64 on the engine. A component's sign is arbitrary; each is turned so that its largest coordinate is
 * positive, so the same points always give the same picture.
 */
public final class Pca {

    private Pca() {}

    /**
     * The coordinates of {@code points} (n rows of d numbers) along their first {@code components} principal
     * components: n rows of {@code components} numbers, centred, the first with the largest variance.
     */
    public static double[][] project(double[][] points, int components) {
        int n = points.length;
        int d = n == 0 ? 0 : points[0].length;
        if (n < 2 || components < 1 || components > d) {
            throw new IllegalArgumentException("PCA needs 2 or more points and 1 to d components; got " + n
                    + " points of " + d + " numbers and " + components + " components");
        }
        double[] flat = new double[n * d];
        for (int i = 0; i < n; i++) {
            if (points[i].length != d) {
                throw new IllegalArgumentException(
                        "point " + i + " has " + points[i].length + " numbers, point 0 has " + d);
            }
            System.arraycopy(points[i], 0, flat, i * d, d);
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(flat, new Shape(n, d));
            NDArray centred = x.sub(x.mean(new int[] {0}, true));
            NDArray covariance = centred.transpose().matMul(centred).div(n - 1);
            NDArray vectors = SymmetricEigen.of(covariance, m).vectors(); // columns, eigenvalues ascending
            double[][] basis = new double[components][];
            for (int k = 0; k < components; k++) {
                double[] v = vectors.get(":, " + (d - 1 - k))
                        .toType(DataType.FLOAT64, false)
                        .toDoubleArray();
                int largest = 0;
                for (int t = 1; t < d; t++) {
                    largest = Math.abs(v[t]) > Math.abs(v[largest]) ? t : largest;
                }
                if (v[largest] < 0) {
                    for (int t = 0; t < d; t++) {
                        v[t] = -v[t];
                    }
                }
                basis[k] = v;
            }
            double[] c = centred.toDoubleArray();
            double[][] out = new double[n][components];
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < components; k++) {
                    double s = 0;
                    for (int t = 0; t < d; t++) {
                        s += c[i * d + t] * basis[k][t];
                    }
                    out[i][k] = s;
                }
            }
            return out;
        }
    }
}
