package org.ddlab.data;

import static org.ddlab.data.DataFormatException.number;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ddlab.distill.InvalidFileException;
import org.ddlab.distill.NpyArray;
import org.ddlab.distill.Npz;

/**
 * Reads your own images from a NumPy {@code .npz} ({@code np.savez(path, x_train=..., ...)}), the
 * {@code npz:PATH} data sets.
 *
 * <p><b>Arrays.</b> {@code x_train, y_train, x_test, y_test} (the Keras convention) or
 * {@code train_images, train_labels, test_images, test_labels}; optionally {@code class_names}, a
 * string array ({@code np.array(["cat", "dog"])}, dtype {@code <U…}). Without it the classes are
 * "0".."k-1", k = largest label of train and test + 1.
 *
 * <p><b>Images</b> are uint8 (0..255, scaled by 1/255) or float (taken as pixels in [0,1]; values
 * within 0.01 outside are rounding and are clamped, anything else, NaN or infinite is an error, as
 * it means the data was normalised or is 0..255 stored as float). Shapes:
 * <ul>
 *   <li>{@code (N, H, W)}: grey;</li>
 *   <li>{@code (N, C, H, W)} with C 1 or 3: channels first (PyTorch);</li>
 *   <li>{@code (N, H, W, C)} with C 1 or 3: channels last (Keras, TensorFlow), transposed here.</li>
 * </ul>
 * The layout is decided by which axis holds 1 or 3. When both do, e.g. {@code (N, 3, 32, 3)}, axis 1
 * wins and the images are read channels first (3 channels of 32x3), the layout this library uses;
 * an array of such a shape is better saved channels first, which is then read as meant.
 *
 * <p><b>Labels</b> are any integer dtype, shape {@code (N,)} or {@code (N, 1)}, each at least 0.
 * Train and test must have the same image shape.
 *
 * <p><b>Memory.</b> {@link Npz#read} holds every array of the file; uint8 images stay one byte per
 * pixel there. Each split's pixels are converted into one float array of the final size; float
 * images already channels first are checked and used in place, without a copy.
 */
public final class NpzImages {

    /** The optional array of class names. */
    public static final String CLASS_NAMES = "class_names";

    private static final List<List<String>> CONVENTIONS = List.of(
            List.of("x_train", "y_train", "x_test", "y_test"),
            List.of("train_images", "train_labels", "test_images", "test_labels"));
    private static final float TOLERANCE = 0.01f;
    private static final String PIXELS = "images must be pixels in [0,1] or uint8 0..255";

    private NpzImages() {}

    /**
     * Reads the train and test split of {@code npz}; the sets are named {@code name + " train"} and
     * {@code name + " test"}.
     *
     * @throws NoSuchFileException when the file is missing
     * @throws DataFormatException when the file is not an .npz, arrays are missing, have the wrong
     *                             shape or dtype, pixels are out of range, labels negative, or train
     *                             and test disagree; the message names the array (and index)
     */
    public static TrainTest read(Path npz, String name) throws IOException {
        Map<String, NpyArray> arrays;
        try {
            arrays = new HashMap<>(Npz.read(npz));
        } catch (InvalidFileException e) {
            String prefix = npz + ": ";
            String problem =
                    e.getMessage().startsWith(prefix) ? e.getMessage().substring(prefix.length()) : e.getMessage();
            throw new DataFormatException(npz, problem, e);
        }
        List<String> keys = convention(npz, arrays);
        String xTrain = keys.get(0);
        String yTrain = keys.get(1);
        String xTest = keys.get(2);
        String yTest = keys.get(3);

        Shape train = Shape.of(npz, xTrain, arrays.get(xTrain));
        Shape test = Shape.of(npz, xTest, arrays.get(xTest));
        if (train.c != test.c || train.h != test.h || train.w != test.w) {
            throw new DataFormatException(
                    npz,
                    "'" + xTrain + "' holds images of " + train.describe() + " but '" + xTest + "' holds "
                            + test.describe() + "; train and test images must have the same shape");
        }
        int[] trainLabels = labels(npz, yTrain, arrays.get(yTrain), xTrain, train.n);
        int[] testLabels = labels(npz, yTest, arrays.get(yTest), xTest, test.n);
        List<String> classes = classNames(npz, arrays.get(CLASS_NAMES), trainLabels, testLabels, yTrain, yTest);

        // Drop each source array once converted, so that only one split's source and floats coexist.
        float[] trainPixels = pixels(npz, xTrain, arrays.remove(xTrain), train);
        ImageSet trainSet =
                ImageSet.wrap(name + " train", trainPixels, trainLabels, train.c, train.h, train.w, classes);
        float[] testPixels = pixels(npz, xTest, arrays.remove(xTest), test);
        ImageSet testSet = ImageSet.wrap(name + " test", testPixels, testLabels, test.c, test.h, test.w, classes);
        return new TrainTest(trainSet, testSet);
    }

