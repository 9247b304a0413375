package org.ddlab.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import org.ddlab.engine.SymmetricEigen;

/**
 * ZCA whitening as FRePo preprocesses colour datasets: images flattened to D = C·H·W values x, then
 * <pre>  x' = (x − μ) W,   W = U (S + λ·tr(Σ)/D · I)^(-1/2) Uᵀ,   Σ = (X − μ)ᵀ(X − μ) / N = U S Uᵀ</pre>
 * with μ the per-value mean, all fitted on the per-channel standardised training images X [N, D]
 * only (FRePo, {@code lib/dataset/ops.py}: divisor N, regularisation relative to the mean eigenvalue,
 * {@code zca_reg} 0.1). The relative ridge keeps the many near-zero directions of natural images from
 * being blown up into noise, and one λ fits any pixel scale. (MTT and DC-BENCH use kornia's
 * {@code ZCAWhitening(eps=0.1)} on raw [0,1] pixels: an absolute ridge, much stronger there; ddlab
 * follows FRePo.) Decorrelating the pixels sharpens edges, and a network learns from few images much
 * faster, which is why the distillation papers whiten CIFAR.
 *
 * <p>W is symmetric and invertible (every eigenvalue of Σ + ridge is positive), so whitened images go
 * back to pixels exactly, up to float rounding: distilled sets are stored in pixel space and the
 * matrix travels with them ({@link Preprocessing}).
 */
public final class Zca {

    /** FRePo's regularisation. */
    public static final double DEFAULT_REGULARIZATION = 0.1;

    /** Rows per matrix product while fitting and applying: bounds native memory to a few chunks of D floats. */
    static final int CHUNK = 2048;

    private final int dimension;
    private final double regularization;
    private final float[] mean;
    private final float[] matrix;
    private final float[] inverse;
    private final String digest;

    private Zca(int dimension, double regularization, float[] mean, float[] matrix, float[] inverse) {
        if (matrix.length != (long) dimension * dimension
                || inverse.length != matrix.length
                || mean.length != dimension) {
            throw new IllegalArgumentException(
                    "a ZCA for " + dimension + " values needs a mean of " + dimension + " and a matrix of "
                            + (long) dimension * dimension + " entries, got " + mean.length + " and " + matrix.length);
        }
        this.dimension = dimension;
        this.regularization = regularization;
        this.mean = mean;
        this.matrix = matrix;
        this.inverse = inverse;
        this.digest = sha256(mean, matrix);
    }

    /**
     * Fits the whitening of {@code train} (every image, in chunks of {@link #CHUNK}, each normalised
     * with {@code normalization} on the way when it is not null) with ridge {@code regularization}·tr(Σ)/D.
     * The covariance is summed and decomposed in float64 ({@code torch.linalg.eigh}).
     */
    public static Zca fit(ImageSet train, Normalization normalization, double regularization, NDManager manager) {
        if (!(regularization > 0)) {
            throw new IllegalArgumentException("the ZCA regularisation must be positive, got " + regularization);
        }
        int d = train.imageSize();
        try (NDManager scope = manager.newSubManager()) {
            // One pass: Σ = E[xxᵀ] − μμᵀ, summed in float64 (standardised values, so nothing cancels badly).
            NDArray second = scope.zeros(new Shape(d, d), DataType.FLOAT64);
            NDArray first = scope.zeros(new Shape(1, d), DataType.FLOAT64);
            for (int start = 0; start < train.size(); start += CHUNK) {
                int[] rows = range(start, Math.min(train.size(), start + CHUNK));
                try (NDManager chunk = scope.newSubManager()) {
                    NDArray x = train.images(chunk, rows);
                    x = (normalization == null ? x : normalization.apply(x)).reshape(rows.length, d);
                    second.addi(x.transpose().matMul(x).toType(DataType.FLOAT64, false));
                    first.addi(x.toType(DataType.FLOAT64, false).sum(new int[] {0}, true));
                }
            }
            NDArray mu = first.div(train.size());
            NDArray covariance = second.div(train.size()).sub(mu.transpose().matMul(mu));
            double trace = covariance.diagonal().sum().getDouble();
            if (!(trace > 0)) {
                throw new IllegalArgumentException(
                        "the images of '" + train.name() + "' do not vary (their covariance has trace " + trace
                                + "): there is nothing to whiten; preprocess them with normalize instead of zca");
            }
            double ridge = regularization * trace / d;
            NDArray regularised =
                    covariance.add(scope.eye(d, d, 0, DataType.FLOAT64).mul(ridge));
            SymmetricEigen.Result eigen = SymmetricEigen.of(regularised, scope);
            NDArray values = eigen.values();
            NDArray vectors = eigen.vectors();
            if (values.min().getDouble() <= 0) {
                throw new IllegalStateException(
                        "the regularised covariance of '" + train.name() + "' is not positive definite");
            }
            NDArray w = vectors.mul(values.pow(-0.5).reshape(1, d)).matMul(vectors.transpose());
            NDArray inv = vectors.mul(values.sqrt().reshape(1, d)).matMul(vectors.transpose());
            return new Zca(d, regularization, floats(mu.reshape(d)), floats(w), floats(inv));
        }
    }

