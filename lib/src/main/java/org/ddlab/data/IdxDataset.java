package org.ddlab.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads any MNIST-format pair (images idx3 + labels idx1, plain or gzipped) into an {@link ImageSet}
 * with pixels scaled from 0..255 to [0,1]. MNIST, Fashion-MNIST, KMNIST and EMNIST all load this way.
 */
public final class IdxDataset {

    private IdxDataset() {}

    /**
     * Loads an images/labels pair. {@code classNames} may be null: the classes are then named
     * "0".."k-1" with k = largest label + 1.
     *
     * @throws UncheckedIOException wrapping an {@link IdxFormatException} when a file is malformed or
     *                              the two files hold different numbers of items, or the
     *                              underlying {@link IOException} when a file cannot be read
     */
    public static ImageSet load(Path images, Path labels, List<String> classNames) {
        return load(images, labels, classNames, images.getFileName().toString());
    }

    /** As {@link #load(Path, Path, List)}, naming the set (e.g. "Fashion-MNIST train"). */
    public static ImageSet load(Path images, Path labels, List<String> classNames, String name) {
        try {
            int[] y = IdxReader.readLabels(labels);
            // Check the images header before reading 47 MB of pixels that could not be used.
            IdxReader.Header header = IdxReader.readHeader(images);
            if (header.dims().length == 3 && header.count() != y.length) {
                throw countMismatch(images, labels, header.count(), y.length);
            }
            IdxReader.Contents contents = IdxReader.readImages(images);
            int[] dims = contents.dims();
            if (dims[0] != y.length) {
                throw countMismatch(images, labels, dims[0], y.length);
            }
            List<String> names = classNames != null ? classNames : numberedClasses(y);
            for (int i = 0; i < y.length; i++) {
                if (y[i] >= names.size()) {
                    throw new IdxFormatException(
                            labels,
                            "label " + y[i] + " of item " + i + " (byte offset " + (8 + i) + ") is outside 0.."
                                    + (names.size() - 1) + " for the " + names.size() + " class names given");
                }
            }
            // The file's bytes, kept as bytes: a quarter of the memory of floats, and [0,1] floats per batch.
            return ImageSet.wrapBytes(name, contents.data(), y, 1, dims[1], dims[2], names);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    private static IdxFormatException countMismatch(Path images, Path labels, int nImages, int nLabels) {
        return new IdxFormatException(
                images,
                "holds " + nImages + " images but " + labels + " holds " + nLabels
                        + " labels; the two files must come from the same split (e.g. train-images with train-labels)");
    }

    private static List<String> numberedClasses(int[] labels) {
        int max = 0;
        for (int y : labels) {
            max = Math.max(max, y);
        }
        List<String> names = new ArrayList<>();
        for (int c = 0; c <= max; c++) {
            names.add(Integer.toString(c));
        }
        return names;
    }
}
