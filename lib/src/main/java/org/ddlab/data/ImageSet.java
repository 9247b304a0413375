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
 * <p><b>Storage.</b> The pixels live in one heap {@code float[]} (Fashion-MNIST train: 60 000 x 784
 * floats = 188 MB). A heap array rather than a direct buffer because: DJL copies any buffer that is
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
    private final float[] pixels;
    /** Index in {@link #pixels} of this set's first value: a view of a row range shares its parent's array. */
    private final int offset;
    private final int[] labels;
    private final Preprocessing space;
    private final List<String> classNames;
    private final int channels;
    private final int height;
    private final int width;
    private final int[][] byClass;

    private ImageSet(String name, float[] pixels, int offset, int[] labels, int channels, int height, int width,
                     List<String> classNames, Preprocessing space) {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("image shape must be positive, got C=" + channels + " H=" + height + " W=" + width);
        }
        long imageSize = (long) channels * height * width;
        boolean view = offset < 0; // rows(...) passes -(offset + 1): a view may cover part of its array
        offset = view ? -(offset + 1) : offset;
        if (offset + (long) labels.length * imageSize > pixels.length || (!view && (long) labels.length * imageSize != pixels.length)) {
            throw new IllegalArgumentException(labels.length + " labels need " + labels.length + " x " + channels + "x"
                    + height + "x" + width + " = " + labels.length * imageSize + " pixel values, got " + pixels.length);
        }
        if (classNames.isEmpty()) {
            throw new IllegalArgumentException("need at least one class name");
        }
        int[] counts = new int[classNames.size()];
        for (int i = 0; i < labels.length; i++) {
            int y = labels[i];
            if (y < 0 || y >= counts.length) {
                throw new IllegalArgumentException("label " + y + " of image " + i + " is outside 0.." + (counts.length - 1)
                        + " (" + counts.length + " class names given)");
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
            throw new IllegalArgumentException("preprocessing " + space + " is for " + space.channels() + " channels, images have " + channels);
        }
        this.name = name == null ? "images" : name;
        this.pixels = pixels;
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
    public static ImageSet of(String name, float[] pixels, int[] labels, int channels, int height, int width, List<String> classNames) {
        return new ImageSet(name, pixels.clone(), 0, labels.clone(), channels, height, width, classNames, Preprocessing.PIXELS);
    }

    /**
     * As {@link #of(String, float[], int[], int, int, int, List)}, for images already in {@code space}
     * (e.g. normalised, or ZCA-whitened), so that whatever consumes them knows and can check it.
     */
    public static ImageSet of(String name, float[] pixels, int[] labels, int channels, int height, int width, List<String> classNames,
                              Preprocessing space) {
        return new ImageSet(name, pixels.clone(), 0, labels.clone(), channels, height, width, classNames, space);
    }

    /** Takes ownership of the arrays without copying; for loaders in this package that built them. */
    static ImageSet wrap(String name, float[] pixels, int[] labels, int channels, int height, int width, List<String> classNames) {
        return new ImageSet(name, pixels, 0, labels, channels, height, width, classNames, Preprocessing.PIXELS);
    }

    /** This set under another name, sharing the arrays (no set ever modifies them); for loaders in this package. */
    ImageSet named(String newName) {
        return new ImageSet(newName, pixels, -(offset + 1), labels, channels, height, width, classNames, space);
    }

    /** Rows {@code first … first + count − 1} of {@code owner} as a set that shares its array (no copy). */
    static ImageSet rows(ImageSet owner, int first, int[] labels, String name, Preprocessing space) {
        return new ImageSet(name, owner.pixels, -(owner.offset + first * owner.imageSize() + 1), labels, owner.channels, owner.height,
                owner.width, owner.classNames, space);
    }

    /** The array behind this set, for the in-place steps of {@link DatasetSplits} on a set nothing else holds. */
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
    public static ImageSet fromNDArray(String name, NDArray images, NDArray labels, List<String> classNames, Preprocessing space) {
        Shape s = images.getShape();
        if (s.dimension() != 4) {
            throw new IllegalArgumentException("images must be [N,C,H,W], got " + s);
        }
        if (labels.getShape().dimension() != 1 || labels.getShape().get(0) != s.get(0)) {
            throw new IllegalArgumentException("labels must be [N] with N=" + s.get(0) + ", got " + labels.getShape());
        }
        float[] px = images.getDataType() == DataType.FLOAT32 ? images.toFloatArray() : toFloat32(images);
        int[] y = labels.getDataType() == DataType.INT32 ? labels.toIntArray() : toInt32(labels);
        return new ImageSet(name, px, 0, y, (int) s.get(1), (int) s.get(2), (int) s.get(3), classNames, space);
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
        int[] out = new int[Arrays.stream(byClass).mapToInt(ix -> Math.min(n, ix.length)).sum()];
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
        return Arrays.copyOfRange(pixels, offset + i * n, offset + (i + 1) * n);
    }

    /** Pixel (c, y, x) of image i, for spot checks; loops should use {@link #pixels()}. */
    public float pixel(int i, int c, int y, int x) {
        Objects.checkIndex(i, size());
        Objects.checkIndex(c, channels);
        Objects.checkIndex(y, height);
        Objects.checkIndex(x, width);
        return pixels[offset + ((i * channels + c) * height + y) * width + x];
    }

    /** A read-only view of all pixels, [N,C,H,W] row-major, without copying. */
    public FloatBuffer pixels() {
        return FloatBuffer.wrap(pixels, offset, size() * imageSize()).slice().asReadOnlyBuffer();
    }

    /** A new set with only the images at {@code idx}, in that order (repeats allowed); copies just those rows. */
    public ImageSet subset(int[] idx) {
        return subset(idx, name + " [" + idx.length + "]");
    }

    /** As {@link #subset(int[])}, with a name for the result. */
    public ImageSet subset(int[] idx, String subsetName) {
        int n = imageSize();
        float[] px = new float[Math.multiplyExact(idx.length, n)];
        int[] y = new int[idx.length];
        for (int k = 0; k < idx.length; k++) {
            int i = Objects.checkIndex(idx[k], size());
            System.arraycopy(pixels, offset + i * n, px, k * n, n);
            y[k] = labels[i];
        }
        return new ImageSet(subsetName, px, 0, y, channels, height, width, classNames, space);
    }

    /** The whole set as one float32 [N,C,H,W] tensor. For big sets prefer batches via {@link #images(NDManager, int[])}. */
    public NDArray toNDArray(NDManager manager) {
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
        return TensorStaging.floats(manager, new Shape(idx.length, channels, height, width), view -> {
            for (int i : idx) {
                view.put(pixels, offset + i * n, n);
            }
        });
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
        int plane = height * width;
        float[] mean = new float[channels];
        float[] std = new float[channels];
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            for (int i = 0; i < size(); i++) {
                for (int p = offset + (i * channels + c) * plane, end = p + plane; p < end; p++) {
                    sum += pixels[p];
                }
            }
            double m = sum / ((double) size() * plane);
            // Second pass on deviations: sum(x^2) - n*m^2 loses digits when std is small next to mean.
            double sq = 0;
            for (int i = 0; i < size(); i++) {
                for (int p = offset + (i * channels + c) * plane, end = p + plane; p < end; p++) {
                    double d = pixels[p] - m;
                    sq += d * d;
                }
            }
            mean[c] = (float) m;
            double s = Math.sqrt(sq / ((double) size() * plane));
            std[c] = s > 1e-12 ? (float) s : 1f; // a constant channel (a blank plane of RGB files) is only centred
        }
        return new Normalization(mean, std);
    }

    /**
     * A normalised copy: {@code (x - mean[c]) / std[c]}. Costs one more full copy of the pixels; a whole
     * dataset is better loaded through {@link DatasetSplits}, which normalises in place.
     */
    public ImageSet normalized(Normalization norm) {
        if (norm.channels() != channels) {
            throw new IllegalArgumentException("normalisation has " + norm.channels() + " channels, images have " + channels);
        }
        if (!space.isPixels()) {
            throw new IllegalStateException("'" + name + "' is already in space " + space + "; normalise pixels only");
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
        return new ImageSet(name + " (normalised)", px, 0, labels, channels, height, width, classNames, Preprocessing.of(norm));
    }

    /** Smallest and largest pixel value, e.g. to check a set is still in [0,1]. */
    public float[] valueRange() {
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (int p = offset, end = offset + size() * imageSize(); p < end; p++) {
            lo = Math.min(lo, pixels[p]);
            hi = Math.max(hi, pixels[p]);
        }
        return new float[] {lo, hi};
    }

    @Override
    public String toString() {
        return name + ": " + size() + " images " + channels + "x" + height + "x" + width + ", " + numClasses() + " classes"
                + (space.isPixels() ? "" : ", " + space);
    }
}
