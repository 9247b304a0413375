package org.ddlab.data;

import org.ddlab.data.fetch.Download;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code folder:PATH}: a user's own images, {@code PATH/train/<class>/…} and {@code PATH/test/<class>/…}
 * ({@link FolderImages}). Shape and classes come from the files.
 */
final class FolderDataset implements Dataset {

    private final Path root;

    FolderDataset(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public String name() {
        return "folder:" + root;
    }

    @Override
    public String title() {
        return "images in " + root;
    }

    @Override
    public Optional<int[]> imageShape() {
        return Optional.empty();
    }

    @Override
    public Optional<Integer> numClasses() {
        return Optional.empty();
    }

    @Override
    public Preprocessing.Kind defaultPreprocessing() {
        return Preprocessing.Kind.NORMALIZE;
    }

    @Override
    public ImageSet load(Split split) throws IOException {
        if (location().isEmpty()) {
            throw new MissingDatasetException(whereToGetIt());
        }
        return FolderImages.read(root, split);
    }

    @Override
    public Optional<Path> location() {
        return Files.isDirectory(root.resolve("train")) && Files.isDirectory(root.resolve("test")) ? Optional.of(root) : Optional.empty();
    }

    @Override
    public String whereToGetIt() {
        return "folder dataset " + root + " needs the sub-folders train/ and test/, each with one folder of images per class"
                + " (" + root + "/train/cat/001.png, …); " + (Files.isDirectory(root) ? "it has "
                + (Files.isDirectory(root.resolve("train")) ? "train/ but no test/" : "no train/") : "it does not exist");
    }

    @Override
    public List<Download> downloads() {
        return List.of();
    }

    @Override
    public Path fetchTarget() {
        return root;
    }

    @Override
    public String source() {
        return "your own images";
    }

    @Override
    public String licence() {
        return "yours";
    }

    @Override
    public String toString() {
        return name();
    }
}