    /** The four array names the file uses, all present. */
    private static List<String> convention(Path npz, Map<String, NpyArray> arrays) throws DataFormatException {
        for (List<String> keys : CONVENTIONS) {
            if (keys.stream().anyMatch(arrays::containsKey)) {
                List<String> missing =
                        keys.stream().filter(k -> !arrays.containsKey(k)).toList();
                if (!missing.isEmpty()) {
                    throw new DataFormatException(
                            npz,
                            "has " + keys.stream().filter(arrays::containsKey).toList()
                                    + " but no " + missing + "; an npz data set needs all of " + keys
                                    + " (arrays found: "
                                    + sorted(arrays) + ")");
                }
                return keys;
            }
        }
        throw new DataFormatException(
                npz,
                "holds none of the expected arrays: " + CONVENTIONS.get(0) + " (Keras) or " + CONVENTIONS.get(1)
                        + ", plus optional '" + CLASS_NAMES + "'; arrays found: " + sorted(arrays));
    }

    /** The geometry of an image array: N images of C x H x W, stored channels last or not. */
    private record Shape(long[] dims, int n, int c, int h, int w, boolean channelsLast) {

        static Shape of(Path npz, String name, NpyArray a) throws DataFormatException {
            long[] d = a.shape();
            if (a.isString() || (!a.isFloat() && !a.isUnsignedBytes())) {
                throw new DataFormatException(
                        npz,
                        "image array '" + name + "' has dtype " + a.sourceDescr() + "; " + PIXELS
                                + " (float or uint8 dtype; e.g. save x.astype(np.uint8))");
            }
            Shape s = switch (d.length) {
                case 3 -> new Shape(d, (int) d[0], 1, (int) d[1], (int) d[2], false);
                case 4 ->
                    d[1] == 1 || d[1] == 3
                            ? new Shape(d, (int) d[0], (int) d[1], (int) d[2], (int) d[3], false)
                            : d[3] == 1 || d[3] == 3
                                    ? new Shape(d, (int) d[0], (int) d[3], (int) d[1], (int) d[2], true)
                                    : null;
                default -> null;
            };
            if (s == null) {
                throw new DataFormatException(
                        npz,
                        "image array '" + name + "' has shape " + tuple(d) + "; expected (N, H, W) "
                                + "for grey images, (N, C, H, W) or (N, H, W, C) with C = 1 or 3 channels");
            }
            if (s.n == 0 || s.h == 0 || s.w == 0) {
                throw new DataFormatException(
                        npz, "image array '" + name + "' has shape " + tuple(d) + " and holds no pixels");
            }
            return s;
        }

        String describe() {
            return c + "x" + h + "x" + w + " (shape " + tuple(dims)
                    + (dims.length == 4 ? channelsLast ? ", channels last" : ", channels first" : "") + ")";
        }
    }

