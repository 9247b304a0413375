package org.ddlab.augment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Moves pixels by gathering: each output pixel is a weighted sum of a few input pixels whose
 * indices and weights are computed here, in plain Java, from the transformation. The weights do not
 * depend on x, so the result is linear in x and the gradient flows back through {@code gather}
 * (PyTorch's backward is a scatter-add). This stands in for {@code F.affine_grid} + {@code
 * F.grid_sample}, which DJL does not expose; it reproduces them with bilinear interpolation and zero
 * padding, as the references call them, for either value of their {@code align_corners} flag (DSA's
 * reference passes True, IDC's keeps PyTorch's default, False).
 */
final class Resampler {

    private Resampler() {}

    /**
     * Bilinear warp by 2×2 affine matrices (no translation), one per parameter set:
     * {@code theta[k] = {a, b, c, d}} maps normalised output (x, y) ∈ [-1, 1]² to input
     * (a·x + b·y, c·x + d·y).
     *
     * @param x            [N,C,H,W], attached to {@code scope}
     * @param theta        n × 4, n = 1 (shared) or N
     * @param alignCorners true: ±1 are the centres of the corner pixels; false: the image's outer edges
     */
    static NDArray affine(NDArray x, NDManager scope, double[][] theta, boolean alignCorners) {
        Shape s = x.getShape();
        int h = (int) s.get(2);
        int w = (int) s.get(3);
        int hw = h * w;
        int n = theta.length;
        long[] idx = new long[n * 4 * hw];
        float[] wt = new float[n * 4 * hw];
        for (int k = 0; k < n; k++) {
            double a = theta[k][0], b = theta[k][1], c = theta[k][2], d = theta[k][3];
            int base = k * 4 * hw;
            for (int r = 0; r < h; r++) {
                double yn = normalised(r, h, alignCorners);
                for (int col = 0; col < w; col++) {
                    double xn = normalised(col, w, alignCorners);
                    double sx = source(a * xn + b * yn, w, alignCorners);
                    double sy = source(c * xn + d * yn, h, alignCorners);
                    int x0 = (int) Math.floor(sx);
                    int y0 = (int) Math.floor(sy);
                    double fx = sx - x0;
                    double fy = sy - y0;
                    int p = r * w + col;
                    tap(idx, wt, base + p, y0, x0, (1 - fy) * (1 - fx), h, w);
                    tap(idx, wt, base + hw + p, y0, x0 + 1, (1 - fy) * fx, h, w);
                    tap(idx, wt, base + 2 * hw + p, y0 + 1, x0, fy * (1 - fx), h, w);
                    tap(idx, wt, base + 3 * hw + p, y0 + 1, x0 + 1, fy * fx, h, w);
                }
            }
        }
        return gather(x, scope, idx, wt, n, 4);
    }

    /** {@code F.affine_grid}'s coordinate of pixel {@code i} of {@code n} along an axis. */
    private static double normalised(int i, int n, boolean alignCorners) {
        if (alignCorners) {
            return n > 1 ? -1 + 2.0 * i / (n - 1) : 0; // -1 and +1 are the centres of the first and last pixel
        }
        return (2.0 * i + 1) / n - 1; // -1 and +1 are the outer edges of the first and last pixel
    }

    /** {@code F.grid_sample}'s pixel position of normalised coordinate {@code g} along an axis of {@code n} pixels. */
    private static double source(double g, int n, boolean alignCorners) {
        return alignCorners ? (g + 1) / 2 * (n - 1) : ((g + 1) * n - 1) / 2;
    }

    /**
     * Integer translation with zero fill: output(r, c) = input(r - dRows, c - dCols), i.e. the
     * content moves down by dRows and right by dCols. One tap per pixel.
     */
    static NDArray shift(NDArray x, NDManager scope, int[] dRows, int[] dCols) {
        Shape s = x.getShape();
        int h = (int) s.get(2);
        int w = (int) s.get(3);
        int hw = h * w;
        int n = dRows.length;
        long[] idx = new long[n * hw];
        float[] wt = new float[n * hw];
        for (int k = 0; k < n; k++) {
            for (int r = 0; r < h; r++) {
                for (int c = 0; c < w; c++) {
                    tap(idx, wt, k * hw + r * w + c, r - dRows[k], c - dCols[k], 1.0, h, w);
                }
            }
        }
        return gather(x, scope, idx, wt, n, 1);
    }

    /** One interpolation tap; a source outside the image contributes zero (padding_mode='zeros'). */
    private static void tap(long[] idx, float[] wt, int at, int row, int col, double weight, int h, int w) {
        if (row >= 0 && row < h && col >= 0 && col < w && weight != 0) {
            idx[at] = (long) row * w + col;
            wt[at] = (float) weight;
        } else {
            idx[at] = 0;
            wt[at] = 0f;
        }
    }

    /** out[i, ch, p] = Σ_t wt[k, t, p] · x[i, ch, idx[k, t, p]], k = i (per image) or 0 (shared). */
    private static NDArray gather(NDArray x, NDManager scope, long[] idx, float[] wt, int n, int taps) {
        Shape s = x.getShape();
        long batch = s.get(0);
        long ch = s.get(1);
        long hw = s.get(2) * s.get(3);
        // Engine-owned copies: gather and mul keep these for the backward pass (see DsaAugment.constant).
        NDArray index =
                scope.create(idx, new Shape(n, 1, taps * hw)).duplicate().broadcast(batch, ch, taps * hw);
        NDArray weights = DsaAugment.constant(scope, wt, new Shape(n, 1, taps * hw));
        NDArray picked = x.reshape(batch, ch, hw).gather(index, 2).mul(weights);
        if (taps > 1) {
            picked = picked.reshape(batch, ch, taps, hw).sum(new int[] {2});
        }
        return picked.reshape(s);
    }
}
