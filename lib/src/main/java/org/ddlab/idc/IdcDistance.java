package org.ddlab.idc;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import java.util.List;
import java.util.Locale;
import org.ddlab.nn.Network;

/**
 * IDC's gradient-matching distance ({@code matchloss} and {@code dist} in the reference's
 * {@code condense.py}): a metric applied layer by layer to the weight gradients of a real and a
 * synthetic batch and summed over the matched layers.
 *
 * <p>Which layers: the reference decides by rank, and so does this — 1-D parameters (biases, norm
 * affine) only with {@code bias}, 2-D ones (fully connected weights) only with {@code fc}, everything
 * else (the 4-D convolution weights) always. IDC's default matches the convolution weights alone. Only
 * trainable parameters count (batch-norm running statistics are not). Differentiating with respect to
 * {@link #matched} alone is also cheaper than taking every gradient and dropping some.
 *
 * <p>Unlike {@code matching.GradientDistance}, whose cosine skips 1-D parameters by itself, selection
 * and metric are separate here, so {@code bias} with {@link Metric#COS} matches biases as the reference
 * does (each bias entry a row of one value).
 *
 * @param metric the per-layer distance
 * @param bias   also match 1-D parameters (reference {@code --bias}, default off)
 * @param fc     also match 2-D parameters (reference {@code --fc}, default off)
 */
public record IdcDistance(Metric metric, boolean bias, boolean fc) {

    /** The per-layer distances of the reference's {@code dist}. */
    public enum Metric {
        /** Σ (g_r − g_s)²: a plain sum, not a mean (reference for CIFAR and SVHN). */
        MSE,
        /** Σ |g_r − g_s| (reference for MNIST and Fashion-MNIST). */
        L1,
        /** Per output row (first axis), 1 − cosine of the flattened rows, summed (DC's layer-wise distance). */
        COS;

        public static Metric parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException("IDC metric '" + s + "' is unknown; use mse, l1 or cos.");
            }
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final float EPS = 1e-6f;

    public IdcDistance {
        if (metric == null) {
            throw new IllegalArgumentException("IDC metric is null; use mse, l1 or cos.");
        }
    }

    /** The reference's default selection (convolution weights only) with {@code metric}. */
    public static IdcDistance of(Metric metric) {
        return new IdcDistance(metric, false, false);
    }

    /** Whether a parameter of this shape is matched. */
    public boolean matches(Parameter p) {
        if (!p.requiresGradient()) {
            return false;
        }
        int rank = p.getArray().getShape().dimension();
        return rank == 1 ? bias : rank == 2 ? fc : rank > 0;
    }

    /** The matched parameters of {@code parameters}, in order: the inputs of the gradients to compare. */
    public List<Parameter> matched(List<Parameter> parameters) {
        List<Parameter> out = parameters.stream().filter(this::matches).toList();
        if (out.isEmpty()) {
            throw new IllegalArgumentException("IDC matches no parameter of this network: it has no convolution weights"
                    + (bias ? "" : ", and biases are off (bias)")
                    + (fc ? "" : ", and fully connected weights are off (fc)")
                    + ".");
        }
        return out;
    }

    /** The matched parameters of {@code net}. */
    public List<Parameter> matched(Network net) {
        return matched(net.parameters());
    }

    /**
     * The distance, a scalar summed over layers; differentiable in {@code synthetic}. The lists hold the
     * gradients of the {@link #matched} parameters, in the same order.
     */
    public NDArray between(List<NDArray> synthetic, List<NDArray> real) {
        if (synthetic.size() != real.size() || synthetic.isEmpty()) {
            throw new IllegalArgumentException("IDC distance needs as many synthetic as real gradients (≥ 1), got "
                    + synthetic.size() + " and " + real.size() + ".");
        }
        NDArray total = null;
        for (int i = 0; i < synthetic.size(); i++) {
            NDArray d = layer(synthetic.get(i), real.get(i));
            total = total == null ? d : total.add(d);
        }
        return total;
    }

    private NDArray layer(NDArray s, NDArray r) {
        if (!s.getShape().equals(r.getShape())) {
            throw new IllegalArgumentException(
                    "gradients to match have shapes " + s.getShape() + " and " + r.getShape());
        }
        return switch (metric) {
            case MSE -> r.sub(s).square().sum();
            case L1 -> r.sub(s).abs().sum();
            case COS -> {
                long rows = s.getShape().get(0);
                NDArray a = s.reshape(rows, -1);
                NDArray b = r.reshape(rows, -1);
                NDArray cos = a.mul(b)
                        .sum(new int[] {1})
                        .div(a.norm(new int[] {1}).mul(b.norm(new int[] {1})).add(EPS));
                yield cos.neg().add(1f).sum();
            }
        };
    }

    @Override
    public String toString() {
        return metric.id() + " over convolution weights" + (bias ? ", biases" : "") + (fc ? ", fc weights" : "");
    }
}