    /** A whitening read back from a file: its mean (D) and matrix (D×D, row-major); the inverse is recomputed in float64. */
    public static Zca of(double regularization, float[] mean, float[] matrix, NDManager manager) {
        int d = mean.length;
        if (matrix.length != (long) d * d) {
            throw new IllegalArgumentException("a ZCA mean of " + d + " values needs a " + d + "x" + d + " matrix, got "
                    + matrix.length + " entries");
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray w = scope.create(matrix, new Shape(d, d)).toType(DataType.FLOAT64, false);
            return new Zca(d, regularization, mean.clone(), matrix.clone(), floats(w.inverse()));
        }
    }

    private static float[] floats(NDArray a) {
        try (NDArray f = a.toType(DataType.FLOAT32, false)) {
            return f.toFloatArray();
        }
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }

    /** Values per image, D = C·H·W. */
    public int dimension() {
        return dimension;
    }

    public double regularization() {
        return regularization;
    }

    /** The whitening matrix W, D×D row-major (symmetric); a copy. */
    public float[] matrix() {
        return matrix.clone();
    }

    /** The per-value mean μ subtracted before whitening; a copy. */
    public float[] mean() {
        return mean.clone();
    }

    /** SHA-256 of μ's then W's float32 little-endian bytes: identifies a whitening in metadata and cache keys. */
    public String digest() {
        return digest;
    }

    /** μ and W as tensors on {@code manager}, for applying them to many batches. */
    NDArray[] on(NDManager manager) {
        return new NDArray[] {
            manager.create(mean, new Shape(1, dimension)), manager.create(matrix, new Shape(dimension, dimension))
        };
    }

    /** x [N, C, H, W] (or [N, D]) → (x − μ)·W, same shape. */
    public NDArray apply(NDArray x) {
        NDArray[] muW = on(x.getManager());
        try (NDArray mu = muW[0];
                NDArray w = muW[1]) {
            return apply(x, mu, w);
        }
    }

    /** The inverse of {@link #apply}: x·W⁻¹ + μ, whitened images back to the space before whitening. */
    public NDArray invert(NDArray x) {
        Shape shape = check(x);
        try (NDArray mu = x.getManager().create(mean, new Shape(1, dimension));
                NDArray inv = x.getManager().create(inverse, new Shape(dimension, dimension));
                NDArray flat = x.reshape(shape.get(0), dimension);
                NDArray unwhitened = flat.matMul(inv)) {
            return unwhitened.add(mu).reshape(shape);
        }
    }

    NDArray apply(NDArray x, NDArray mu, NDArray w) {
        Shape shape = check(x);
        return x.reshape(shape.get(0), dimension).sub(mu).matMul(w).reshape(shape);
    }

    private Shape check(NDArray x) {
        Shape shape = x.getShape();
        if (shape.dimension() < 2 || shape.size() / shape.get(0) != dimension) {
            throw new IllegalArgumentException("a ZCA of " + dimension + " values per image cannot apply to " + shape);
        }
        return shape;
    }

    private static String sha256(float[]... arrays) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ByteBuffer buf = ByteBuffer.allocate(Float.BYTES * 4096).order(ByteOrder.LITTLE_ENDIAN);
            for (float[] values : arrays) {
                for (int i = 0; i < values.length; ) {
                    buf.clear();
                    while (i < values.length && buf.remaining() >= Float.BYTES) {
                        buf.putFloat(values[i++]);
                    }
                    md.update(buf.array(), 0, buf.position());
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Zca z
                && z.dimension == dimension
                && z.regularization == regularization
                && z.digest.equals(digest);
    }

    @Override
    public int hashCode() {
        return digest.hashCode();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "ZCA(λ %.3g, %s)", regularization, digest.substring(0, 12));
    }
}
