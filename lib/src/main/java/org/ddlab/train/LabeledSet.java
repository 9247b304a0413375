package org.ddlab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.ddlab.data.ImageSet;

/**
 * Images to train on with their targets: the hard labels of {@code images}, or soft label vectors
 * [N, K] (learned labels of a distilled set). Soft labels train with soft cross-entropy.
 *
 * @param images     the images and their hard labels
 * @param softLabels row-major [N, K], or null for hard labels
 */
public record LabeledSet(ImageSet images, float[] softLabels) {

    public LabeledSet {
        if (softLabels != null && softLabels.length != (long) images.size() * images.numClasses()) {
            throw new IllegalArgumentException("soft labels must be [" + images.size() + ", " + images.numClasses()
                    + "] = " + (long) images.size() * images.numClasses() + " values, got " + softLabels.length);
        }
    }

    public static LabeledSet hard(ImageSet images) {
        return new LabeledSet(images, null);
    }

    public boolean isSoft() {
        return softLabels != null;
    }

    public int size() {
        return images.size();
    }

    /**
     * Loss that fits the targets: cross-entropy for hard labels and for soft labels that are
     * distributions (rows ≥ 0 summing to 1); MSE for any other target vectors, such as FRePo's
     * learned labels, which are regression targets (centred one-hot at the start, negative entries).
     */
    public Loss defaultLoss() {
        if (!isSoft()) {
            return Loss.CROSS_ENTROPY;
        }
        int k = images.numClasses();
        for (int i = 0; i < softLabels.length; i += k) {
            double sum = 0;
            for (int j = i; j < i + k; j++) {
                if (softLabels[j] < 0) {
                    return Loss.MSE;
                }
                sum += softLabels[j];
            }
            if (Math.abs(sum - 1) > 1e-3) {
                return Loss.MSE;
            }
        }
        return Loss.SOFT_CROSS_ENTROPY;
    }

    /** Targets of rows {@code idx}: labels [B] for hard targets, vectors [B, K] for soft or when {@code vectors}. */
    public NDArray targets(NDManager manager, int[] idx, boolean vectors) {
        int k = images.numClasses();
        if (isSoft()) {
            float[] rows = new float[idx.length * k];
            for (int i = 0; i < idx.length; i++) {
                System.arraycopy(softLabels, idx[i] * k, rows, i * k, k);
            }
            return manager.create(rows, new Shape(idx.length, k));
        }
        NDArray labels = images.labels(manager, idx);
        return vectors
                ? labels.toType(ai.djl.ndarray.types.DataType.INT64, false).oneHot(k)
                : labels;
    }

    @Override
    public String toString() {
        return images + (isSoft() ? " with soft labels" : "");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabeledSet other && other.images == images && Arrays.equals(other.softLabels, softLabels);
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(images) * 31 + Arrays.hashCode(softLabels);
    }
}
