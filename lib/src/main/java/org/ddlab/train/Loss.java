package org.ddlab.train;

import ai.djl.ndarray.NDArray;
import org.ddlab.engine.GraphConstants;

/** Training losses on logits [B, K]: hard labels [B] (int) or soft targets [B, K] (float). */
public enum Loss {
    /** Cross-entropy with hard labels (integer class indices). */
    CROSS_ENTROPY,
    /** Cross-entropy against a target distribution (learned or soft labels). */
    SOFT_CROSS_ENTROPY,
    /** Mean squared error against target vectors (FRePo's kernel-regression labels). */
    MSE;

    /** The loss, averaged over the batch; {@code targets} are labels [B] or vectors [B, K] as the loss needs. */
    public NDArray compute(NDArray logits, NDArray targets) {
        int classes = Math.toIntExact(logits.getShape().get(1));
        return switch (this) {
            case CROSS_ENTROPY -> {
                NDArray oneHot = targets.toType(ai.djl.ndarray.types.DataType.INT64, false)
                        .oneHot(classes);
                yield logits.logSoftmax(1).mul(oneHot).sum(new int[] {1}).neg().mean();
            }
            case SOFT_CROSS_ENTROPY ->
                logits.logSoftmax(1).mul(targets).sum(new int[] {1}).neg().mean();
            case MSE -> {
                NDArray perImage =
                        logits.sub(targets).square().sum(new int[] {1}).mean();
                yield perImage.mul(GraphConstants.scalar(perImage, 0.5)); // a product saves its scalar for backward
            }
        };
    }

    /** Whether targets are vectors [B, K] rather than class indices [B]. */
    public boolean wantsVectors() {
        return this != CROSS_ENTROPY;
    }
}
