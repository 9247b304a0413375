package org.ddlab.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads your own images: a folder with one sub-folder per class, as torchvision's ImageFolder.
 *
 * <pre>
 * root/cat/001.png
 * root/cat/002.jpg
 * root/dog/a.bmp
 * </pre>
 *
 * <pre>{@code
 * ImageSet pets = ImageFolder.at(Path.of("pets")).size(32, 32).rgb().load();
 * ImageFolder.Loaded r = ImageFolder.at(dir).size(28, 28).grey().limitPerClass(100).loadWithReport();
 * r.skipped().forEach(System.out::println);
 * }</pre>
 *
 * <ul>
 *   <li>Classes are the non-hidden sub-folders of root, sorted by name; label i = i-th name.</li>
 *   <li>Images are the non-hidden files below a class folder (sub-folders included, as
 *       torchvision) with an accepted extension (case-insensitive; default png, jpg, jpeg, bmp, gif,
 *       tif, tiff), in sorted relative-path order (plain string order: "10.png" before "9.png").
 *       Other files are ignored.</li>
 *   <li>Each is decoded (Commons Imaging, javax.imageio as fallback: see {@link ImageDecoder}),
 *       converted to grey (0.299 R + 0.587 G + 0.114 B) or RGB with alpha dropped, resized to
 *       height x width (area averaging when shrinking, bilinear when enlarging; aspect ratio not
 *       kept) and scaled to [0,1]. Multi-frame GIF/TIFF: the first frame.</li>
 *   <li>Unreadable files: {@link Policy#FAIL} (default) throws {@link UnreadableImageException};
 *       {@link Policy#SKIP} logs a warning and lists them in {@link Loaded#skipped()}.</li>
 *   <li>Decoding runs in parallel (common fork-join pool) unless {@link #parallel(boolean)} is
 *       off; results are placed by index, so the set is the same either way.</li>
 * </ul>
 *
 * <p>Instances are immutable: each option returns a new loader.
 */
public final class ImageFolder {

    private static final Logger LOG = LoggerFactory.getLogger(ImageFolder.class);

    /** Extensions read by default (lower case, without the dot). */
    public static final Set<String> DEFAULT_EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif", "tif", "tiff");

    private static final String LAYOUT = "root/<class>/<image>.png";

    /** What to do with a file that no decoder can read. */
    public enum Policy {
        /** Leave it out, log a warning, and report it in {@link Loaded#skipped()}. */
        SKIP,
        /** Throw {@link UnreadableImageException} naming the file. */
        FAIL
    }

    /** A file left out, and why (the decoders' messages). */
    public record Problem(Path file, String reason) {
        public Problem {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String toString() {
            return file + ": " + reason;
        }
    }

    /** The loaded set plus the files that were skipped (empty unless {@link Policy#SKIP}). */
    public record Loaded(ImageSet set, List<Problem> skipped) {
        public Loaded {
            Objects.requireNonNull(set, "set");
            skipped = List.copyOf(skipped);
        }
    }

    private final Path root;
    private final int height;
    private final int width;
    private final int channels;
    private final Policy policy;
    private final Set<String> extensions;
    private final int limitPerClass;
    private final boolean parallel;

    private ImageFolder(
            Path root,
            int height,
            int width,
            int channels,
            Policy policy,
            Set<String> extensions,
            int limitPerClass,
            boolean parallel) {
        this.root = root;
        this.height = height;
        this.width = width;
        this.channels = channels;
        this.policy = policy;
        this.extensions = extensions;
        this.limitPerClass = limitPerClass;
        this.parallel = parallel;
    }

    /** A loader for {@code root}; RGB, unreadable files fail, all images. Choose a size with {@link #size}. */
    public static ImageFolder at(Path root) {
        Objects.requireNonNull(root, "root");
        return new ImageFolder(root, 0, 0, 3, Policy.FAIL, DEFAULT_EXTENSIONS, Integer.MAX_VALUE, true);
    }

    /** Every image is resized to {@code height x width} (required). */
    public ImageFolder size(int height, int width) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("size must be positive, got " + height + "x" + width);
        }
        return new ImageFolder(root, height, width, channels, policy, extensions, limitPerClass, parallel);
    }

    /** One channel: luminance 0.299 R + 0.587 G + 0.114 B. */
    public ImageFolder grey() {
        return new ImageFolder(root, height, width, 1, policy, extensions, limitPerClass, parallel);
    }

    /** Three channels R, G, B (the default); grey images get three equal channels. */
    public ImageFolder rgb() {
        return new ImageFolder(root, height, width, 3, policy, extensions, limitPerClass, parallel);
    }

    /** What to do with files no decoder can read; default {@link Policy#FAIL}. */
    public ImageFolder onUnreadable(Policy policy) {
        Objects.requireNonNull(policy, "policy");
        return new ImageFolder(root, height, width, channels, policy, extensions, limitPerClass, parallel);
    }

    /** The file extensions to read, e.g. {@code "png", ".JPG"} (case and leading dot ignored); replaces the default. */
    public ImageFolder extensions(String... extensions) {
        return extensions(Arrays.asList(extensions));
    }

    /** As {@link #extensions(String...)}. */
    public ImageFolder extensions(Collection<String> extensions) {
        Set<String> set = new LinkedHashSet<>();
        for (String e : extensions) {
            String x = e.strip().toLowerCase(Locale.ROOT);
            x = x.startsWith(".") ? x.substring(1) : x;
            if (x.isEmpty()) {
                throw new IllegalArgumentException("empty extension in " + extensions);
            }
            set.add(x);
        }
        if (set.isEmpty()) {
            throw new IllegalArgumentException("need at least one extension");
        }
        return new ImageFolder(root, height, width, channels, policy, Set.copyOf(set), limitPerClass, parallel);
    }

    /**
     * At most {@code n} images per class: the first n readable ones in sorted order (with
     * {@link Policy#SKIP}, an unreadable file is replaced by the next one).
     */
    public ImageFolder limitPerClass(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("limitPerClass must be positive, got " + n);
        }
        return new ImageFolder(root, height, width, channels, policy, extensions, n, parallel);
    }

    /** Decode on several cores (default true). The result does not depend on it. */
    public ImageFolder parallel(boolean parallel) {
        return new ImageFolder(root, height, width, channels, policy, extensions, limitPerClass, parallel);
    }

    /**
     * Loads the folder; the set is named after it. Skipped files (with {@link Policy#SKIP}) are
     * logged; use {@link #loadWithReport()} to get them as a list.
     *
     * @throws IllegalArgumentException if the folder is missing, has no class sub-folders, or a class has no images
     * @throws UnreadableImageException with {@link Policy#FAIL}, for the first unreadable file in sorted order
     * @throws UncheckedIOException if a folder cannot be listed
     */
    public ImageSet load() {
        return loadWithReport().set();
    }

    /** As {@link #load()}, also returning the files that were skipped and why. */
    public Loaded loadWithReport() {
        if (height == 0) {
            throw new IllegalStateException("choose the image size first: ImageFolder.at(dir).size(height, width)");
        }
        Path dir = root.toAbsolutePath().normalize();
        List<Path> classDirs = classFolders(dir);
        List<String> classNames = new ArrayList<>();
        List<float[]> images = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<Problem> skipped = new ArrayList<>();
        for (int label = 0; label < classDirs.size(); label++) {
            Path classDir = classDirs.get(label);
            classNames.add(classDir.getFileName().toString());
            List<Path> files = imageFiles(classDir);
            if (files.isEmpty()) {
                throw new IllegalArgumentException(
                        "class folder " + classDir + " has no images (looked for files ending in "
                                + sortedExtensions()
                                + "; hidden files ignored). Remove the folder or add images; expected layout "
                                + LAYOUT);
            }
            List<Problem> classSkipped = new ArrayList<>();
            List<float[]> loaded = loadClass(files, classSkipped);
            if (loaded.isEmpty()) {
                throw new IllegalArgumentException("class folder " + classDir + " has no readable images: all "
                        + classSkipped.size() + " failed to decode, e.g. " + classSkipped.get(0));
            }
            skipped.addAll(classSkipped);
            for (float[] img : loaded) {
                images.add(img);
                labels.add(label);
            }
        }
        int size = channels * height * width;
        float[] pixels = new float[Math.multiplyExact(images.size(), size)];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(images.get(i), 0, pixels, i * size, size);
        }
        int[] y = labels.stream().mapToInt(Integer::intValue).toArray();
        Path name = dir.getFileName();
        ImageSet set = ImageSet.wrap(
                name == null ? dir.toString() : name.toString(), pixels, y, channels, height, width, classNames);
        if (!skipped.isEmpty()) {
            LOG.warn("{}: loaded {} images, skipped {} unreadable file(s)", dir, set.size(), skipped.size());
        }
        return new Loaded(set, skipped);
    }

    /** Decodes {@code files} in order until {@code limitPerClass} succeed; failures go to {@code skipped} or throw. */
    private List<float[]> loadClass(List<Path> files, List<Problem> skipped) {
        List<float[]> out = new ArrayList<>();
        int next = 0;
        while (out.size() < limitPerClass && next < files.size()) {
            int want = (int) Math.min((long) limitPerClass - out.size(), files.size() - next);
            List<Path> batch = files.subList(next, next + want);
            next += want;
            Object[] results = new Object[batch.size()];
            IntStream range = IntStream.range(0, batch.size());
            (parallel ? range.parallel() : range).forEach(i -> results[i] = decode(batch.get(i)));
            for (Object r : results) {
                if (r instanceof float[] img) {
                    out.add(img);
                } else {
                    Problem p = (Problem) r;
                    if (policy == Policy.FAIL) {
                        throw new UnreadableImageException(p.file(), p.reason());
                    }
                    LOG.warn("skipping unreadable image {}: {}", p.file(), p.reason());
                    skipped.add(p);
                }
            }
        }
        return out;
    }

    /** The pixels (float[]) or, if the file cannot be read, a {@link Problem}. */
    private Object decode(Path file) {
        try {
            return ImageDecoder.load(file, channels, height, width);
        } catch (IOException | RuntimeException e) {
            return new Problem(file, ImageDecoder.describe(e));
        }
    }

    /** The class folders of {@code dir}: its non-hidden sub-folders, sorted by name; an error when there are none. */
    static List<Path> classFolders(Path dir) {
        if (!Files.exists(dir)) {
            throw new IllegalArgumentException(
                    "image folder " + dir + " does not exist (expected layout " + LAYOUT + ")");
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + " is not a folder (expected layout " + LAYOUT + ")");
        }
        List<Path> classes;
        long looseFiles;
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> children = s.filter(p -> !isHidden(p)).toList();
            classes = children.stream()
                    .filter(Files::isDirectory)
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
            looseFiles = children.stream().filter(Files::isRegularFile).count();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        if (classes.isEmpty()) {
            throw new IllegalArgumentException("no class sub-folders in " + dir + ": expected one folder per class, "
                    + "layout " + LAYOUT + " (e.g. " + dir.resolve("cat").resolve("001.png") + ")"
                    + (looseFiles > 0
                            ? "; found " + looseFiles + " file(s) directly in the folder - move them into class folders"
                            : ""));
        }
        return classes;
    }

    /** Accepted, non-hidden regular files below {@code classDir}, sorted by relative path. */
    List<Path> imageFiles(Path classDir) {
        List<Path> found = new ArrayList<>();
        try {
            Files.walkFileTree(classDir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    return d.equals(classDir) || !isHidden(d) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                    if (!isHidden(f) && Files.isRegularFile(f) && extensions.contains(extension(f))) {
                        found.add(f);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list class folder " + classDir + ": " + e.getMessage(), e);
        }
        found.sort(Comparator.comparing(p -> classDir.relativize(p).toString().replace('\\', '/')));
        return found;
    }

    private static String extension(Path f) {
        String n = f.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static boolean isHidden(Path p) {
        if (p.getFileName() != null && p.getFileName().toString().startsWith(".")) {
            return true;
        }
        try {
            return Files.isHidden(p);
        } catch (IOException e) {
            return false;
        }
    }

    private List<String> sortedExtensions() {
        return extensions.stream().sorted().toList();
    }

    @Override
    public String toString() {
        return "ImageFolder[" + root + ", " + (height == 0 ? "no size" : height + "x" + width) + ", "
                + (channels == 1 ? "grey" : "rgb") + ", " + policy + ", " + sortedExtensions()
                + (limitPerClass == Integer.MAX_VALUE ? "" : ", limit " + limitPerClass) + "]";
    }
}
