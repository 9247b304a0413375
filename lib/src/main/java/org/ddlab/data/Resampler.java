package org.ddlab.data;

/**
 * Resizes float planes [C,H,W] separably, axis by axis: <b>area averaging</b> (box filter with
 * fractional coverage) on an axis that shrinks, <b>bilinear</b> (pixel centres at +0.5, edges
 * clamped, as PIL and {@code torch.nn.functional.interpolate(align_corners=False)}) on an axis that
 * grows, identity on an axis that keeps its size.
 *
 * <p>Done in float rather than with Java2D: Java2D bilinear {@code drawImage} samples only a 2x2
 * neighbourhood so it aliases on large reductions (e.g. 640 -> 28), and
 * {@code getScaledInstance(SCALE_AREA_AVERAGING)} replicates pixels when enlarging; both also round
 * to 8 bits in between. The separable version is exact for solid colours, keeps values in [0,1], and
 * is deterministic.
 */
final class Resampler {

    private Resampler() {}

    /** Source indices and weights contributing to each output position of one axis. */
    private record Taps(int[][] index, float[][] weight) {}

    /** {@code src} holds {@code channels} planes of sh x sw; returns channels planes of dh x dw. */
    static float[] resize(float[] src, int channels, int sh, int sw, int dh, int dw) {
        if (sh == dh && sw == dw) {
            return src;
        }
        // Horizontal pass first: [C, sh, dw], then vertical: [C, dh, dw].
        Taps tx = taps(sw, dw);
        float[] mid = new float[channels * sh * dw];
        for (int row = 0; row < channels * sh; row++) {
            int s = row * sw;
            int d = row * dw;
            for (int x = 0; x < dw; x++) {
                int[] ix = tx.index[x];
                float[] wt = tx.weight[x];
                float acc = 0;
                for (int k = 0; k < ix.length; k++) {
                    acc += wt[k] * src[s + ix[k]];
                }
                mid[d + x] = acc;
            }
        }
        Taps ty = taps(sh, dh);
        float[] out = new float[channels * dh * dw];
        for (int c = 0; c < channels; c++) {
            int sPlane = c * sh * dw;
            int dPlane = c * dh * dw;
            for (int y = 0; y < dh; y++) {
                int[] iy = ty.index[y];
                float[] wt = ty.weight[y];
                int d = dPlane + y * dw;
                for (int k = 0; k < iy.length; k++) {
                    int s = sPlane + iy[k] * dw;
                    float w = wt[k];
                    for (int x = 0; x < dw; x++) {
                        out[d + x] += w * mid[s + x];
                    }
                }
            }
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.min(1f, Math.max(0f, out[i]));
        }
        return out;
    }

    private static Taps taps(int src, int dst) {
        int[][] index = new int[dst][];
        float[][] weight = new float[dst][];
        if (dst == src) {
            for (int i = 0; i < dst; i++) {
                index[i] = new int[] {i};
                weight[i] = new float[] {1f};
            }
        } else if (dst < src) {
            // Area: output i covers source interval [i*scale, (i+1)*scale).
            double scale = (double) src / dst;
            for (int i = 0; i < dst; i++) {
                double lo = i * scale;
                double hi = (i + 1) * scale;
                int first = (int) Math.floor(lo);
                int last = Math.min(src - 1, (int) Math.ceil(hi) - 1);
                int n = last - first + 1;
                index[i] = new int[n];
                weight[i] = new float[n];
                double sum = 0;
                double[] w = new double[n];
                for (int k = 0; k < n; k++) {
                    int j = first + k;
                    w[k] = Math.max(0, Math.min(hi, j + 1) - Math.max(lo, j));
                    sum += w[k];
                }
                for (int k = 0; k < n; k++) {
                    index[i][k] = first + k;
                    weight[i][k] = (float) (w[k] / sum);
                }
            }
        } else {
            // Bilinear with pixel centres at +0.5, clamped at the edges.
            double scale = (double) src / dst;
            for (int i = 0; i < dst; i++) {
                double x = Math.min(src - 1, Math.max(0, (i + 0.5) * scale - 0.5));
                int j0 = (int) Math.floor(x);
                int j1 = Math.min(j0 + 1, src - 1);
                float t = (float) (x - j0);
                index[i] = new int[] {j0, j1};
                weight[i] = new float[] {1f - t, t};
            }
        }
        return new Taps(index, weight);
    }
}
