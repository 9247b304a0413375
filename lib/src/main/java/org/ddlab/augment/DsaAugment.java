package org.ddlab.augment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.ddlab.engine.GraphConstants;

/**
 * Differentiable Siamese Augmentation (Zhao &amp; Bilen, ICML 2021). Sample once, apply twice:
 *
 * <pre>{@code
 * DsaAugment dsa = new DsaAugment(DsaParams.reference());
 * Draw draw = dsa.sampleShared(rng);          // one draw per matching step / class
 * NDArray realAug = dsa.apply(real, draw);
 * NDArray synAug  = dsa.apply(syn, draw);     // same transformation, gradients reach syn
 * }</pre>
 *
 * Every operation is built from NDArray arithmetic, {@code flip} and {@code gather} with weights
 * computed from the draw, so the output is differentiable in x. Inputs are float32 [N,C,H,W] on any
 * device; masks and indices are created on x's device, temporaries are freed before returning, and
 * the result belongs to x's manager.
 */
public final class DsaAugment {

    private final DsaParams params;

    public DsaAugment(DsaParams params) {
        if (params == null) {
            throw new IllegalArgumentException("DSA params are null; use DsaParams.reference().");
        }
        this.params = params;
    }

    /** DSA with the reference settings (color_crop_cutout_flip_scale_rotate, one operation per draw). */
    public static DsaAugment reference() {
        return new DsaAugment(DsaParams.reference());
    }

    public DsaParams params() {
        return params;
    }

    /** One parameter set for every image of every batch it is applied to: siamese matching. */
    public Draw sampleShared(Random rng) {
        return Draw.sample(params, rng, 1, true);
    }

    /** As {@link #sampleShared(Random)} from a fresh {@code new Random(seed)}. */
    public Draw sampleShared(long seed) {
        return sampleShared(new Random(seed));
    }

    /** One parameter set per image; applies only to batches of exactly {@code batchSize}. */
    public Draw sample(Random rng, int batchSize) {
        return Draw.sample(params, rng, batchSize, false);
    }

    /** Either kind: {@code shared} → {@link #sampleShared(Random)}, else {@link #sample(Random, int)}. */
    public Draw sample(Random rng, int batchSize, boolean shared) {
        return shared ? sampleShared(rng) : sample(rng, batchSize);
    }

    /** Augments with fresh per-image parameters (training on a distilled set during evaluation). */
    public NDArray apply(NDArray x, Random rng) {
        return apply(x, sample(rng, (int) x.getShape().get(0)));
    }

    /**
     * Applies {@code draw} to x. Always returns a new array (never x itself), owned by x's manager.
     *
     * @param x    float32 [N,C,H,W]
     * @param draw from {@link #sampleShared} (any N) or {@link #sample} (N must match)
     */
    public NDArray apply(NDArray x, Draw draw) {
        Shape s = x.getShape();
        if (s.dimension() != 4) {
            throw new IllegalArgumentException("DSA expects images [N,C,H,W], got shape " + s + ".");
        }
        if (x.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("DSA expects float32 images, got " + x.getDataType()
                    + "; convert with x.toType(DataType.FLOAT32, false).");
        }
        int n = (int) s.get(0);
        if (!draw.isShared() && draw.size() != n) {
            throw new IllegalArgumentException("This per-image draw was sampled for " + draw.size()
                    + " images but the batch has " + n + ". Sample one per batch, or use sampleShared for "
                    + "siamese matching of batches of different sizes.");
        }
        try (NDManager scope = x.getManager().newSubManager(x.getDevice())) {
            scope.tempAttachAll(x);
            NDArray y = x;
            for (Operation op : draw.operations()) {
                y = switch (op) {
                    case COLOR -> color(y, scope, draw);
                    case CROP -> crop(y, scope, draw);
                    case CUTOUT -> cutout(y, scope, draw);
                    case FLIP -> flip(y, scope, draw);
                    case SCALE -> scale(y, scope, draw);
                    case ROTATE -> rotate(y, scope, draw);
                };
            }
            if (y == x) {
                // Keep the contract "a new array", so closing the result never closes x. Not duplicate():
                // in DJL that is a detached copy, which would cut the gradient to the synthetic images.
                // Not mul(1f): the product saves the scalar for the backward pass, and DJL's scalar lives in
                // a Java buffer that is freed before then (see constant); an addition saves nothing.
                y = x.add(0f);
            }
            return scope.ret(y);
        }
    }

    /** Number of parameter sets the op needs: 1 for a shared draw, else N. */
    private static int sets(Draw d, NDArray x) {
        return d.isShared() ? 1 : (int) x.getShape().get(0);
    }

