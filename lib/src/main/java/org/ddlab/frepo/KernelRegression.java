package org.ddlab.frepo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.function.UnaryOperator;
import org.ddlab.data.ImageSet;
import org.ddlab.engine.GradMode;
import org.ddlab.engine.GraphConstants;

/**
 * Kernel ridge regression with the linear kernel on network features — FRePo's replacement for
 * unrolled inner training. With support features F_s [n, F] and targets Y_s [n, K], the prediction
 * for query features F_t [B, F] is
 * <pre>  K_ts (K_ss + λ·tr(K_ss)/n · I)⁻¹ Y_s,   K_ss = F_s F_sᵀ,  K_ts = F_t F_sᵀ</pre>
 * The ridge is relative to the kernel's mean eigenvalue, so one λ fits any feature scale (the
 * reference uses 1e-6). Every operation is differentiable: gradients reach F_s (hence the synthetic
 * images) and Y_s (the learned labels).
 *
 * <p>Numerics: K_ss of ReLU features is nearly singular (n ≤ 1000 points, F ≈ 1000 dims, strong
 * correlations), and a float32 solve at λ = 1e-6 loses most digits. The kernels and the n×n system
 * are therefore computed in float64, which costs little at these sizes, and the predictions stay
 * float64. (DJL's {@code toType} cuts the autograd graph on PyTorch; multiplying by a float64 one
 * promotes the type and keeps it — and there is no differentiable way back down, hence float64 out.) Should the solution still come out
 * non-finite the ridge is raised tenfold, up to {@link #MAX_RIDGE}, and the escalation is counted
 * ({@link #escalations()}) so a caller can report it; past that it throws rather than return NaN.
 */
public final class KernelRegression {

    /** The reference's ridge. */
    public static final double DEFAULT_RIDGE = 1e-6;
    /** The largest ridge escalation goes to before giving up. */
    public static final double MAX_RIDGE = 1e-1;

    private final double ridge;
    private long escalations;

    public KernelRegression(double ridge) {
        if (!(ridge > 0) || ridge > MAX_RIDGE) {
            throw new IllegalArgumentException("ridge must be in (0, " + MAX_RIDGE + "], got " + ridge);
        }
        this.ridge = ridge;
    }

    public double ridge() {
        return ridge;
    }

    /** How often a solve needed a larger ridge than configured. */
    public long escalations() {
        return escalations;
    }

    /**
     * Predictions [B, K], float64, for {@code query} features [B, F] from {@code support} features
     * [n, F] and {@code targets} [n, K].
     */
    public NDArray predict(NDArray support, NDArray query, NDArray targets) {
        long n = support.getShape().get(0);
        if (query.getShape().get(1) != support.getShape().get(1)
                || targets.getShape().get(0) != n) {
            throw new IllegalArgumentException("support " + support.getShape() + ", query " + query.getShape()
                    + " and targets " + targets.getShape() + " do not fit: need [n,F], [B,F], [n,K]");
        }
        NDArray one = support.getManager().ones(new Shape(1), DataType.FLOAT64);
        NDArray s64 = support.mul(one);
        NDArray kss = s64.matMul(s64.transpose());
        NDArray kts = query.mul(one).matMul(s64.transpose());
        NDArray eye = support.getManager().eye(Math.toIntExact(n)).toType(DataType.FLOAT64, false);
        // trace() is not implemented on PyTorch; the 1/n is an engine scalar, as a quotient saves its divisor for
        // backward
        NDArray meanEigen = kss.diagonal().sum().mul(GraphConstants.scalar(kss, 1.0 / n));
        NDArray y64 = targets.mul(one);
        for (double lambda = ridge; ; lambda *= 10) {
            NDArray alpha = kss.add(eye.mul(meanEigen.mul(GraphConstants.scalar(meanEigen, lambda))))
                    .inverse()
                    .matMul(y64);
            if (isFinite(alpha)) {
                return kts.matMul(alpha);
            }
            if (lambda * 10 > MAX_RIDGE * 1.0001) {
                throw new ArithmeticException(
                        "kernel ridge regression has no finite solution even with ridge " + lambda
                                + " (features of the support set are NaN/Inf or all zero); the synthetic set or network has diverged");
            }
            escalations++;
        }
    }

    /** Centred one-hot regression targets [N, K] of class labels [N]: 1 − 1/K on the class, −1/K elsewhere. */
    public static NDArray centredOneHot(NDArray labels, int classes) {
        return labels.toType(DataType.INT64, false).oneHot(classes).sub(1f / classes);
    }

    /**
     * Classification accuracy on {@code query} of the regression fitted to a support set: each query
     * batch is embedded with {@code features} and assigned the class of its largest prediction.
     * Nothing is learned here; it is how well the support set, seen through those features,
     * describes the data.
     *
     * @param supportFeatures [n, F] features of the support images
     * @param supportTargets  [n, K] their regression targets (centred one-hot, or learned labels)
     * @param features        images [B, C, H, W] → features [B, F] (e.g. {@code x -> net.features(x, false)},
     *                        or {@code x -> x.reshape(x.getShape().get(0), -1)} for raw pixels)
     */
    public double accuracy(
            NDArray supportFeatures,
            NDArray supportTargets,
            UnaryOperator<NDArray> features,
            ImageSet query,
            int batch) {
        long correct = 0;
        try (GradMode.Scope off = GradMode.off()) {
            for (int from = 0; from < query.size(); from += batch) {
                try (NDScope scope = new NDScope()) {
                    int[] idx = java.util.stream.IntStream.range(from, Math.min(query.size(), from + batch))
                            .toArray();
                    NDManager m = supportFeatures.getManager();
                    NDArray prediction = predict(supportFeatures, features.apply(query.images(m, idx)), supportTargets);
                    correct += prediction
                            .argMax(1)
                            .toType(DataType.INT32, false)
                            .eq(query.labels(m, idx).toType(DataType.INT32, false))
                            .sum()
                            .toType(DataType.INT64, false)
                            .getLong();
                }
            }
        }
        return (double) correct / query.size();
    }

    private static boolean isFinite(NDArray a) {
        try (NDArray bad = a.isNaN().logicalOr(a.isInfinite()).any()) {
            return !bad.getBoolean();
        }
    }
}
