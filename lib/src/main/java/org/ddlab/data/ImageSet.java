package org.ddlab.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A labelled set of images, float32 [N,C,H,W] row-major, with class names and a per-class index.
 *
 * <p><b>Storage.</b> The images live in one heap array: {@code byte[]} for pixels that were bytes in
 * their files (IDX, CIFAR, SVHN, uint8 npz: CIFAR-10's training split is 150 MB instead of 600 MB as
 * floats), {@code float[]} otherwise (Fashion-MNIST as floats would be 60 000 x 784 floats = 188 MB).
 * A set of bytes in another space than pixels (normalised, whitened) stays bytes: its preprocessing
 * runs on every batch it hands out, on the engine, so a whole dataset is never held twice. A heap
 * array rather than a direct buffer because: DJL copies any buffer that is
 * not a direct {@code ByteBuffer} into native memory anyway, so nothing is saved by keeping the whole
 * set native; the garbage collector frees a heap array as soon as a notebook drops the set, while a
 * direct buffer is freed late and counts against {@code -XX:MaxDirectMemorySize}; and a float[] holds
 * up to 2^31 values (8 GB), plenty for MNIST/CIFAR-sized sets. Tensors are made per batch
 * ({@link #images(NDManager, int[])}, through {@link TensorStaging}) so only the batch is ever in native
 * memory, and only while its manager is open; {@link
 * #toNDArray(NDManager)} exists for small (e.g. distilled) sets.
 *
 * <p><b>Immutability.</b> Nothing handed out aliases the internal arrays: accessors return copies or
 * read-only views, factories copy their inputs. Derived sets ({@link #subset}, {@link #normalized})
 * copy only what they keep. So one loaded set can be shared between notebook cells and threads.
 */
public final class ImageSet {

    private final String name;
    /** The values in {@link #space}, or null when the set stores {@link #bytes}. */
    private final float[] pixels;
    /** Pixels × 255 as stored in the files (unsigned), or null; {@link #space} is applied to every batch of them. */
    private final byte[] bytes;
    /** Index in the array of this set's first value: a view of a row range shares its parent's array. */
    private final int offset;

    private final int[] labels;
    private final Preprocessing space;
    private final List<String> classNames;
    private final int channels;
    private final int height;
    private final int width;
    private final int[][] byClass;

    private ImageSet(
            String name,
            float[] pixels,
            byte[] bytes,
            int offset,
            int[] labels,
            int channels,
            int height,
            int width,
            List<String> classNames,
            Preprocessing space) {
        if ((pixels == null) == (bytes == null)) {
            throw new IllegalArgumentException("a set stores either floats or bytes");
        }
        int length = pixels != null ? pixels.length : bytes.length;
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException(
                    "image shape must be positive, got C=" + channels + " H=" + height + " W=" + width);
        }
        long imageSize = (long) channels * height * width;
        boolean view = offset < 0; // rows(...) passes -(offset + 1): a view may cover part of its array
        offset = view ? -(offset + 1) : offset;
        if (offset + (long) labels.length * imageSize > length
                || (!view && (long) labels.length * imageSize != length)) {
            throw new IllegalArgumentException(labels.length + " labels need " + labels.length + " x " + channels + "x"
                    + height + "x" + width + " = " + labels.length * imageSize + " pixel values, got " + length);
        }
        if (classNames.isEmpty()) {
            throw new IllegalArgumentException("need at least one class name");
        }
        int[] counts = new int[classNames.size()];
        for (int i = 0; i < labels.length; i++) {
            int y = labels[i];
            if (y < 0 || y >= counts.length) {
                throw new IllegalArgumentException("label " + y + " of image " + i + " is outside 0.."
                        + (counts.length - 1) + " (" + counts.length + " class names given)");
            }
            counts[y]++;
        }
        int[][] index = new int[counts.length][];
        for (int c = 0; c < counts.length; c++) {
            index[c] = new int[counts[c]];
        }
        int[] fill = new int[counts.length];
        for (int i = 0; i < labels.length; i++) {
            index[labels[i]][fill[labels[i]]++] = i;
        }
        if (space.channels() != 0 && space.channels() != channels) {
            throw new IllegalArgumentException(
                    "preprocessing " + space + " is for " + space.channels() + " channels, images have " + channels);
        }
        this.name = name == null ? "images" : name;
        this.pixels = pixels;
        this.bytes = bytes;
        this.offset = offset;
        this.labels = labels;
        this.space = space;
        this.classNames = List.copyOf(classNames);
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.byClass = index;
    }

    /**
     * A set from flat CHW pixels ({@code pixels.length == labels.length * C*H*W}). The arrays are
     * copied, so the caller may reuse them.
     */
    public static ImageSet of(
            String name, float[] pixels, int[] labels, int channels, int height, int width, List<String> classNames) {
        return new ImageSet(
                name,
                pixels.clone(),
                null,
                0,
                labels.clone(),
                channels,
                height,
                width,
                classNames,
                Preprocessing.PIXELS);
    }

    /**
     * As {@link #of(String, float[], int[], int, int, int, List)}, for images already in {@code space}
     * (e.g. normalised, or ZCA-whitened), so that whatever consumes them knows and can check it.
     */
    public static ImageSet of(
            String name,
            float[] pixels,
            int[] labels,
            int channels,
            int height,
            int width,
            List<String> classNames,
            Preprocessing space) {
        return new ImageSet(name, pixels.clone(), null, 0, labels.clone(), channels, height, width, classNames, space);
    }

    /** Takes ownership of the arrays without copying; for loaders in this package that built them. */
    static ImageSet wrap(
            String name, float[] pixels, int[] labels, int channels, int height, int width, List<String> classNames) {
        return new ImageSet(name, pixels, null, 0, labels, channels, height, width, classNames, Preprocessing.PIXELS);
    }

    /** Takes ownership of pixel bytes (0..255, CHW per image) without copying; for readers of byte formats. */
    static ImageSet wrapBytes(
            String name, byte[] pixels, int[] labels, int channels, int height, int width, List<String> classNames) {
        return new ImageSet(name, null, pixels, 0, labels, channels, height, width, classNames, Preprocessing.PIXELS);
    }

    /** This set under another name, sharing the arrays (no set ever modifies them); for loaders in this package. */
    ImageSet named(String newName) {
        return new ImageSet(newName, pixels, bytes, -(offset + 1), labels, channels, height, width, classNames, space);
    }

    /**
     * Rows {@code first … first + count − 1} of {@code owner} as a set that shares its array (no copy),
     * in {@code space}: for a set of floats the space its values are in, for one of bytes the
     * preprocessing its batches go through.
     */
    static ImageSet rows(ImageSet owner, int first, int[] labels, String name, Preprocessing space) {
        return new ImageSet(
                name,
                owner.pixels,
                owner.bytes,
                -(owner.offset + first * owner.imageSize() + 1),
                labels,
                owner.channels,
                owner.height,
                owner.width,
                owner.classNames,
                space);
    }

    /** Whether the images are stored as the bytes of their files (and preprocessed per batch). */
    boolean storesBytes() {
        return bytes != null;
    }

    /** The array behind this set ({@code float[]} or {@code byte[]}), for the in-place steps of {@link DatasetSplits}. */
    Object storage() {
        return pixels != null ? pixels : bytes;
    }

    /** The float array behind this set, for the in-place steps of {@link DatasetSplits} on a set nothing else holds; null for bytes. */
    float[] array() {
        return pixels;
    }

    /** Index of this set's first value in {@link #array()}. */
    int arrayOffset() {
        return offset;
    }

    /**
     * A set from tensors, e.g. distilled images: {@code images} [N,C,H,W] (any float type) and
     * {@code labels} [N] (integer, or float holding whole numbers). Each is read once with one
     * bulk transfer.
     */
    public static ImageSet fromNDArray(String name, NDArray images, NDArray labels, List<String> classNames) {
        return fromNDArray(name, images, labels, classNames, Preprocessing.PIXELS);
    }

    /** As {@link #fromNDArray(String, NDArray, NDArray, List)}, for images in {@code space}. */
    public static ImageSet fromNDArray(
            String name, NDArray images, NDArray labels, List<String> classNames, Preprocessing space) {
        Shape s = images.getShape();
        if (s.dimension() != 4) {
            throw new IllegalArgumentException("images must be [N,C,H,W], got " + s);
        }
        if (labels.getShape().dimension() != 1 || labels.getShape().get(0) != s.get(0)) {
            throw new IllegalArgumentException("labels must be [N] with N=" + s.get(0) + ", got " + labels.getShape());
        }
        float[] px = images.getDataType() == DataType.FLOAT32 ? images.toFloatArray() : toFloat32(images);
        int[] y = labels.getDataType() == DataType.INT32 ? labels.toIntArray() : toInt32(labels);
        return new ImageSet(name, px, null, 0, y, (int) s.get(1), (int) s.get(2), (int) s.get(3), classNames, space);
    }

    private static float[] toFloat32(NDArray a) {
        try (NDArray f = a.toType(DataType.FLOAT32, false)) {
            return f.toFloatArray();
        }
    }

    private static int[] toInt32(NDArray a) {
        try (NDArray i = a.toType(DataType.INT32, false)) {
            return i.toIntArray();
        }
    }

    public String name() {
        return name;
    }

    /**
     * The space the pixels are in: {@link Preprocessing#PIXELS} ([0,1] as loaded) or a preprocessing
     * applied to them (normalised, ZCA-whitened). Training and test images must share it.
     */
    public Preprocessing space() {
        return space;
    }

    /** Number of images N. */
    public int size() {
        return labels.length;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** Values per image, C*H*W. */
    public int imageSize() {
        return channels * height * width;
    }

    /** [N,C,H,W]. */
    public Shape shape() {
        return new Shape(size(), channels, height, width);
    }

    public int numClasses() {
        return classNames.size();
    }

    public List<String> classNames() {
        return classNames;
    }

    public String className(int cls) {
        return classNames.get(cls);
    }

    public int label(int i) {
        return labels[i];
    }

    /** A copy of all labels. */
    public int[] labels() {
        return labels.clone();
    }

    /** Images per class, indexed by class. */
    public int[] classCounts() {
        int[] counts = new int[byClass.length];
        for (int c = 0; c < counts.length; c++) {
            counts[c] = byClass[c].length;
        }
        return counts;
    }

    /** Indices (ascending) of the images of class {@code cls}; a copy. */
    public int[] indicesOf(int cls) {
        if (cls < 0 || cls >= byClass.length) {
            throw new IndexOutOfBoundsException("class " + cls + " is outside 0.." + (byClass.length - 1));
        }
        return byClass[cls].clone();
    }

    /** The first {@code n} indices of each class (fewer where a class has fewer), class by class. */
    public int[] firstPerClass(int n) {
        int[] out = new int
                [Arrays.stream(byClass).mapToInt(ix -> Math.min(n, ix.length)).sum()];
        int k = 0;
        for (int[] ix : byClass) {
            for (int j = 0; j < Math.min(n, ix.length); j++) {
                out[k++] = ix[j];
            }
        }
        return out;
    }

    /** Image {@code i} as a fresh CHW float array. */
    public float[] image(int i) {
        Objects.checkIndex(i, size());
        int n = imageSize();
        if (pixels != null) {
            return Arrays.copyOfRange(pixels, offset + i * n, offset + (i + 1) * n);
        }
        if (space.isPixels()) {
            float[] out = new float[n];
            for (int k = 0; k < n; k++) {
                out[k] = value(offset + i * n + k);
            }
            return out;
        }
        try (NDManager m = NDManager.newBaseManager();
                NDArray x = images(m, new int[] {i})) {
            return x.toFloatArray();
        }
    }

    /** Pixel (c, y, x) of image i, for spot checks; loops should use {@link #pixels()}. */
    public float pixel(int i, int c, int y, int x) {
        Objects.checkIndex(i, size());
        Objects.checkIndex(c, channels);
        Objects.checkIndex(y, height);
        Objects.checkIndex(x, width);
        return pixels != null
                ? pixels[offset + ((i * channels + c) * height + y) * width + x]
                : image(i)[(c * height + y) * width + x];
    }

    /**
     * A read-only view of all values, [N,C,H,W] row-major: without copying for a set of floats; a set of
     * bytes is converted (and preprocessed) into a new array first, which for a whole dataset is large.
     */
    public FloatBuffer pixels() {
        if (pixels != null) {
            return FloatBuffer.wrap(pixels, offset, size() * imageSize())
                    .slice()
                    .asReadOnlyBuffer();
        }
        float[] all = new float[Math.multiplyExact(size(), imageSize())];
        forEachChunk((start, values) -> System.arraycopy(values, 0, all, start * imageSize(), values.length));
        return FloatBuffer.wrap(all).asReadOnlyBuffer();
    }

    /** Every image in order, a chunk at a time through {@link #images}: (first image, its values …). */
    private void forEachChunk(java.util.function.BiConsumer<Integer, float[]> consumer) {
        try (NDManager m = NDManager.newBaseManager()) {
            for (int start = 0; start < size(); start += Zca.CHUNK) {
                int[] idx = new int[Math.min(size(), start + Zca.CHUNK) - start];
                for (int k = 0; k < idx.length; k++) {
                    idx[k] = start + k;
                }
                try (NDManager chunk = m.newSubManager()) {
                    consumer.accept(start, images(chunk, idx).toFloatArray());
                }
            }
        }
    }

    /** A new set with only the images at {@code idx}, in that order (repeats allowed); copies just those rows. */
    public ImageSet subset(int[] idx) {
        return subset(idx, name + " [" + idx.length + "]");
    }

    /** As {@link #subset(int[])}, with a name for the result. */
    public ImageSet subset(int[] idx, String subsetName) {
        int[] y = new int[idx.length];
        for (int k = 0; k < idx.length; k++) {
            y[k] = labels[Objects.checkIndex(idx[k], size())];
        }
        return copyRows(idx, y, classNames, subsetName);
    }

    /**
     * A new set with only the images of {@code classes}, in their order in this set, relabelled {@code 0 … k−1} in
     * the order the classes are given and named after them: a task of a class-incremental sequence is a dataset of
     * its own, and a method that works class by class (a distiller, a coreset) sees only its classes. Copies just
     * those rows, in the same space.
     *
     * @throws IllegalArgumentException when no class is given, one is given twice, or one is not a class of this set
     */
    public ImageSet subsetOfClasses(int... classes) {
        if (classes.length == 0) {
            throw new IllegalArgumentException("name at least one class of '" + name + "' to keep");
        }
        int[] renumbered = new int[numClasses()];
        Arrays.fill(renumbered, -1);
        List<String> names = new java.util.ArrayList<>();
        for (int k = 0; k < classes.length; k++) {
            int c = classes[k];
            if (c < 0 || c >= numClasses()) {
                throw new IllegalArgumentException(
                        "class " + c + " is not a class of '" + name + "' (0.." + (numClasses() - 1) + ")");
            }
            if (renumbered[c] >= 0) {
                throw new IllegalArgumentException("class " + c + " (" + classNames.get(c) + ") is given twice");
            }
            renumbered[c] = k;
            names.add(classNames.get(c));
        }
        int kept = 0;
        for (int c : classes) {
            kept += byClass[c].length;
        }
        int[] idx = new int[kept];
        int[] y = new int[kept];
        int k = 0;
        for (int i = 0; i < labels.length; i++) {
            if (renumbered[labels[i]] >= 0) {
                idx[k] = i;
                y[k++] = renumbered[labels[i]];
            }
        }
        return copyRows(idx, y, names, name + " " + names);
    }

    /** The rows at {@code idx} (valid indices) copied into a new set with these labels and class names. */
    private ImageSet copyRows(int[] idx, int[] newLabels, List<String> newClassNames, String newName) {
        int n = imageSize();
        Object from = storage();
        Object to = java.lang.reflect.Array.newInstance(
                from.getClass().getComponentType(), Math.multiplyExact(idx.length, n));
        for (int k = 0; k < idx.length; k++) {
            System.arraycopy(from, offset + idx[k] * n, to, k * n, n);
        }
        return new ImageSet(
                newName,
                pixels != null ? (float[]) to : null,
                bytes != null ? (byte[]) to : null,
                0,
                newLabels,
                channels,
                height,
                width,
                newClassNames,
                space);
    }

    /** The whole set as one float32 [N,C,H,W] tensor. For big sets prefer batches via {@link #images(NDManager, int[])}. */
    public NDArray toNDArray(NDManager manager) {
        if (pixels == null) {
            int[] all = new int[size()];
            Arrays.setAll(all, i -> i);
            return images(manager, all);
        }
        return TensorStaging.floats(manager, shape(), view -> view.put(pixels, offset, size() * imageSize()));
    }

    /** All labels as an int32 [N] tensor. */
    public NDArray labelsNDArray(NDManager manager) {
        return TensorStaging.ints(manager, labels);
    }

    /** A batch: float32 [B,C,H,W] of the images at {@code idx}, copied straight into the tensor. */
    public NDArray images(NDManager manager, int[] idx) {
        int n = imageSize();
        for (int i : idx) {
            Objects.checkIndex(i, size());
        }
        Shape shape = new Shape(idx.length, channels, height, width);
        if (pixels != null) {
            return TensorStaging.floats(manager, shape, view -> {
                for (int i : idx) {
                    view.put(pixels, offset + i * n, n);
                }
            });
        }
        NDArray x;
        try (NDArray raw = TensorStaging.bytes(manager, shape, view -> {
                    for (int i : idx) {
                        view.put(bytes, offset + i * n, n);
                    }
                });
                NDArray floats = raw.toType(DataType.FLOAT32, false)) {
            x = floats.div(255f);
        }
        if (space.isPixels()) {
            return x;
        }
        try (x) {
            return space.apply(x);
        }
    }

    /** The labels at {@code idx} as an int32 [B] tensor, matching {@link #images(NDManager, int[])}. */
    public NDArray labels(NDManager manager, int[] idx) {
        int[] y = new int[idx.length];
        for (int k = 0; k < idx.length; k++) {
            y[k] = labels[Objects.checkIndex(idx[k], size())];
        }
        return TensorStaging.ints(manager, y);
    }

    /**
     * Per-channel mean and (population) standard deviation of this set, accumulated in double; a
     * channel that is constant gets std 1, so that normalising only centres it.
     */
    public Normalization normalization() {
        if (size() == 0) {
            throw new IllegalStateException("cannot compute normalisation of the empty set '" + name + "'");
        }
        if (bytes != null && !space.isPixels()) {
            return normalizationOfChunks();
        }
        int plane = height * width;
        float[] mean = new float[channels];
        float[] std = new float[channels];
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            for (int i = 0; i < size(); i++) {
                for (int p = offset + (i * channels + c) * plane, end = p + plane; p < end; p++) {
                    sum += value(p);
                }
            }
            double m = sum / ((double) size() * plane);
            // Second pass on deviations: sum(x^2) - n*m^2 loses digits when std is small next to mean.
            double sq = 0;
            for (int i = 0; i < size(); i++) {
                for (int p = offset + (i * channels + c) * plane, end = p + plane; p < end; p++) {
                    double d = value(p) - m;
                    sq += d * d;
                }
            }
            mean[c] = (float) m;
            double s = Math.sqrt(sq / ((double) size() * plane));
            std[c] = s > 1e-12 ? (float) s : 1f; // a constant channel (a blank plane of RGB files) is only centred
        }
        return new Normalization(mean, std);
    }

    /** The stored value at array index p: a float, or a byte as a pixel in [0, 1]. */
    private float value(int p) {
        return pixels != null ? pixels[p] : (bytes[p] & 0xFF) / 255f;
    }

    /** {@link #normalization()} of values that exist only batch by batch (bytes in another space). */
    private Normalization normalizationOfChunks() {
        int plane = height * width;
        double[] sum = new double[channels];
        double[] sq = new double[channels];
        forEachChunk((start, v) -> {
            for (int k = 0; k < v.length; k++) {
                int c = (k / plane) % channels;
                sum[c] += v[k];
                sq[c] += (double) v[k] * v[k];
            }
        });
        double count = (double) size() * plane;
        float[] mean = new float[channels];
        float[] std = new float[channels];
        for (int c = 0; c < channels; c++) {
            double m = sum[c] / count;
            double s = Math.sqrt(Math.max(0, sq[c] / count - m * m));
            mean[c] = (float) m;
            std[c] = s > 1e-12 ? (float) s : 1f;
        }
        return new Normalization(mean, std);
    }

    /**
     * A normalised copy: {@code (x - mean[c]) / std[c]}. Costs one more full copy of the pixels; a whole
     * dataset is better loaded through {@link DatasetSplits}, which normalises in place.
     */
    public ImageSet normalized(Normalization norm) {
        if (norm.channels() != channels) {
            throw new IllegalArgumentException(
                    "normalisation has " + norm.channels() + " channels, images have " + channels);
        }
        if (!space.isPixels()) {
            throw new IllegalStateException("'" + name + "' is already in space " + space + "; normalise pixels only");
        }
        if (bytes != null) {
            // Bytes stay bytes: the normalisation runs on every batch (no copy at all).
            return new ImageSet(
                    name + " (normalised)",
                    null,
                    bytes,
                    -(offset + 1),
                    labels,
                    channels,
                    height,
                    width,
                    classNames,
                    Preprocessing.of(norm));
        }
        float[] mean = norm.mean();
        float[] std = norm.std();
        float[] px = new float[size() * imageSize()];
        int plane = height * width;
        for (int i = 0; i < size(); i++) {
            for (int c = 0; c < channels; c++) {
                float m = mean[c];
                float inv = 1f / std[c];
                for (int p = (i * channels + c) * plane, end = p + plane; p < end; p++) {
                    px[p] = (pixels[offset + p] - m) * inv;
                }
            }
        }
        return new ImageSet(
                name + " (normalised)",
                px,
                null,
                0,
                labels,
                channels,
                height,
                width,
                classNames,
                Preprocessing.of(norm));
    }

    /** Smallest and largest pixel value, e.g. to check a set is still in [0,1]. */
    public float[] valueRange() {
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        if (bytes != null && !space.isPixels()) {
            float[] range = {lo, hi};
            forEachChunk((start, v) -> {
                for (float x : v) {
                    range[0] = Math.min(range[0], x);
                    range[1] = Math.max(range[1], x);
                }
            });
            return range;
        }
        for (int p = offset, end = offset + size() * imageSize(); p < end; p++) {
            lo = Math.min(lo, value(p));
            hi = Math.max(hi, value(p));
        }
        return new float[] {lo, hi};
    }

    @Override
    public String toString() {
        return name + ": " + size() + " images " + channels + "x" + height + "x" + width + ", " + numClasses()
                + " classes" + (space.isPixels() ? "" : ", " + space);
    }
}
