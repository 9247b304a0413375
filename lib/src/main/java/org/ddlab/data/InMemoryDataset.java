package org.ddlab.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.ddlab.data.fetch.Download;

/** A dataset whose splits are already in memory ({@link Datasets#inMemory}): tests, and arrays a notebook made. */
final class InMemoryDataset implements Dataset {

    private final String name;
    private final ImageSet train;
    private final ImageSet test;

    InMemoryDataset(String name, ImageSet train, ImageSet test) {
        if (!train.space().isPixels() || !test.space().isPixels()) {
            throw new IllegalArgumentException("a dataset holds pixels; '" + name + "' was given preprocessed images");
        }
        if (!train.classNames().equals(test.classNames())
                || !train.shape().slice(1).equals(test.shape().slice(1))) {
            throw new IllegalArgumentException(
                    "dataset '" + name + "': train has " + train.shape().slice(1) + " images of " + train.classNames()
                            + ", test " + test.shape().slice(1) + " of " + test.classNames());
        }
        this.name = name;
        this.train = train;
        this.test = test;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String title() {
        return name;
    }

    @Override
    public Optional<int[]> imageShape() {
        return Optional.of(new int[] {train.channels(), train.height(), train.width()});
    }

    @Override
    public Optional<Integer> numClasses() {
        return Optional.of(train.numClasses());
    }

    @Override
    public Preprocessing.Kind defaultPreprocessing() {
        return Preprocessing.Kind.NORMALIZE;
    }

    /** A copy of the split: loaders own what they return, and {@link DatasetSplits} works inside it. */
    @Override
    public ImageSet load(Split split) {
        ImageSet s = split == Split.TRAIN ? train : test;
        int[] all = new int[s.size()];
        java.util.Arrays.setAll(all, i -> i);
        return s.subset(all, s.name());
    }

    @Override
    public Optional<Path> location() {
        return Optional.empty();
    }

    @Override
    public String whereToGetIt() {
        return "dataset '" + name + "' lives in memory";
    }

    @Override
    public List<Download> downloads() {
        return List.of();
    }

    @Override
    public Path fetchTarget() {
        throw new UnsupportedOperationException("an in-memory dataset is not fetched");
    }

    @Override
    public String source() {
        return "memory";
    }

    @Override
    public String licence() {
        return "n/a";
    }

    @Override
    public String toString() {
        return name;
    }
}