    /** A per-set factor as [n,1,1,1], broadcasting over a [N,C,H,W] batch. */
    private static NDArray perImage(NDManager scope, float[] v) {
        return constant(scope, v, new Shape(v.length, 1, 1, 1));
    }

    /** A constant for the graph, in engine memory (see {@link GraphConstants}: gather and mul save it for backward). */
    static NDArray constant(NDManager scope, float[] v, Shape shape) {
        return GraphConstants.of(scope, v, shape);
    }

    private static NDArray color(NDArray x, NDManager scope, Draw d) {
        int n = sets(d, x);
        float[] b = new float[n];
        float[] sat = new float[n];
        float[] con = new float[n];
        boolean anySat = false;
        boolean anyCon = false;
        for (int i = 0; i < n; i++) {
            b[i] = d.brightness(i);
            sat[i] = d.saturation(i);
            con[i] = d.contrast(i);
            anySat |= sat[i] != 1f;
            anyCon |= con[i] != 1f;
        }
        Shape s = x.getShape();
        NDArray y = x.add(perImage(scope, b));
        // Saturation pulls each pixel towards its grey value (mean over channels); a 1-channel image is its own grey.
        if (s.get(1) > 1 && anySat) {
            NDArray grey = y.mean(new int[] {1}, true);
            y = y.sub(grey).mul(perImage(scope, sat)).add(grey);
        }
        if (anyCon) {
            // mean over (C,H,W) via a reshape: PyTorch's DJL engine has no multi-axis mean.
            NDArray m = y.reshape(s.get(0), -1).mean(new int[] {1}, true).reshape(s.get(0), 1, 1, 1);
            y = y.sub(m).mul(perImage(scope, con)).add(m);
        }
        return y;
    }

    private static NDArray crop(NDArray x, NDManager scope, Draw d) {
        int n = sets(d, x);
        int h = (int) x.getShape().get(2);
        int w = (int) x.getShape().get(3);
        int[] dr = new int[n];
        int[] dc = new int[n];
        boolean any = false;
        for (int i = 0; i < n; i++) {
            dr[i] = d.shiftRows(i, h);
            dc[i] = d.shiftCols(i, w);
            any |= dr[i] != 0 || dc[i] != 0;
        }
        return any ? Resampler.shift(x, scope, dr, dc) : x;
    }

    private static NDArray cutout(NDArray x, NDManager scope, Draw d) {
        int n = sets(d, x);
        int h = (int) x.getShape().get(2);
        int w = (int) x.getShape().get(3);
        float[] mask = new float[n * h * w];
        java.util.Arrays.fill(mask, 1f);
        boolean any = false;
        for (int i = 0; i < n; i++) {
            int[] box = d.cutoutBox(i, h, w);
            if (box == null) {
                continue;
            }
            for (int r = box[0]; r < box[1]; r++) {
                for (int c = box[2]; c < box[3]; c++) {
                    mask[i * h * w + r * w + c] = 0f;
                    any = true;
                }
            }
        }
        return any ? x.mul(constant(scope, mask, new Shape(n, 1, h, w))) : x;
    }

    private static NDArray flip(NDArray x, NDManager scope, Draw d) {
        if (d.isShared()) {
            return d.flipped(0) ? x.flip(3) : x;
        }
        int n = sets(d, x);
        float[] m = new float[n];
        boolean any = false;
        for (int i = 0; i < n; i++) {
            m[i] = d.flipped(i) ? 1f : 0f;
            any |= d.flipped(i);
        }
        if (!any) {
            return x;
        }
        // x + m·(flip(x) − x): a select written as arithmetic, so both branches carry gradient.
        return x.add(x.flip(3).sub(x).mul(perImage(scope, m)));
    }

    private static NDArray scale(NDArray x, NDManager scope, Draw d) {
        int n = sets(d, x);
        double[][] theta = new double[n][];
        boolean any = false;
        for (int i = 0; i < n; i++) {
            theta[i] = new double[] {d.scaleX(i), 0, 0, d.scaleY(i)};
            any |= d.scaleX(i) != 1f || d.scaleY(i) != 1f;
        }
        return any ? Resampler.affine(x, scope, theta, d.params().alignCorners()) : x;
    }

    private static NDArray rotate(NDArray x, NDManager scope, Draw d) {
        int n = sets(d, x);
        double[][] theta = new double[n][];
        boolean any = false;
        for (int i = 0; i < n; i++) {
            double t = d.rotation(i);
            // The reference's matrix [[cos, sin(-t)], [sin, cos]].
            theta[i] = new double[] {Math.cos(t), -Math.sin(t), Math.sin(t), Math.cos(t)};
            any |= t != 0;
        }
        return any ? Resampler.affine(x, scope, theta, d.params().alignCorners()) : x;
    }
}
