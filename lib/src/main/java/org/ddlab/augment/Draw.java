package org.ddlab.augment;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * One sample of augmentation parameters, drawn once and applied to several batches: that is what
 * makes DSA "siamese" — the real and the synthetic batch of one matching step see the same
 * transformation, so the matching loss compares like with like.
 *
 * <p>A <em>shared</em> draw holds one parameter set and applies it to every image of any batch
 * (what DC/DSA do per class, {@code theta[:] = theta[0]} in the reference). A <em>per-image</em>
 * draw holds one set per image and fits only batches of exactly that size (training on a
 * distilled set during evaluation).
 *
 * <p>Geometry that depends on the image size (crop shift in pixels, cutout box) is stored as
 * uniforms in [0, 1) and turned into pixels when applied, so one draw serves any resolution.
 * Accessors of operations that are not part of the draw return the identity (no flip, shift 0...).
 */
public final class Draw {

    private final DsaParams params;
    private final List<Operation> operations;
    private final boolean shared;
    private final int size;

    // Concrete, resolution-independent values, one entry per parameter set.
    private final boolean[] flip;
    private final float[] brightness;
    private final float[] saturation;
    private final float[] contrast;
    private final float[] scaleX;
    private final float[] scaleY;
    private final float[] rotation;
    // Uniforms in [0, 1), mapped to pixels once the image size is known.
    private final float[] cropRowU;
    private final float[] cropColU;
    private final float[] cutoutRowU;
    private final float[] cutoutColU;

    private Draw(DsaParams params, List<Operation> operations, boolean shared, int size) {
        this.params = params;
        this.operations = List.copyOf(operations);
        this.shared = shared;
        this.size = size;
        flip = new boolean[size];
        brightness = new float[size];
        saturation = new float[size];
        contrast = new float[size];
        scaleX = new float[size];
        scaleY = new float[size];
        rotation = new float[size];
        cropRowU = new float[size];
        cropColU = new float[size];
        cutoutRowU = new float[size];
        cutoutColU = new float[size];
    }

    /**
     * The values of one parameter set, in the units a draw keeps them: crop and cutout positions as uniforms in
     * [0, 1) that become pixels once the image size is known ({@link #shiftRows}, {@link #cutoutBox}), the rest as
     * applied (brightness added, saturation and contrast factors, zoom factors, rotation in radians).
     */
    record Values(
            float brightness,
            float saturation,
            float contrast,
            float cropRowU,
            float cropColU,
            float cutoutRowU,
            float cutoutColU,
            boolean flip,
            float scaleX,
            float scaleY,
            float rotation) {

        Values {
            for (float u : new float[] {cropRowU, cropColU, cutoutRowU, cutoutColU}) {
                if (!(u >= 0 && u < 1)) {
                    throw new IllegalArgumentException("A DSA position uniform must be in [0, 1), got " + u + ".");
                }
            }
        }
    }

