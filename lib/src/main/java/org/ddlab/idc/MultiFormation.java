package org.ddlab.idc;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * IDC's multi-formation (Kim et al., ICML 2022): a stored synthetic image holds f×f smaller images, one
 * per tile, so the same pixel budget trains the network on f² times as many (smaller-detail) images.
 * {@link #decode} turns stored images [N, C, H, W] into the training images [N·f², C, H, W]; the
 * stored images are what is optimised and saved, in [0, 1] pixels.
 *
 * <p>Decoding follows the reference's {@code decode_zoom} ({@code condense.py}):
 * <ul>
 * <li>Tiles are ⌈H/f⌉ × ⌈W/f⌉; when f does not divide a side, the image is first padded at the bottom
 *     (right) with 0.5 up to f·⌈H/f⌉ (f·⌈W/f⌉). 32×32 and 28×28 with f = 2 need no padding (16 and 14).</li>
 * <li>Order: tile (i, j) for i over rows, then j over columns (f = 2: top-left, top-right, bottom-left,
 *     bottom-right), and within a tile every stored image in order. So decoded image k·N + n is tile k
 *     of stored image n: all top-left tiles first. {@link #labels} repeats the labels the same way.</li>
 * <li>Each tile is upsampled back to H×W bilinearly with align_corners=False ({@link Resize#bilinear}),
 *     as the reference's {@code nn.Upsample(size, mode='bilinear')}.</li>
 * </ul>
 * The reference pads by the width's remainder on both axes; this pads each axis by its own (the same
 * for square images).
 *
 * <p>Factor 1 is IDC without multi-formation (IDC-I): decoding is the identity and {@link #encodeInit}
 * copies the real images, the reference's 'random' initialisation.
 */
public final class MultiFormation {

    /** The reference's factor for every small-image dataset. */
    public static final int DEFAULT_FACTOR = 2;

    /** The value the reference pads with when the factor does not divide a side. */
    static final float PAD = 0.5f;

    private MultiFormation() {}

    /** Side of a tile: ⌈side / factor⌉ (16 for 32 and 14 for 28 with factor 2). */
    public static int tileSize(int side, int factor) {
        checkFactor(factor);
        return (side + factor - 1) / factor;
    }

    /**
     * The training images of {@code stored} [N, C, H, W]: [N·f², C, H, W] in the order above.
     * Differentiable in {@code stored}. Always a new array, owned by stored's manager.
     */
    public static NDArray decode(NDArray stored, int factor) {
        Shape s = checkImages(stored, "stored images");
        checkFactor(factor);
        int h = Math.toIntExact(s.get(2));
        int w = Math.toIntExact(s.get(3));
        checkTiles(h, w, factor);
        if (factor == 1) {
            return stored.add(0f); // a new array that keeps the graph (duplicate() would detach it)
        }
        int th = tileSize(h, factor);
        int tw = tileSize(w, factor);
        try (NDManager scope = stored.getManager().newSubManager(stored.getDevice())) {
            scope.tempAttachAll(stored);
            NDArray x = stored;
            long n = s.get(0);
            long c = s.get(1);
            if (th * factor > h) {
                x = x.concat(scope.full(new Shape(n, c, th * factor - h, w), PAD, DataType.FLOAT32), 2);
            }
            if (tw * factor > w) {
                x = x.concat(scope.full(new Shape(n, c, th * factor, tw * factor - w), PAD, DataType.FLOAT32), 3);
            }
            NDList tiles = new NDList();
            for (int i = 0; i < factor; i++) {
                for (int j = 0; j < factor; j++) {
                    tiles.add(x.get(new NDIndex(":, :, {}:{}, {}:{}", i * th, (i + 1) * th, j * tw, (j + 1) * tw)));
                }
            }
            return scope.ret(Resize.bilinear(NDArrays.concat(tiles, 0), h, w));
        }
    }

    /** The labels of {@link #decode}'s images: {@code storedLabels} repeated f² times, back to back. */
    public static int[] labels(int[] storedLabels, int factor) {
        checkFactor(factor);
        int n = storedLabels.length;
        int[] out = new int[n * factor * factor];
        for (int k = 0; k < factor * factor; k++) {
            System.arraycopy(storedLabels, 0, out, k * n, n);
        }
        return out;
    }

    /**
     * IDC's 'mix' initialisation of one class's stored images: {@code real} holds ipc·f² real images of
     * the class [ipc·f², C, H, W]; chunk k (images k·ipc … (k+1)·ipc − 1) is downsampled with
     * {@link Resize#nearest} ({@code F.interpolate}'s default) to tile k's size and fills tile k of the
     * ipc stored images, tiles numbered as in {@link #decode}. Returns [ipc, C, H, W] in real's manager.
     *
     * <p>A tile's size is the part of the stored image it covers: ⌈H/f⌉ rows except for the last row of
     * tiles, which gets what is left. For f = 2 that is the reference's split (s+1 and s rows for an odd
     * side); for f ≥ 3 with a side f does not divide the reference splits differently from its own
     * decoding (it gives the extra rows to the first tiles), while here a tile always initialises
     * exactly the pixels {@link #decode} reads as that tile.
     */
    public static NDArray encodeInit(NDArray real, int factor) {
        Shape s = checkImages(real, "real images");
        checkFactor(factor);
        int f2 = factor * factor;
        if (s.get(0) == 0 || s.get(0) % f2 != 0) {
            throw new IllegalArgumentException("'mix' initialisation with factor " + factor + " needs ipc·" + f2
                    + " real images of the class (ipc ≥ 1), got " + s.get(0) + ".");
        }
        int ipc = Math.toIntExact(s.get(0) / f2);
        int h = Math.toIntExact(s.get(2));
        int w = Math.toIntExact(s.get(3));
        checkTiles(h, w, factor);
        int th = tileSize(h, factor);
        int tw = tileSize(w, factor);
        try (NDManager scope = real.getManager().newSubManager(real.getDevice())) {
            scope.tempAttachAll(real);
            List<NDArray> rows = new ArrayList<>();
            for (int i = 0; i < factor; i++) {
                NDList row = new NDList();
                for (int j = 0; j < factor; j++) {
                    int k = i * factor + j;
                    NDArray chunk = real.get(new NDIndex("{}:{}", k * ipc, (k + 1) * ipc));
                    row.add(Resize.nearest(
                            chunk, Math.min(h, (i + 1) * th) - i * th, Math.min(w, (j + 1) * tw) - j * tw));
                }
                rows.add(NDArrays.concat(row, 3));
            }
            return scope.ret(NDArrays.concat(new NDList(rows.toArray(NDArray[]::new)), 2));
        }
    }

    private static Shape checkImages(NDArray x, String what) {
        Shape s = x.getShape();
        if (s.dimension() != 4 || x.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("multi-formation expects " + what + " as float32 [N, C, H, W], got "
                    + x.getDataType() + " " + s + ".");
        }
        return s;
    }

    private static void checkFactor(int factor) {
        if (factor < 1) {
            throw new IllegalArgumentException(
                    "multi-formation factor must be ≥ 1 (1: no multi-formation), got " + factor + ".");
        }
    }

    /** Every tile must cover at least one pixel of the stored image, or it would hold nothing but padding. */
    private static void checkTiles(int h, int w, int factor) {
        if ((factor - 1) * tileSize(h, factor) >= h || (factor - 1) * tileSize(w, factor) >= w) {
            throw new IllegalArgumentException("multi-formation factor " + factor + " is too large for " + h + "×" + w
                    + " images: tiles of " + tileSize(h, factor) + "×" + tileSize(w, factor)
                    + " would leave the last tiles without pixels.");
        }
    }
}
