package org.ddlab.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Locale;

/**
 * Per-channel mean and standard deviation, {@code x' = (x - mean[c]) / std[c]}. Compute it on the
 * training set only ({@link ImageSet#normalization()}) and apply the same values to validation,
 * test and synthetic images; stats taken from test data would leak it into training.
 */
public record Normalization(float[] mean, float[] std) {

    public Normalization {
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException(
                    "need one mean and one std per channel, got " + mean.length + " means and " + std.length + " stds");
        }
        for (float s : std) {
            if (!(s > 0) || Float.isInfinite(s)) {
                throw new IllegalArgumentException("every std must be positive and finite, got " + Arrays.toString(std)
                        + "; a constant channel cannot be normalised — use identity(channels) instead");
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** The normalisation that changes nothing (mean 0, std 1). */
    public static Normalization identity(int channels) {
        float[] m = new float[channels];
        float[] s = new float[channels];
        Arrays.fill(s, 1f);
        return new Normalization(m, s);
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    public int channels() {
        return mean.length;
    }

    /** {@code (x - mean) / std} on a batch [N,C,H,W] or a single image [C,H,W], broadcasting per channel. */
    public NDArray apply(NDArray x) {
        try (NDArray m = x.getManager().create(mean, broadcastShape(x));
                NDArray s = x.getManager().create(std, broadcastShape(x))) {
            return x.sub(m).div(s);
        }
    }

    /** {@code x * std + mean}: back to pixel space, e.g. to show normalised synthetic images. */
    public NDArray invert(NDArray x) {
        try (NDArray m = x.getManager().create(mean, broadcastShape(x));
                NDArray s = x.getManager().create(std, broadcastShape(x))) {
            return x.mul(s).add(m);
        }
    }

    /** In-place inverse on one flat CHW image of {@code channels()} channels. */
    public void invertInPlace(float[] chw) {
        int plane = planeSize(chw);
        for (int c = 0; c < mean.length; c++) {
            for (int i = c * plane, end = i + plane; i < end; i++) {
                chw[i] = chw[i] * std[c] + mean[c];
            }
        }
    }

    /** In-place normalisation of one flat CHW image of {@code channels()} channels. */
    public void applyInPlace(float[] chw) {
        int plane = planeSize(chw);
        for (int c = 0; c < mean.length; c++) {
            float inv = 1f / std[c];
            for (int i = c * plane, end = i + plane; i < end; i++) {
                chw[i] = (chw[i] - mean[c]) * inv;
            }
        }
    }

    private int planeSize(float[] chw) {
        if (chw.length % mean.length != 0) {
            throw new IllegalArgumentException(
                    "image of " + chw.length + " values is not " + mean.length + " equal channels");
        }
        return chw.length / mean.length;
    }

    private Shape broadcastShape(NDArray x) {
        int dims = x.getShape().dimension();
        int channelAxis = dims == 4 ? 1 : dims == 3 ? 0 : -1;
        if (channelAxis < 0 || x.getShape().get(channelAxis) != mean.length) {
            throw new IllegalArgumentException(
                    "expected [N," + mean.length + ",H,W] or [" + mean.length + ",H,W], got " + x.getShape());
        }
        return dims == 4 ? new Shape(1, mean.length, 1, 1) : new Shape(mean.length, 1, 1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization n && Arrays.equals(n.mean, mean) && Arrays.equals(n.std, std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Normalization[mean=");
        for (int c = 0; c < mean.length; c++) {
            sb.append(c == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4f", mean[c]));
        }
        sb.append("; std=");
        for (int c = 0; c < std.length; c++) {
            sb.append(c == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4f", std[c]));
        }
        return sb.append(']').toString();
    }
}
