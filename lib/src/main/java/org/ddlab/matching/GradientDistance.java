package org.ddlab.matching;

import ai.djl.ndarray.NDArray;
import java.util.List;

/** How far apart the weight gradients of a real and a synthetic batch are (DC's {@code match_loss}). */
public enum GradientDistance {
    /**
     * DC's own ("ours"): per layer and output channel, 1 − cosine similarity of the gradient rows,
     * summed; biases and norm parameters (1-D) are skipped, as in the reference.
     */
    LAYERWISE_COSINE,
    /** Squared Euclidean distance of all gradients, concatenated. */
    MSE,
    /** 1 − cosine similarity of all gradients, concatenated. */
    COSINE;

    private static final float EPS = 1e-6f;

    /** The distance, a scalar; differentiable in {@code synthetic}. */
    public NDArray between(List<NDArray> synthetic, List<NDArray> real) {
        if (synthetic.size() != real.size()) {
            throw new IllegalArgumentException(synthetic.size() + " synthetic gradients but " + real.size() + " real");
        }
        return switch (this) {
            case LAYERWISE_COSINE -> layerwise(synthetic, real);
            case MSE -> flat(synthetic).sub(flat(real)).square().sum();
            case COSINE -> {
                NDArray s = flat(synthetic);
                NDArray r = flat(real);
                yield s.mul(r).sum().div(s.norm().mul(r.norm()).add(EPS)).neg().add(1f);
            }
        };
    }

    private static NDArray layerwise(List<NDArray> synthetic, List<NDArray> real) {
        NDArray total = null;
        for (int i = 0; i < synthetic.size(); i++) {
            long[] shape = synthetic.get(i).getShape().getShape();
            if (shape.length == 1) {
                continue; // biases and norm parameters: the reference returns 0 for them
            }
            NDArray s = synthetic.get(i).reshape(shape[0], -1);
            NDArray r = real.get(i).reshape(shape[0], -1);
            NDArray cos = s.mul(r)
                    .sum(new int[] {1})
                    .div(s.norm(new int[] {1}).mul(r.norm(new int[] {1})).add(EPS));
            NDArray d = cos.neg().add(1f).sum();
            total = total == null ? d : total.add(d);
        }
        if (total == null) {
            throw new IllegalArgumentException("no weight with two or more dimensions to match");
        }
        return total;
    }

    private static NDArray flat(List<NDArray> gradients) {
        NDArray[] parts = gradients.stream().map(g -> g.reshape(-1)).toArray(NDArray[]::new);
        return ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(parts));
    }
}
