package org.ddlab.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The space images are in, and the way there from pixels: {@link Kind#PIXELS} ([0,1] as loaded),
 * {@link Kind#NORMALIZE} (per-channel {@code (x − mean)/std}) or {@link Kind#ZCA} (normalised, then
 * whitened by a {@link Zca} matrix). Every statistic is fitted on the training images only.
 *
 * <p>Every {@link ImageSet} carries its space ({@link ImageSet#space()}), a distilled set records it
 * beside its pixels, and whatever trains on one set and tests on another checks that the two agree —
 * a set in pixels scored against normalised test images loses tens of points without any other sign.
 */
public final class Preprocessing {

    /** How images are preprocessed. */
    public enum Kind {
        /** Pixels in [0,1] as loaded. */
        PIXELS,
        /** Per-channel standardisation with the training set's mean and std. */
        NORMALIZE,
        /** Standardisation, then ZCA whitening fitted on the training set. */
        ZCA;

        /** The name used on the command line and in files: pixels, normalize, zca. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Kind parse(String s) {
            for (Kind k : values()) {
                if (k.id().equals(s.trim().toLowerCase(Locale.ROOT))) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown preprocessing '" + s + "'; known: pixels, normalize, zca");
        }
    }

    /** Images as loaded: the space of every set that says nothing else. */
    public static final Preprocessing PIXELS = new Preprocessing(Kind.PIXELS, null, null);

    private final Kind kind;
    private final Normalization normalization;
    private final Zca zca;

    private Preprocessing(Kind kind, Normalization normalization, Zca zca) {
        this.kind = kind;
        this.normalization = normalization;
        this.zca = zca;
    }

    /** Per-channel standardisation. */
    public static Preprocessing of(Normalization normalization) {
        return new Preprocessing(Kind.NORMALIZE, Objects.requireNonNull(normalization), null);
    }

    /** Standardisation, then whitening. */
    public static Preprocessing of(Normalization normalization, Zca zca) {
        if (zca.dimension() % normalization.channels() != 0) {
            throw new IllegalArgumentException(
                    "a ZCA of " + zca.dimension() + " values does not fit " + normalization.channels() + " channels");
        }
        return new Preprocessing(Kind.ZCA, Objects.requireNonNull(normalization), zca);
    }

    /**
     * Fits {@code kind} on the pixels of a training set: its per-channel mean and std, and for ZCA the
     * whitening of the standardised images with {@code zcaRegularization}.
     */
    public static Preprocessing fit(ImageSet train, Kind kind, double zcaRegularization, NDManager manager) {
        if (!train.space().isPixels()) {
            throw new IllegalArgumentException(
                    "fit a preprocessing on pixels; '" + train.name() + "' is in " + train.space());
        }
        return switch (kind) {
            case PIXELS -> PIXELS;
            case NORMALIZE -> of(train.normalization());
            case ZCA -> {
                Normalization n = train.normalization();
                yield of(n, Zca.fit(train, n, zcaRegularization, manager));
            }
        };
    }

    public Kind kind() {
        return kind;
    }

    public boolean isPixels() {
        return kind == Kind.PIXELS;
    }

    /** Channels the statistics are for; 0 for pixels, which fit any image. */
    public int channels() {
        return normalization == null ? 0 : normalization.channels();
    }

    /** The standardisation, or null for pixels. */
    public Normalization normalization() {
        return normalization;
    }

    /** The whitening, or null when there is none. */
    public Zca zca() {
        return zca;
    }

    /** Pixels [N, C, H, W] into this space. */
    public NDArray apply(NDArray pixels) {
        if (isPixels()) {
            return pixels.duplicate();
        }
        NDArray x = normalization.apply(pixels);
        return zca == null ? x : zca.apply(x);
    }

    /** Images in this space [N, C, H, W] back to pixels (to show or save them). */
    public NDArray invert(NDArray x) {
        if (isPixels()) {
            return x.duplicate();
        }
        try (NDArray unwhitened = zca == null ? null : zca.invert(x)) {
            return normalization.invert(unwhitened == null ? x : unwhitened);
        }
    }

    /** A copy of {@code pixels} in this space (through the engine, a chunk at a time). */
    public ImageSet apply(ImageSet pixels, NDManager manager) {
        if (!pixels.space().isPixels()) {
            throw new IllegalArgumentException(
                    "'" + pixels.name() + "' is already in " + pixels.space() + "; apply a preprocessing to pixels");
        }
        float[] out = new float[pixels.size() * pixels.imageSize()];
        transform(pixels, out, 0, manager);
        return ImageSet.of(
                pixels.name(),
                out,
                pixels.labels(),
                pixels.channels(),
                pixels.height(),
                pixels.width(),
                pixels.classNames(),
                this);
    }

    /**
     * Moves the pixels of {@code set} into this space inside its own array, a chunk at a time, and
     * returns the set as a view of that array in this space (a set of bytes keeps its bytes and is
     * preprocessed batch by batch instead). Only for a set nothing else holds
     * (a split {@link DatasetSplits} has just loaded): this is how a 600 MB training set is
     * preprocessed without a second copy.
     */
    ImageSet applyInPlace(ImageSet set, NDManager manager) {
        if (isPixels()) {
            return set;
        }
        if (set.storesBytes()) {
            return ImageSet.rows(
                    set, 0, set.labels(), set.name(), this); // bytes stay bytes; each batch is preprocessed
        }
        transform(set, set.array(), set.arrayOffset(), manager);
        return ImageSet.rows(set, 0, set.labels(), set.name(), this);
    }

    private void transform(ImageSet from, float[] to, int offset, NDManager manager) {
        int n = from.imageSize();
        try (NDManager scope = manager.newSubManager()) {
            NDArray[] muW = zca == null ? null : zca.on(scope);
            for (int start = 0; start < from.size(); start += Zca.CHUNK) {
                int end = Math.min(from.size(), start + Zca.CHUNK);
                int[] rows = new int[end - start];
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = start + i;
                }
                try (NDManager chunk = scope.newSubManager()) {
                    NDArray x = normalization.apply(from.images(chunk, rows));
                    if (muW != null) {
                        x = zca.apply(x, muW[0], muW[1]);
                    }
                    float[] values = x.toFloatArray();
                    System.arraycopy(values, 0, to, offset + start * n, values.length);
                }
            }
        }
    }

    /**
     * What a saved set records of its space (JSON): kind, mean and std, and for ZCA its regularisation,
     * dimension and the SHA-256 of its matrix, whose values go into the {@code .npz} as
     * {@link #ZCA_MATRIX}.
     */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind.id());
        if (normalization != null) {
            m.put("mean", floats(normalization.mean()));
            m.put("std", floats(normalization.std()));
        }
        if (zca != null) {
            m.put("zca_regularization", zca.regularization());
            m.put("zca_dimension", zca.dimension());
            m.put("zca_sha256", zca.digest());
            m.put("zca_arrays", List.of(ZCA_MEAN, ZCA_MATRIX));
        }
        m.put("recipe", recipe());
        return m;
    }

    /** Name of the whitening matrix's array in a saved set's {@code .npz}. */
    public static final String ZCA_MATRIX = "zca_matrix";
    /** Name of the whitening's mean array in a saved set's {@code .npz}. */
    public static final String ZCA_MEAN = "zca_mean";

    /** How to get from pixels to this space, in words a NumPy or PyTorch user can follow. */
    public String recipe() {
        return switch (kind) {
            case PIXELS -> "pixels in [0,1], as stored";
            case NORMALIZE -> "x = (pixels - mean[c]) / std[c] per channel c";
            case ZCA ->
                "x = (pixels - mean[c]) / std[c] per channel c; then (x.reshape(N, -1) - " + ZCA_MEAN + ") @ "
                        + ZCA_MATRIX + " (symmetric D x D), reshaped back to (N, C, H, W)";
        };
    }

    /**
     * Back from {@link #describe()} and, for ZCA, the mean and matrix stored beside it.
     *
     * @throws IllegalArgumentException naming what is missing or inconsistent
     */
    public static Preprocessing fromDescription(
            Map<String, ?> m, float[] zcaMean, float[] zcaMatrix, NDManager manager) {
        Kind kind = Kind.parse(String.valueOf(m.get("kind")));
        if (kind == Kind.PIXELS) {
            return PIXELS;
        }
        Normalization n = new Normalization(floatArray(m.get("mean"), "mean"), floatArray(m.get("std"), "std"));
        if (kind == Kind.NORMALIZE) {
            return of(n);
        }
        if (zcaMatrix == null || zcaMean == null) {
            throw new IllegalArgumentException("the preprocessing is ZCA but the arrays '" + ZCA_MEAN + "' and '"
                    + ZCA_MATRIX + "' are not both beside the images");
        }
        Zca z = Zca.of(((Number) m.get("zca_regularization")).doubleValue(), zcaMean, zcaMatrix, manager);
        Object sha = m.get("zca_sha256");
        if (sha != null && !sha.equals(z.digest())) {
            throw new IllegalArgumentException(
                    "the '" + ZCA_MATRIX + "' and '" + ZCA_MEAN + "' arrays do not match the recorded zca_sha256 " + sha
                            + " (they hash to " + z.digest() + "); the files were mixed up");
        }
        return of(n, z);
    }

    private static List<Double> floats(float[] a) {
        Double[] d = new Double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = (double) a[i];
        }
        return List.of(d);
    }

    private static float[] floatArray(Object o, String what) {
        if (!(o instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalArgumentException("the preprocessing lacks its '" + what + "' list");
        }
        float[] f = new float[list.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = ((Number) list.get(i)).floatValue();
        }
        return f;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Preprocessing p
                && p.kind == kind
                && Objects.equals(p.normalization, normalization)
                && Objects.equals(p.zca, zca);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, normalization, zca);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case PIXELS -> "pixels";
            case NORMALIZE -> "normalised " + normalization;
            case ZCA -> "normalised " + normalization + ", then " + zca;
        };
    }
}