    /** Labels of integer dtype, shape (N,) or (N, 1), each at least 0. */
    private static int[] labels(Path npz, String name, NpyArray a, String images, int n) throws DataFormatException {
        long[] d = a.shape();
        if (a.isFloat() || a.isString()) {
            throw new DataFormatException(
                    npz,
                    "label array '" + name + "' has dtype " + a.sourceDescr()
                            + "; labels must be integers (save y.astype(np.int64))");
        }
        boolean vector = (d.length == 1 && d[0] == n) || (d.length == 2 && d[0] == n && d[1] == 1);
        if (!vector) {
            throw new DataFormatException(
                    npz,
                    "label array '" + name + "' has shape " + tuple(d) + " but '" + images + "' holds " + number(n)
                            + " images; expected (" + n + ",) or (" + n + ", 1), one label per image");
        }
        byte[] small = a.isUnsignedBytes() ? a.unsignedBytes() : null;
        long[] values = small == null ? a.longs() : null;
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            long v = small != null ? small[i] & 0xFF : values[i];
            if (v < 0 || v > Integer.MAX_VALUE - 1) {
                throw new DataFormatException(
                        npz,
                        "label array '" + name + "' holds " + v + " at index " + i
                                + "; labels are class numbers 0, 1, 2, ...");
            }
            out[i] = (int) v;
        }
        return out;
    }

    private static List<String> classNames(
            Path npz, NpyArray names, int[] train, int[] test, String yTrain, String yTest) throws DataFormatException {
        int max = -1;
        String where = null;
        for (int[] labels : List.of(train, test)) {
            for (int y : labels) {
                if (y > max) {
                    max = y;
                    where = labels == train ? yTrain : yTest;
                }
            }
        }
        if (names == null) {
            List<String> out = new ArrayList<>(max + 1);
            for (int c = 0; c <= max; c++) {
                out.add(Integer.toString(c));
            }
            return out;
        }
        if (!names.isString() || names.dimension() != 1) {
            throw new DataFormatException(
                    npz,
                    "'" + CLASS_NAMES + "' has dtype " + names.sourceDescr() + " and shape " + tuple(names.shape())
                            + "; expected a 1-D string array, e.g. np.array([\"cat\", \"dog\"])");
        }
        List<String> out = List.of(names.strings());
        if (out.size() <= max) {
            throw new DataFormatException(
                    npz,
                    "'" + CLASS_NAMES + "' names " + out.size() + " classes but '" + where + "' holds label " + max
                            + "; one name per class 0.." + max + " is needed");
        }
        return out;
    }

    /** The pixels as [N,C,H,W] floats in [0,1]. */
    private static float[] pixels(Path npz, String name, NpyArray a, Shape s) throws DataFormatException {
        int plane = s.h * s.w;
        int image = s.c * plane;
        if (a.isUnsignedBytes()) {
            float[] scale = new float[256];
            for (int v = 0; v < 256; v++) {
                scale[v] = v / 255f;
            }
            byte[] src = a.unsignedBytes();
            float[] out = new float[Math.multiplyExact(s.n, image)];
            if (!s.channelsLast) {
                for (int i = 0; i < out.length; i++) {
                    out[i] = scale[src[i] & 0xFF];
                }
                return out;
            }
            for (int i = 0, k = 0; i < s.n; i++) {
                for (int p = 0; p < plane; p++) {
                    for (int c = 0; c < s.c; c++) {
                        out[i * image + c * plane + p] = scale[src[k++] & 0xFF];
                    }
                }
            }
            return out;
        }
        float[] src = a.floats();
        if (!s.channelsLast) {
            for (int i = 0; i < src.length; i++) {
                src[i] = checked(npz, name, s, src[i], i);
            }
            return src;
        }
        float[] out = new float[Math.multiplyExact(s.n, image)];
        for (int i = 0, k = 0; i < s.n; i++) {
            for (int p = 0; p < plane; p++) {
                for (int c = 0; c < s.c; c++, k++) {
                    out[i * image + c * plane + p] = checked(npz, name, s, src[k], k);
                }
            }
        }
        return out;
    }

    /** {@code v} clamped to [0,1] when within the tolerance, else an error naming the array, index and value. */
    private static float checked(Path npz, String name, Shape s, float v, int flat) throws DataFormatException {
        if (v >= 0f && v <= 1f) {
            return v;
        }
        if (v >= -TOLERANCE && v <= 1 + TOLERANCE) {
            return Math.min(1f, Math.max(0f, v));
        }
        String hint = Float.isNaN(v) || Float.isInfinite(v)
                ? ""
                : v > 1 && v <= 255
                        ? " (values above 1 look like 0..255 stored as float: divide by 255 or save as uint8)"
                        : v < 0
                                ? " (negative values look like normalised data: save the pixels before normalising)"
                                : "";
        throw new DataFormatException(
                npz,
                "image array '" + name + "' holds " + v + " at index " + index(s.dims, flat) + "; " + PIXELS + hint);
    }

    /** The multi-index of flat position {@code flat} in a C-order array of shape {@code dims}, as "[12, 3, 4, 1]". */
    private static String index(long[] dims, long flat) {
        long[] ix = new long[dims.length];
        for (int d = dims.length - 1; d >= 0; d--) {
            ix[d] = flat % dims[d];
            flat /= dims[d];
        }
        StringBuilder s = new StringBuilder("[");
        for (int d = 0; d < ix.length; d++) {
            s.append(d > 0 ? ", " : "").append(ix[d]);
        }
        return s.append(']').toString();
    }

    private static String tuple(long[] d) {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < d.length; i++) {
            s.append(i > 0 ? ", " : "").append(d[i]);
        }
        return s.append(d.length == 1 ? ",)" : ")").toString();
    }

    private static List<String> sorted(Map<String, NpyArray> arrays) {
        return arrays.keySet().stream().sorted().toList();
    }
}
