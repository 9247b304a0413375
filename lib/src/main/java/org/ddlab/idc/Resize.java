package org.ddlab.idc;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.ddlab.engine.GraphConstants;

/**
 * Image resizing as PyTorch's {@code F.interpolate} computes it, written as two matrix products:
 * {@code y = R_h · x · R_wᵀ} with a fixed [out, in] interpolation matrix per axis. Both modes IDC uses
 * are separable, so this is exact, and a matrix product is differentiable — gradients reach the
 * stored pixels of multi-formation through it. DJL has no {@code interpolate}.
 *
 * <p>The matrices follow PyTorch's CPU kernels for {@code size=...} (no scale factor), in float32 as
 * they do:
 * <ul>
 * <li>{@link #bilinear}: {@code mode='bilinear', align_corners=False} — IDC's
 *     {@code nn.Upsample(size, mode='bilinear')}. Output pixel d reads the input at
 *     {@code s = (d + 0.5)·in/out − 0.5}, clamped at 0, from pixels ⌊s⌋ and ⌊s⌋+1 (the last pixel when
 *     ⌊s⌋ is the last) with weights 1 − (s − ⌊s⌋) and s − ⌊s⌋.</li>
 * <li>{@link #nearest}: {@code F.interpolate}'s default {@code mode='nearest'} — IDC's 'mix'
 *     initialisation. Output pixel d copies input {@code min(⌊d·in/out⌋, in − 1)}; halving an even side
 *     keeps the even rows and columns.</li>
 * </ul>
 */
public final class Resize {

    private Resize() {}

    /** Bilinear resize of [N, C, h, w] to [N, C, height, width], align_corners=False. A new array in x's manager. */
    public static NDArray bilinear(NDArray x, int height, int width) {
        return resize(x, height, width, true);
    }

    /** Nearest-neighbour resize of [N, C, h, w] to [N, C, height, width]. A new array in x's manager. */
    public static NDArray nearest(NDArray x, int height, int width) {
        return resize(x, height, width, false);
    }

    /** PyTorch's bilinear weights, align_corners=False, as a row-major [out, in] matrix. */
    static float[] bilinearMatrix(int out, int in) {
        float[] m = new float[out * in];
        float scale = (float) in / out;
        for (int d = 0; d < out; d++) {
            float src = Math.max(scale * (d + 0.5f) - 0.5f, 0f);
            int i0 = (int) src;
            int i1 = i0 < in - 1 ? i0 + 1 : i0;
            float l1 = Math.min(src - i0, 1f);
            m[d * in + i0] += 1f - l1;
            m[d * in + i1] += l1;
        }
        return m;
    }

    /** PyTorch's nearest indices as a row-major [out, in] 0/1 matrix. */
    static float[] nearestMatrix(int out, int in) {
        float[] m = new float[out * in];
        float scale = (float) in / out;
        for (int d = 0; d < out; d++) {
            int src = out == in ? d : Math.min((int) Math.floor(d * scale), in - 1);
            m[d * in + src] = 1f;
        }
        return m;
    }

    private static NDArray resize(NDArray x, int height, int width, boolean bilinear) {
        Shape s = x.getShape();
        if (s.dimension() != 4 || x.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException(
                    "Resize expects float32 images [N, C, H, W], got " + x.getDataType() + " " + s + ".");
        }
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException(
                    "Resize needs a target size of at least 1×1, got " + height + "×" + width + ".");
        }
        int h = Math.toIntExact(s.get(2));
        int w = Math.toIntExact(s.get(3));
        try (NDManager scope = x.getManager().newSubManager(x.getDevice())) {
            scope.tempAttachAll(x);
            // Engine-owned constants: the products save them for the backward pass (see GraphConstants).
            NDArray rows = GraphConstants.of(
                    scope, bilinear ? bilinearMatrix(height, h) : nearestMatrix(height, h), new Shape(height, h));
            NDArray colsT = GraphConstants.of(
                            scope, bilinear ? bilinearMatrix(width, w) : nearestMatrix(width, w), new Shape(width, w))
                    .transpose();
            // [height, h] @ [N, C, h, w] broadcasts to [N, C, height, w]; then @ [w, width].
            return scope.ret(rows.matMul(x).matMul(colsT));
        }
    }
}
