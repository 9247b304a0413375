package org.ddlab.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.ddlab.data.fetch.Download;

/**
 * One dataset of the registry ({@link Datasets}): what it is, where its files are or come from, and how
 * to read them. Every other part of ddlab — the command line, grids, the set store, notebooks — names
 * a dataset only through this.
 */
public interface Dataset {

    /** The two official splits. Validation images are carved out of {@link #TRAIN} ({@link DatasetSplits}). */
    enum Split {
        TRAIN,
        TEST
    }

    /** The name {@link Datasets#named} takes, e.g. {@code cifar10} or {@code folder:/data/pets}. */
    String name();

    /** Its usual written name, e.g. "CIFAR-10". */
    String title();

    /** Image shape (C, H, W), or empty when only the files tell (a folder, an npz). */
    Optional<int[]> imageShape();

    /** Number of classes, or empty when only the files tell. */
    Optional<Integer> numClasses();

    /**
     * The preprocessing the papers use on it: ZCA for CIFAR and SVHN (FRePo, MTT, DC-BENCH),
     * per-channel standardisation for (Fashion-)MNIST and a user's own images.
     */
    Preprocessing.Kind defaultPreprocessing();

    /** One split in pixels [0,1], read and checked from the files. */
    ImageSet load(Split split) throws IOException;

    /** The folder (or file) holding the data, when everything it needs is there. */
    Optional<Path> location();

    /**
     * Why the data cannot be read and what to do: where it looked, what is missing, the command that
     * fetches it or the URLs and the exact folder to put the files in.
     */
    String whereToGetIt();

    /** The files {@code ddlab data fetch} downloads, with pinned checksums; empty when it cannot fetch this one. */
    List<Download> downloads();

    /**
     * Every way {@code ddlab data fetch} can get the files, in the order it tries them: {@link
     * #downloads()} first, then other publishers of the same bytes (each a complete list).
     */
    default List<List<Download>> sources() {
        return downloads().isEmpty() ? List.of() : List.of(downloads());
    }

    /** Where {@code ddlab data fetch} puts the files. */
    Path fetchTarget();

    /** Who publishes it, where. */
    String source();

    /** The licence or terms of use, as the publisher states them. */
    String licence();
}
