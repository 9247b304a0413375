package org.ddlab.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Fashion-MNIST (Xiao et al. 2017): 70 000 greyscale 28x28 pictures of clothing in 10 classes, 60 000
 * for training and 10 000 for testing. Read from local files only — the course runs offline — found
 * through {@code DDLAB_DATA} or the Debian package {@code dataset-fashion-mnist}.
 */
public final class FashionMnist {

    /** Environment variable naming a directory with the four files (directly or in fashion-mnist/). */
    public static final String ENV = "DDLAB_DATA";
    /** Where the Debian package {@code dataset-fashion-mnist} installs the files. */
    public static final Path SYSTEM_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /** Class names in label order 0..9. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private static final String INSTALL_HINT = "sudo apt-get install dataset-fashion-mnist";

    /** The two official splits; the file prefix is the one used by the original distribution. */
    public enum Split {
        TRAIN("train", 60_000), TEST("t10k", 10_000);

        private final String prefix;
        private final int expectedSize;

        Split(String prefix, int expectedSize) {
            this.prefix = prefix;
            this.expectedSize = expectedSize;
        }

        public String prefix() {
            return prefix;
        }

        /** Size of the official split, for sanity checks. */
        public int expectedSize() {
            return expectedSize;
        }
    }

    private FashionMnist() {
    }

    /** The 60 000 training images, pixels in [0,1]. About 190 MB of heap. */
    public static ImageSet train() {
        return load(locate(), Split.TRAIN);
    }

    /** The 10 000 test images, pixels in [0,1]. Use them only for the final evaluation. */
    public static ImageSet test() {
        return load(locate(), Split.TEST);
    }

    /** One split from {@code dir}, which holds {@code <prefix>-images-idx3-ubyte[.gz]} and labels. */
    public static ImageSet load(Path dir, Split split) {
        return IdxDataset.load(file(dir, split, "images-idx3"), file(dir, split, "labels-idx1"), CLASS_NAMES,
                "Fashion-MNIST " + split.name().toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * The directory with the data: {@code $DDLAB_DATA} (or its fashion-mnist/ sub-folder), else
     * {@code /usr/share/datasets/fashion-mnist} (the Debian package).
     *
     * @throws IllegalStateException saying where it looked and how to install the data
     */
    public static Path locate() {
        return locate(System.getenv(ENV), List.of(SYSTEM_DIR));
    }

    static Path locate(String env, List<Path> defaults) {
        List<Path> candidates = new ArrayList<>();
        if (env != null && !env.isBlank()) {
            Path base = Path.of(env.trim());
            candidates.add(base);
            candidates.add(base.resolve("fashion-mnist"));
        }
        candidates.addAll(defaults);
        for (Path dir : candidates) {
            if (isComplete(dir)) {
                return dir;
            }
        }
        StringBuilder msg = new StringBuilder("Fashion-MNIST not found. Looked in:");
        for (Path dir : candidates) {
            msg.append("\n  ").append(dir).append(describeMissing(dir));
        }
        if (env == null || env.isBlank()) {
            msg.append("\n  ($").append(ENV).append(" is not set)");
        }
        msg.append("\nInstall it with '").append(INSTALL_HINT).append("', or set ").append(ENV)
                .append(" to a directory holding train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, ")
                .append("t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz (plain or .gz, ")
                .append("directly or in a fashion-mnist/ sub-folder).");
        throw new IllegalStateException(msg.toString());
    }

    /**
     * One line for {@code ddlab info}: where the data is and how big each split is (read from the
     * label headers only, so this stays fast), or how to get it.
     */
    public static String describeLocation() {
        Path dir;
        try {
            dir = locate();
        } catch (IllegalStateException e) {
            return "not found — apt-get install dataset-fashion-mnist, or set " + ENV;
        }
        try {
            int train = IdxReader.readHeader(file(dir, Split.TRAIN, "labels-idx1")).count();
            int test = IdxReader.readHeader(file(dir, Split.TEST, "labels-idx1")).count();
            return dir + " (" + train + " train, " + test + " test)";
        } catch (IOException | RuntimeException e) {
            return dir + " (unreadable: " + e.getMessage() + ")";
        }
    }

    /** The file for a split and kind, preferring the .gz name, else the unpacked name. */
    static Path file(Path dir, Split split, String kind) {
        String base = split.prefix() + "-" + kind + "-ubyte";
        Path gz = dir.resolve(base + ".gz");
        return Files.isRegularFile(gz) || !Files.isRegularFile(dir.resolve(base)) ? gz : dir.resolve(base);
    }

    private static boolean isComplete(Path dir) {
        for (Split split : Split.values()) {
            for (String kind : List.of("images-idx3", "labels-idx1")) {
                if (!Files.isRegularFile(file(dir, split, kind))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static String describeMissing(Path dir) {
        if (!Files.isDirectory(dir)) {
            return " — no such directory";
        }
        List<String> missing = new ArrayList<>();
        for (Split split : Split.values()) {
            for (String kind : List.of("images-idx3", "labels-idx1")) {
                Path f = file(dir, split, kind);
                if (!Files.isRegularFile(f)) {
                    missing.add(f.getFileName().toString());
                }
            }
        }
        return " — missing " + String.join(", ", missing);
    }
}
