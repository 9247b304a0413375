package org.ddlab.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code folder:PATH}: a user's own images, {@code PATH/train/<class>/…} and {@code PATH/test/<class>/…}
 * ({@link FolderImages}). Shape and classes come from the files.
 */
final class FolderDataset extends UserDataset {

    FolderDataset(Path root) {
        super(root);
    }

    @Override
    public String name() {
        return "folder:" + path;
    }

    @Override
    public String title() {
        return "images in " + path;
    }

    @Override
    public ImageSet load(Split split) throws IOException {
        if (location().isEmpty()) {
            throw new MissingDatasetException(whereToGetIt());
        }
        return FolderImages.read(path, split);
    }

    @Override
    public Optional<Path> location() {
        return Files.isDirectory(path.resolve("train")) && Files.isDirectory(path.resolve("test"))
                ? Optional.of(path)
                : Optional.empty();
    }

    @Override
    public String whereToGetIt() {
        return "folder dataset " + path
                + " needs the sub-folders train/ and test/, each with one folder of images per class"
                + " (" + path + "/train/cat/001.png, …); "
                + (Files.isDirectory(path)
                        ? "it has " + (Files.isDirectory(path.resolve("train")) ? "train/ but no test/" : "no train/")
                        : "it does not exist");
    }

    @Override
    public Path fetchTarget() {
        return path;
    }

    @Override
    public String source() {
        return "your own images";
    }
}
