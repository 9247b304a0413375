package org.ddlab.data;

import org.ddlab.data.fetch.Download;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code npz:PATH}: arrays a user already has, in one NumPy {@code .npz} ({@link NpzImages}: Keras'
 * {@code x_train, y_train, x_test, y_test} or {@code train_images, …}). Shape and classes come from the arrays.
 */
final class NpzDataset implements Dataset {

    private final Path file;

    NpzDataset(Path file) {
        this.file = file.toAbsolutePath().normalize();
    }

    @Override
    public String name() {
        return "npz:" + file;
    }

    @Override
    public String title() {
        return file.getFileName().toString();
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
        TrainTest both = NpzImages.read(file, title());
        return split == Split.TRAIN ? both.train() : both.test();
    }

    @Override
    public Optional<Path> location() {
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    @Override
    public String whereToGetIt() {
        return "npz dataset " + file + " does not exist; write one with numpy.savez(path, x_train=…, y_train=…, x_test=…, y_test=…)"
                + " (images uint8 0..255 or float in [0,1], [N,H,W], [N,H,W,C] or [N,C,H,W]; labels integers from 0)";
    }

    @Override
    public List<Download> downloads() {
        return List.of();
    }

    @Override
    public Path fetchTarget() {
        return file.getParent();
    }

    @Override
    public String source() {
        return "your own arrays";
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
