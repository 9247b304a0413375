package org.ddlab.data;

import java.util.Objects;

/**
 * The training and test split of one data set, read together from one source (an .npz, a folder)
 * because they are checked against each other: the same image shape and the same class names, so
 * that a model trained on one can be scored on the other.
 */
public record TrainTest(ImageSet train, ImageSet test) {

    public TrainTest {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
        if (train.channels() != test.channels() || train.height() != test.height() || train.width() != test.width()) {
            throw new IllegalArgumentException("train images are " + shape(train) + " but test images " + shape(test));
        }
        if (!train.classNames().equals(test.classNames())) {
            throw new IllegalArgumentException(
                    "train classes " + train.classNames() + " differ from test classes " + test.classNames());
        }
    }

    private static String shape(ImageSet s) {
        return s.channels() + "x" + s.height() + "x" + s.width();
    }
}
