package org.ddlab.train;

import ai.djl.ndarray.NDArray;
import org.ddlab.engine.GraphConstants;

/** Training losses on logits [B, K]: hard labels [B] (int) or soft targets [B, K] (float). */
public enum Loss {
    /** Cross-entropy with hard labels (integer class indices). */
    CROSS_ENTROPY,
    /** Cross-entropy against a target distribution (learned or soft labels). */
    SOFT_CROSS_ENTROPY,
    /**
     * FRePo's {@code mean_squared_loss}: ½·Σ over classes of (z − y)², averaged over the batch — its kernel regression's
     * meta-loss and its online models' loss (trained with Adam, which a scale of the loss does not reach).
     */
    MSE,
    /**
     * Mean of (z − y)² over batch and classes, as PyTorch's {@code nn.MSELoss}: what regression targets (FRePo's learned
     * labels) train with under an evaluation's SGD, whose rate is set for cross-entropy. At a uniform softmax
     * cross-entropy's curvature in the logits is about 1/K, this loss's 2/K and ½·Σ's 1 — K/2 times steeper, which
     * stalls a ConvNet at a constant output on 32×32 inputs and on deeper networks (a FRePo IPC-1 set of Fashion-MNIST
     * padded to 3×32×32 scores 26 % with ½·Σ, 49 % with this mean; as hard labels 45 %).
     */
    MSE_MEAN;

    /** The loss, averaged over the batch; {@code targets} are labels [B] or vectors [B, K] as the loss needs. */
    public NDArray compute(NDArray logits, NDArray targets) {
        int classes = Math.toIntExact(logits.getShape().get(1));
        return switch (this) {
            case CROSS_ENTROPY -> {
                NDArray oneHot = targets.toType(ai.djl.ndarray.types.DataType.INT64, false).oneHot(classes);
                yield logits.logSoftmax(1).mul(oneHot).sum(new int[]{1}).neg().mean();
            }
            case SOFT_CROSS_ENTROPY -> logits.logSoftmax(1).mul(targets).sum(new int[]{1}).neg().mean();
            case MSE -> {
                NDArray perImage = logits.sub(targets).square().sum(new int[]{1}).mean();
                yield perImage.mul(GraphConstants.scalar(perImage, 0.5)); // a product saves its scalar for backward
            }
            case MSE_MEAN -> logits.sub(targets).square().mean();
        };
    }

    /** Whether targets are vectors [B, K] rather than class indices [B]. */
    public boolean wantsVectors() {
        return this != CROSS_ENTROPY;
    }
}
