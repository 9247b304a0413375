package org.ddlab.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.reflect.TypeToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Saves and loads a {@link SyntheticSet} as a NumPy {@code .npz} plus a JSON sidecar, so a set
 * distilled here opens in Python with {@code np.load} and a set made in Python loads here:
 *
 * <ul>
 *   <li>{@code name.npz}: {@code images.npy} float32 [N,C,H,W] in pixel space, {@code labels.npy}
 *       int64 [N], when present {@code soft_labels.npy} float32 [N,K], and for a set that trains
 *       ZCA-whitened the whitening's {@code zca_mean.npy} [D] and {@code zca_matrix.npy} [D,D];</li>
 *   <li>{@code name.json}: {@link Metadata} — method, ipc, dataset, classes, seed, steps, created,
 *       ddlab version, image shape, extra, and the preprocessing that takes the pixels into the space
 *       the set trains in (with its recipe in words), so NumPy and PyTorch users reproduce it exactly.</li>
 * </ul>
 *
 * Both files are written atomically: everything is serialised first, each file is written to a
 * temporary sibling, then both are renamed into place. A failed save leaves the previous files as
 * they were. (Between the two renames there is a window of microseconds in which a crash would leave
 * the new arrays with the old sidecar; {@link #load} then reports the mismatch if it matters.)
 */
public final class SyntheticSetFile {

    public static final String IMAGES = "images";
    public static final String LABELS = "labels";
    public static final String SOFT_LABELS = "soft_labels";
    static final String FORMAT = "ddlab.synthetic-set";
    static final int FORMAT_VERSION = 1;

    private static final Gson GSON =
            new GsonBuilder().setPrettyPrinting().serializeNulls().create();

    private SyntheticSetFile() {}

    /** A loaded set (pixels, with its recorded preprocessing) and its sidecar (empty when there was none). Closing closes the set. */
    public record Loaded(SyntheticSet set, Optional<Metadata> metadata) implements AutoCloseable {
        @Override
        public void close() {
            set.close();
        }

        /** The dataset the sidecar names, if any. */
        public Optional<String> dataset() {
            return metadata.map(Metadata::dataset);
        }

        /**
         * The set as a training set in the space of {@code data} ({@link SyntheticSet#trainingSet}), after
         * checking it was made on that dataset.
         *
         * @throws IllegalArgumentException when it was made on another dataset, or does not fit
         */
        public org.ddlab.train.LabeledSet trainingSet(org.ddlab.data.DatasetSplits data, Path file, String name) {
            String made = dataset().orElse(null);
            if (made != null && !made.equals(data.dataset().name())) {
                throw new IllegalArgumentException(file + " was made on dataset '" + made + "', not on '"
                        + data.dataset().name() + "'; evaluate it with --dataset " + made);
            }
            requireFinite(set.images(), file);
            if (metadata.isEmpty()) {
                try (SyntheticSet named = asClassesOf(data, file)) {
                    return named.trainingSet(data, name);
                }
            }
            try {
                return set.trainingSet(data, name);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
        }

        /**
         * A set saved without its sidecar (plain {@code images} and {@code labels}, as NumPy or PyTorch write them) is
         * pixels of the data's classes, in the data's order: checked for the data's image shape and class count, it takes
         * the data's class names. Each misfit gets its own message.
         */
        private SyntheticSet asClassesOf(org.ddlab.data.DatasetSplits data, Path file) {
            org.ddlab.data.ImageSet real = data.train();
            String title = data.dataset().title();
            ai.djl.ndarray.types.Shape want = real.shape().slice(1);
            if (!set.imageShape().equals(want)) {
                throw new IllegalArgumentException(file + ": images are " + set.imageShape() + " but " + title
                        + "'s are " + want + "; resize them, or evaluate with the --dataset they come from");
            }
            int k = real.numClasses();
            int[] labels = set.labels();
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] >= k) {
                    throw new IllegalArgumentException(file + ": label " + labels[i] + " of image " + i
                            + " is out of range: " + title + " has " + k + " classes, labels 0 to " + (k - 1));
                }
            }
            Optional<NDArray> soft = set.softLabels();
            if (soft.isPresent() && soft.get().getShape().get(1) != k) {
                throw new IllegalArgumentException(file + ": 'soft_labels' has "
                        + soft.get().getShape().get(1) + " columns but " + title + " has " + k + " classes");
            }
            return SyntheticSet.of(
                    set.images().duplicate(),
                    labels,
                    soft.map(NDArray::duplicate).orElse(null),
                    real.classNames());
        }
    }

    /** NaN or infinite pixels would train to a NaN loss many epochs later; they are refused up front, with where. */
    private static void requireFinite(NDArray images, Path file) {
        float[] x = images.toFloatArray();
        long perImage = images.getShape().size() / Math.max(1, images.getShape().get(0));
        for (int i = 0; i < x.length; i++) {
            if (!Float.isFinite(x[i])) {
                throw new IllegalArgumentException(file + ": image " + (i / perImage) + " holds " + x[i]
                        + "; a set's pixels must be finite numbers (re-export it, or drop that image)");
            }
        }
    }

    /** The sidecar of {@code foo.npz}: {@code foo.json} in the same directory. */
    public static Path sidecarOf(Path npz) {
        String name = npz.getFileName().toString();
        String base = name.endsWith(".npz") ? name.substring(0, name.length() - 4) : name;
        return npz.resolveSibling(base + ".json");
    }

    /**
     * Writes {@code set} to {@code npz} and its sidecar, atomically.
     *
     * @param meta the caller's facts (method, dataset, seed, steps, extra); may be null. Class
     *             names, ipc, image shape, time and version are taken from the set.
     * @return the metadata as written
     */
    public static Metadata save(SyntheticSet set, Path npz, Metadata meta) throws IOException {
        if (!npz.getFileName().toString().endsWith(".npz")) {
            throw new IllegalArgumentException("a synthetic set is saved as '<name>.npz'; got " + npz);
        }
        // Serialise everything before touching the disk: a failure here changes no file.
        Map<String, NpyArray> arrays;
        if (set.isPreprocessed()) {
            try (SyntheticSet pixels = set.exportPixels()) {
                arrays = arrays(pixels);
            }
        } else {
            arrays = arrays(set);
        }
        Metadata written = (meta == null ? Metadata.of(null, null, null, null) : meta).describing(set);
        byte[] json = toJson(written, set).getBytes(StandardCharsets.UTF_8);

        Path npzTemp = AtomicFiles.prepare(npz, out -> Npz.writeTo(out, arrays));
        Path jsonTemp;
        try {
            jsonTemp = AtomicFiles.prepare(sidecarOf(npz), out -> out.write(json));
        } catch (IOException | RuntimeException e) {
            AtomicFiles.abandon(npzTemp);
            throw e;
        }
        try {
            AtomicFiles.commit(npzTemp, npz);
        } catch (IOException | RuntimeException e) {
            AtomicFiles.abandon(jsonTemp);
            throw e;
        }
        AtomicFiles.commit(jsonTemp, sidecarOf(npz));
        return written;
    }

    private static Map<String, NpyArray> arrays(SyntheticSet set) {
        Map<String, NpyArray> a = new LinkedHashMap<>();
        a.put(
                IMAGES,
                NpyArray.ofFloats(floats(set.images()), set.images().getShape().getShape()));
        a.put(LABELS, NpyArray.ofInts(set.labels(), set.size()));
        set.softLabels()
                .ifPresent(s -> a.put(
                        SOFT_LABELS, NpyArray.ofFloats(floats(s), s.getShape().getShape())));
        org.ddlab.data.Zca zca =
                set.preprocessing().map(org.ddlab.data.Preprocessing::zca).orElse(null);
        if (zca != null) {
            a.put(org.ddlab.data.Preprocessing.ZCA_MEAN, NpyArray.ofFloats(zca.mean(), new long[] {zca.dimension()}));
            a.put(
                    org.ddlab.data.Preprocessing.ZCA_MATRIX,
                    NpyArray.ofFloats(zca.matrix(), new long[] {zca.dimension(), zca.dimension()}));
        }
        return a;
    }

    /** Values of a possibly gradient-recording array, without touching its graph. */
    private static float[] floats(NDArray a) {
        if (!a.hasGradient()) {
            return a.toFloatArray();
        }
        try (NDArray d = a.stopGradient()) {
            return d.toFloatArray();
        }
    }

    private static String toJson(Metadata m, SyntheticSet set) {
        JsonObject o = new JsonObject();
        o.addProperty("format", FORMAT);
        o.addProperty("format_version", FORMAT_VERSION);
        o.addProperty("method", m.method());
        o.addProperty("dataset", m.dataset());
        o.addProperty("ipc", m.ipc());
        o.add("classes", GSON.toJsonTree(m.classes()));
        o.addProperty("num_images", set.size());
        o.add("image_shape", GSON.toJsonTree(m.imageShape()));
        o.addProperty("soft_labels", set.softLabels().isPresent());
        o.addProperty("seed", m.seed());
        o.addProperty("steps", m.steps());
        o.addProperty("created", m.created());
        o.addProperty("ddlab_version", m.ddlabVersion());
        o.add("preprocessing", GSON.toJsonTree(m.preprocessing()));
        o.add("extra", GSON.toJsonTree(m.extra()));
        return GSON.toJson(o) + "\n";
    }

    /** Reads a sidecar. */
    public static Metadata readMetadata(Path json) throws IOException {
        if (!Files.exists(json)) {
            throw new NoSuchFileException(json.toString(), null, "no such metadata sidecar");
        }
        try {
            JsonObject o = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
            List<String> classes = null;
            if (has(o, "classes")) {
                classes = new ArrayList<>();
                for (JsonElement e : o.getAsJsonArray("classes")) {
                    classes.add(e.getAsString());
                }
            }
            long[] shape = null;
            if (has(o, "image_shape")) {
                JsonArray a = o.getAsJsonArray("image_shape");
                shape = new long[a.size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = a.get(i).getAsLong();
                }
            }
            Map<String, Object> extra = has(o, "extra")
                    ? GSON.fromJson(o.get("extra"), new TypeToken<LinkedHashMap<String, Object>>() {}.getType())
                    : Map.of();
            Map<String, Object> preprocessing = has(o, "preprocessing")
                    ? GSON.fromJson(o.get("preprocessing"), new TypeToken<LinkedHashMap<String, Object>>() {}.getType())
                    : null;
            return new Metadata(
                    str(o, "method"),
                    str(o, "dataset"),
                    has(o, "ipc") ? o.get("ipc").getAsInt() : null,
                    classes,
                    has(o, "seed") ? o.get("seed").getAsLong() : null,
                    has(o, "steps") ? o.get("steps").getAsLong() : null,
                    str(o, "created"),
                    str(o, "ddlab_version"),
                    shape,
                    extra,
                    preprocessing);
        } catch (JsonParseException
                | IllegalStateException
                | UnsupportedOperationException
                | NumberFormatException
                | ClassCastException e) {
            throw new InvalidFileException(
                    json,
                    "is not a valid synthetic-set sidecar (" + e.getMessage()
                            + "); fix or delete it (the .npz loads without it)",
                    e);
        }
    }

    private static boolean has(JsonObject o, String key) {
        return o.has(key) && !o.get(key).isJsonNull();
    }

    private static String str(JsonObject o, String key) {
        return has(o, key) ? o.get(key).getAsString() : null;
    }

    /** Loads {@code npz}; a missing sidecar is allowed (metadata empty, classes named "0", "1", ...). */
    public static Loaded load(NDManager manager, Path npz) throws IOException {
        return load(manager, npz, false);
    }

    /**
     * Loads {@code npz} and checks it: the arrays against each other, then against the sidecar.
     *
     * @param requireSidecar when true a missing {@code name.json} is an error
     * @throws NoSuchFileException  the .npz (or a required sidecar) does not exist
     * @throws InvalidFileException anything else wrong; the message names the file and the problem
     */
    public static Loaded load(NDManager manager, Path npz, boolean requireSidecar) throws IOException {
        Map<String, NpyArray> arrays = Npz.read(npz);
        NpyArray images = require(arrays, IMAGES, npz);
        NpyArray labels = require(arrays, LABELS, npz);
        NpyArray soft = arrays.get(SOFT_LABELS);

        long[] is = images.shape();
        if (is.length != 4 || !images.isFloat()) {
            throw new InvalidFileException(
                    npz,
                    "array 'images' must be float [N,C,H,W], got " + images.sourceDescr() + " " + Npy.tupleString(is));
        }
        if (labels.dimension() != 1 || labels.isFloat()) {
            throw new InvalidFileException(
                    npz,
                    "array 'labels' must be integer [N], got " + labels.sourceDescr() + " "
                            + Npy.tupleString(labels.shape()));
        }
        if (labels.size() != is[0]) {
            throw new InvalidFileException(npz, "has " + is[0] + " images but " + labels.size() + " labels");
        }
        int[] hard;
        try {
            hard = labels.ints();
        } catch (ArithmeticException e) {
            throw new InvalidFileException(npz, "array 'labels' has values too large to be class indices", e);
        }
        if (soft != null) {
            long[] ss = soft.shape();
            if (ss.length != 2 || ss[0] != is[0] || !soft.isFloat()) {
                throw new InvalidFileException(
                        npz,
                        "array 'soft_labels' must be float [" + is[0] + ", classes], got " + soft.sourceDescr() + " "
                                + Npy.tupleString(ss));
            }
        }

        Path sidecar = sidecarOf(npz);
        Metadata meta = null;
        if (Files.exists(sidecar)) {
            meta = readMetadata(sidecar);
        } else if (requireSidecar) {
            throw new NoSuchFileException(
                    sidecar.toString(), null, "metadata sidecar of " + npz.getFileName() + " is missing");
        }

        int maxLabel = Arrays.stream(hard).max().orElse(-1);
        if (Arrays.stream(hard).anyMatch(l -> l < 0)) {
            throw new InvalidFileException(npz, "array 'labels' has negative values; labels are class indices");
        }
        List<String> classNames;
        if (meta != null && meta.classes() != null) {
            classNames = meta.classes();
            checkSidecar(meta, sidecar, npz, is, hard.length, maxLabel, soft);
        } else {
            int k = soft != null ? (int) soft.shape()[1] : maxLabel + 1;
            if (k <= maxLabel) {
                throw new InvalidFileException(
                        npz, "label " + maxLabel + " does not fit the " + k + " soft-label columns");
            }
            classNames = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                classNames.add(String.valueOf(i));
            }
        }

        org.ddlab.data.Preprocessing preprocessing = null;
        if (meta != null && meta.preprocessing() != null) {
            try {
                preprocessing = org.ddlab.data.Preprocessing.fromDescription(
                        meta.preprocessing(),
                        floatsOrNull(arrays, org.ddlab.data.Preprocessing.ZCA_MEAN),
                        floatsOrNull(arrays, org.ddlab.data.Preprocessing.ZCA_MATRIX),
                        manager);
            } catch (RuntimeException e) {
                throw new InvalidFileException(
                        sidecar, "has a preprocessing that cannot be read (" + e.getMessage() + ")", e);
            }
        }
        NDArray img = null;
        NDArray sl = null;
        try {
            img = images.toNDArray(manager);
            sl = soft == null ? null : soft.toNDArray(manager);
            return new Loaded(
                    SyntheticSet.of(img, hard, sl, classNames, preprocessing, false), Optional.ofNullable(meta));
        } catch (RuntimeException e) {
            if (img != null) {
                img.close();
            }
            if (sl != null) {
                sl.close();
            }
            throw new InvalidFileException(npz, e.getMessage(), e);
        }
    }

    private static void checkSidecar(
            Metadata meta, Path sidecar, Path npz, long[] is, int n, int maxLabel, NpyArray soft)
            throws InvalidFileException {
        int k = meta.classes().size();
        String which = " — " + sidecar.getFileName() + " does not describe " + npz.getFileName()
                + " (saved separately?); re-save both or delete the sidecar";
        if (maxLabel >= k) {
            throw new InvalidFileException(
                    sidecar, "lists " + k + " classes but the labels go up to " + maxLabel + which);
        }
        if (soft != null && soft.shape()[1] != k) {
            throw new InvalidFileException(
                    sidecar, "lists " + k + " classes but 'soft_labels' has " + soft.shape()[1] + " columns" + which);
        }
        if (meta.ipc() != null && meta.ipc() >= 0 && (long) meta.ipc() * k != n) {
            throw new InvalidFileException(
                    sidecar,
                    "says ipc " + meta.ipc() + " × " + k + " classes = " + (long) meta.ipc() * k
                            + " images, but the file has " + n + which);
        }
        long[] want = {is[1], is[2], is[3]};
        if (meta.imageShape() != null && !Arrays.equals(meta.imageShape(), want)) {
            throw new InvalidFileException(
                    sidecar,
                    "says image shape " + Arrays.toString(meta.imageShape()) + " but the images are "
                            + Arrays.toString(want) + which);
        }
    }

    private static float[] floatsOrNull(Map<String, NpyArray> arrays, String name) {
        NpyArray a = arrays.get(name);
        return a == null ? null : a.floats();
    }

    private static NpyArray require(Map<String, NpyArray> arrays, String name, Path npz) throws InvalidFileException {
        NpyArray a = arrays.get(name);
        if (a == null) {
            throw new InvalidFileException(
                    npz,
                    "has no array '" + name + "' (it has " + arrays.keySet()
                            + "); a synthetic set needs 'images' [N,C,H,W] and 'labels' [N]");
        }
        return a;
    }
}
