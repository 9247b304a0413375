package org.ddlab.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code npz:PATH}: arrays a user already has, in one NumPy {@code .npz} ({@link NpzImages}: Keras'
 * {@code x_train, y_train, x_test, y_test} or {@code train_images, …}). Shape and classes come from the arrays.
 */
final class NpzDataset extends UserDataset {

    NpzDataset(Path file) {
        super(file);
    }

    @Override
    public String name() {
        return "npz:" + path;
    }

    @Override
    public String title() {
        return path.getFileName().toString();
    }

    @Override
    public ImageSet load(Split split) throws IOException {
        if (location().isEmpty()) {
            throw new MissingDatasetException(whereToGetIt());
        }
        TrainTest both = NpzImages.read(path, title());
        return split == Split.TRAIN ? both.train() : both.test();
    }

    @Override
    public Optional<Path> location() {
        return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
    }

    @Override
    public String whereToGetIt() {
        return "npz dataset " + path
                + " does not exist; write one with numpy.savez(path, x_train=…, y_train=…, x_test=…, y_test=…)"
                + " (images uint8 0..255 or float in [0,1], [N,H,W], [N,H,W,C] or [N,C,H,W]; labels integers from 0)";
    }

    @Override
    public Path fetchTarget() {
        return path.getParent();
    }

    @Override
    public String source() {
        return "your own arrays";
    }
}
