package org.ddlab.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.ddlab.data.fetch.Download;

/**
 * What a user's own dataset ({@code folder:PATH}, {@code npz:PATH}) is alike in: its shape and classes
 * come from its files, it is normalised by default, and nothing fetches it.
 */
abstract class UserDataset implements Dataset {

    /** The folder or file the user named, made absolute. */
    protected final Path path;

    UserDataset(Path path) {
        this.path = path.toAbsolutePath().normalize();
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
    public List<Download> downloads() {
        return List.of();
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