    /**
     * Draws parameters from {@code rng}. Every value is drawn whether or not its operation was
     * chosen, so the number of random numbers used depends only on {@code size}: reproducible runs
     * stay in step when a strategy changes.
     */
    static Draw sample(DsaParams p, Random rng, int size, boolean shared) {
        if (size < 1) {
            throw new IllegalArgumentException("A DSA draw needs a batch size of at least 1, got " + size + ".");
        }
        List<Operation> ops;
        if (p.strategy().isEmpty()) {
            ops = List.of();
        } else if (p.mode() == DsaParams.Mode.SINGLE) {
            ops = List.of(p.strategy().get(rng.nextInt(p.strategy().size())));
        } else {
            ops = p.strategy();
        }
        double maxAngle = Math.toRadians(p.rotateDegrees());
        double s = p.scale();
        List<Values> sets = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            // One statement per value: the order of the draws is part of what a seed reproduces.
            float brightness = (float) ((2 * rng.nextDouble() - 1) * p.brightness());
            float saturation = (float) (1 + (2 * rng.nextDouble() - 1) * p.saturation());
            float contrast = (float) (1 + (2 * rng.nextDouble() - 1) * p.contrast());
            float cropRowU = rng.nextFloat();
            float cropColU = rng.nextFloat();
            float cutoutRowU = rng.nextFloat();
            float cutoutColU = rng.nextFloat();
            boolean flip = rng.nextDouble() < p.flipProbability();
            float scaleX = (float) (rng.nextDouble() * (s - 1 / s) + 1 / s);
            float scaleY = (float) (rng.nextDouble() * (s - 1 / s) + 1 / s);
            float rotation = (float) ((2 * rng.nextDouble() - 1) * maxAngle);
            sets.add(new Values(
                    brightness,
                    saturation,
                    contrast,
                    cropRowU,
                    cropColU,
                    cutoutRowU,
                    cutoutColU,
                    flip,
                    scaleX,
                    scaleY,
                    rotation));
        }
        return of(p, ops, shared, sets);
    }

    /**
     * A draw of given values instead of random ones, e.g. the parameters a reference implementation was run with:
     * one set applied to every image ({@code shared}), or one set per image of a batch of {@code sets.size()}.
     * {@code params} supplies the ratios that turn positions into pixels (crop, cutout) and the resampling convention.
     */
    static Draw of(DsaParams params, List<Operation> operations, boolean shared, List<Values> sets) {
        if (sets.isEmpty() || (shared && sets.size() != 1)) {
            throw new IllegalArgumentException("A " + (shared ? "shared" : "per-image") + " draw needs "
                    + (shared ? "exactly one parameter set" : "at least one parameter set") + ", got " + sets.size()
                    + ".");
        }
        Draw d = new Draw(params, operations, shared, sets.size());
        for (int i = 0; i < sets.size(); i++) {
            Values v = sets.get(i);
            d.brightness[i] = v.brightness();
            d.saturation[i] = v.saturation();
            d.contrast[i] = v.contrast();
            d.cropRowU[i] = v.cropRowU();
            d.cropColU[i] = v.cropColU();
            d.cutoutRowU[i] = v.cutoutRowU();
            d.cutoutColU[i] = v.cutoutColU();
            d.flip[i] = v.flip();
            d.scaleX[i] = v.scaleX();
            d.scaleY[i] = v.scaleY();
            d.rotation[i] = v.rotation();
        }
        return d;
    }

    /** The settings this draw was sampled with. */
    public DsaParams params() {
        return params;
    }

    /** The operations this draw applies, in order (one in SINGLE mode; may be empty). */
    public List<Operation> operations() {
        return operations;
    }

    public boolean applies(Operation op) {
        return operations.contains(op);
    }

    /** True when one parameter set is applied to every image of every batch. */
    public boolean isShared() {
        return shared;
    }

    /** Number of parameter sets: 1 when shared, else the batch size it was drawn for. */
    public int size() {
        return size;
    }

    private int at(int image) {
        if (shared) {
            return 0;
        }
        if (image < 0 || image >= size) {
            throw new IndexOutOfBoundsException("image " + image + " of a per-image draw for " + size + " images");
        }
        return image;
    }

    /** Whether image {@code i} is mirrored left-right. */
    public boolean flipped(int i) {
        return applies(Operation.FLIP) && flip[at(i)];
    }

    /** Value added to image {@code i} (COLOR). */
    public float brightness(int i) {
        return applies(Operation.COLOR) ? brightness[at(i)] : 0f;
    }

    /** Factor on the distance from the per-pixel channel mean (COLOR, 3-channel images only). */
    public float saturation(int i) {
        return applies(Operation.COLOR) ? saturation[at(i)] : 1f;
    }

    /** Factor on the distance from the image mean (COLOR). */
    public float contrast(int i) {
        return applies(Operation.COLOR) ? contrast[at(i)] : 1f;
    }

    /** Horizontal sampling factor (SCALE): the output at normalised x reads the input at sx·x. */
    public float scaleX(int i) {
        return applies(Operation.SCALE) ? scaleX[at(i)] : 1f;
    }

    /** Vertical sampling factor (SCALE). */
    public float scaleY(int i) {
        return applies(Operation.SCALE) ? scaleY[at(i)] : 1f;
    }

    /** Rotation angle θ in radians (ROTATE), as the reference's affine matrix [[cos, -sin], [sin, cos]]. */
    public float rotation(int i) {
        return applies(Operation.ROTATE) ? rotation[at(i)] : 0f;
    }

    /** Largest crop shift in pixels for a side of {@code length}: the reference's int(length·ratio + 0.5). */
    public int maxShift(int length) {
        return (int) (length * params.cropRatio() + 0.5);
    }

    /** Rows the content of image {@code i} moves down (negative: up) at this height (CROP). */
    public int shiftRows(int i, int height) {
        return applies(Operation.CROP) ? shift(cropRowU[at(i)], maxShift(height)) : 0;
    }

    /** Columns the content of image {@code i} moves right (negative: left) at this width (CROP). */
    public int shiftCols(int i, int width) {
        return applies(Operation.CROP) ? shift(cropColU[at(i)], maxShift(width)) : 0;
    }

    private static int shift(float u, int max) {
        // Uniform integer in [-max, max], like torch.randint(-shift, shift + 1).
        return Math.min((int) (u * (2 * max + 1)), 2 * max) - max;
    }

    /**
     * The zeroed box of image {@code i} (CUTOUT) as {row0, row1, col0, col1}, end-exclusive and
     * clipped to the image; null when there is no cutout. Follows the reference: side
     * int(H·ratio + 0.5), centre offset uniform in [0, H + 1 - side%2).
     */
    public int[] cutoutBox(int i, int height, int width) {
        if (!applies(Operation.CUTOUT)) {
            return null;
        }
        int sh = (int) (height * params.cutoutRatio() + 0.5);
        int sw = (int) (width * params.cutoutRatio() + 0.5);
        if (sh == 0 || sw == 0) {
            return null;
        }
        int rows = height + (1 - sh % 2);
        int cols = width + (1 - sw % 2);
        int offR = Math.min((int) (cutoutRowU[at(i)] * rows), rows - 1);
        int offC = Math.min((int) (cutoutColU[at(i)] * cols), cols - 1);
        int r0 = offR - sh / 2;
        int c0 = offC - sw / 2;
        return new int[] {Math.max(0, r0), Math.min(height, r0 + sh), Math.max(0, c0), Math.min(width, c0 + sw)};
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        for (Operation op : operations) {
            parts.add(
                    switch (op) {
                        case COLOR ->
                            String.format("color(b=%+.2f, s=%.2f, c=%.2f)", brightness(0), saturation(0), contrast(0));
                        case CROP -> "crop";
                        case CUTOUT -> "cutout";
                        case FLIP -> "flip(" + flipped(0) + ")";
                        case SCALE -> String.format("scale(%.2f, %.2f)", scaleX(0), scaleY(0));
                        case ROTATE -> String.format("rotate(%.1f°)", Math.toDegrees(rotation(0)));
                    });
        }
        return "Draw[" + (shared ? "shared" : "per-image x" + size) + ", "
                + (parts.isEmpty() ? "identity" : String.join(" ", Collections.unmodifiableList(parts)))
                + (shared ? "" : " (values of image 0)") + "]";
    }
}
