package org.ddlab.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the {@code folder:PATH} data sets: your own images split into a training and a test folder,
 * each with one sub-folder per class, loaded with {@link ImageFolder}.
 *
 * <pre>
 * PATH/train/cat/001.png   PATH/test/cat/101.png
 * PATH/train/dog/002.jpg   PATH/test/dog/102.jpg
 * </pre>
 *
 * <p>Both splits must have the same class folders, so that label i means the same class in each. Every
 * image is resized to one size, by default the size of the first training image (first class
 * folder, first file, in {@link ImageFolder}'s sorted order); it is grey when that image is (every
 * pixel with red = green = blue, which covers grey files decoded to RGB), else RGB.
 */
public final class FolderImages {

    /** The two sub-folders a {@code folder:} data set needs. */
    public static final String TRAIN = "train";

    public static final String TEST = "test";

    private static final String LAYOUT = "PATH/train/<class>/<image> and PATH/test/<class>/<image>";

    private FolderImages() {}

    /**
     * Reads {@code root}/train and {@code root}/test at the size and colour of the first training
     * image; the sets are named after {@code root} ("pets train", "pets test").
     */
    public static TrainTest read(Path root) throws IOException {
        return read(root, 0, 0, 0);
    }

    /**
     * Reads {@code root}/train and {@code root}/test resized to {@code height x width} with
     * {@code channels} (1 grey, 3 RGB); a 0 takes that value from the first training image.
     *
     * @throws NoSuchFileException      when {@code root}, its train/ or its test/ folder is missing
     * @throws DataFormatException      when train/ and test/ have different class folders (naming them)
     * @throws IllegalArgumentException when a split has no class folders or a class no images (from {@link ImageFolder})
     * @throws UnreadableImageException when an image cannot be decoded
     */
    public static TrainTest read(Path root, int channels, int height, int width) throws IOException {
        Layout l = layout(root, channels, height, width);
        return new TrainTest(l.load(TRAIN), l.load(TEST));
    }

    /**
     * One split of {@code root} at the size and colour of the first training image, after the same
     * checks as {@link #read(Path)} (both splits there, with the same classes): a data set whose
     * splits are loaded one at a time decodes each image once.
     */
    public static ImageSet read(Path root, Dataset.Split split) throws IOException {
        return layout(root, 0, 0, 0).load(split == Dataset.Split.TRAIN ? TRAIN : TEST);
    }

    /** A checked folder data set and the size and colour its images are read at. */
    private record Layout(Path dir, int channels, int height, int width) {
        ImageSet load(String split) {
            String name = dir.getFileName() == null
                    ? dir.toString()
                    : dir.getFileName().toString();
            ImageFolder f = ImageFolder.at(dir.resolve(split)).size(height, width);
            return (channels == 1 ? f.grey() : f.rgb()).load().named(name + " " + split);
        }
    }

    private static Layout layout(Path root, int channels, int height, int width) throws IOException {
        if (channels != 0 && channels != 1 && channels != 3) {
            throw new IllegalArgumentException(
                    "channels must be 1 (grey), 3 (RGB) or 0 (as the first image), got " + channels);
        }
        if (height < 0 || width < 0) {
            throw new IllegalArgumentException(
                    "size must be positive (or 0 for the first image's), got " + height + "x" + width);
        }
        Path dir = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(
                    dir.toString(), null, "no such folder; a folder: data set is laid out as " + LAYOUT);
        }
        Path train = split(dir, TRAIN);
        Path test = split(dir, TEST);
        List<String> trainClasses = names(ImageFolder.classFolders(train));
        List<String> testClasses = names(ImageFolder.classFolders(test));
        if (!trainClasses.equals(testClasses)) {
            throw new DataFormatException(
                    dir,
                    "train/ and test/ have different class folders: "
                            + difference(trainClasses, testClasses)
                            + "; both need the same classes so that a label means the same "
                            + "in each (train/ has " + trainClasses + ", test/ has " + testClasses + ")");
        }
        ImageFolder loader = ImageFolder.at(train);
        if (channels == 0 || height == 0 || width == 0) {
            Path first = firstImage(loader, train);
            BufferedImage img;
            try {
                img = ImageDecoder.read(first);
            } catch (IOException e) {
                throw new UnreadableImageException(
                        first,
                        e.getMessage() + "; it is the first training image, which sets "
                                + "the size and colour unless they are given");
            }
            height = height == 0 ? img.getHeight() : height;
            width = width == 0 ? img.getWidth() : width;
            channels = channels == 0 ? (isGrey(img) ? 1 : 3) : channels;
        }
        return new Layout(dir, channels, height, width);
    }

    private static Path split(Path dir, String split) throws IOException {
        Path p = dir.resolve(split);
        if (Files.isDirectory(p)) {
            return p;
        }
        String found;
        try (var s = Files.list(dir)) {
            found = s.filter(Files::isDirectory)
                    .map(d -> d.getFileName().toString())
                    .sorted()
                    .toList()
                    .toString();
        }
        throw new NoSuchFileException(
                p.toString(),
                null,
                "no " + split + "/ folder; a folder: data set is laid out as " + LAYOUT + " (sub-folders found: "
                        + found + ")");
    }

    private static Path firstImage(ImageFolder loader, Path train) {
        for (Path classDir : ImageFolder.classFolders(train)) {
            List<Path> files = loader.imageFiles(classDir);
            if (!files.isEmpty()) {
                return files.get(0);
            }
        }
        throw new IllegalArgumentException("no images in any class folder of " + train + " (looked for files ending in "
                + ImageFolder.DEFAULT_EXTENSIONS.stream().sorted().toList() + ")");
    }

    /** Grey when every pixel has equal red, green and blue. */
    private static boolean isGrey(BufferedImage img) {
        ImageDecoder.Planes p = ImageDecoder.planes(img, 3);
        float[] d = p.data();
        int n = p.height() * p.width();
        for (int i = 0; i < n; i++) {
            if (d[i] != d[n + i] || d[i] != d[2 * n + i]) {
                return false;
            }
        }
        return true;
    }

    private static List<String> names(List<Path> dirs) {
        return dirs.stream().map(d -> d.getFileName().toString()).toList();
    }

    private static String difference(List<String> train, List<String> test) {
        List<String> onlyTrain = new ArrayList<>(train);
        onlyTrain.removeAll(test);
        List<String> onlyTest = new ArrayList<>(test);
        onlyTest.removeAll(train);
        List<String> parts = new ArrayList<>();
        if (!onlyTrain.isEmpty()) {
            parts.add("only in train/: " + onlyTrain);
        }
        if (!onlyTest.isEmpty()) {
            parts.add("only in test/: " + onlyTest);
        }
        return String.join("; ", parts);
    }
}
