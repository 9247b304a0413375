package org.ddlab.cli;

import org.ddlab.data.FashionMnist;
import org.ddlab.data.ImageSet;
import org.ddlab.data.ValidationSplit;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The dataset options shared by the commands. */
final class DataOptions {

    @Option(names = "--dataset", defaultValue = "fashion-mnist",
            description = "Dataset: fashion-mnist (Debian package dataset-fashion-mnist, or DDLAB_DATA). Default: ${DEFAULT-VALUE}.")
    String dataset;

    @Option(names = "--validation", paramLabel = "N",
            description = {"Hold out N training images per class (a seeded split, the same in every command): distill and",
                    "baseline never see them, and evaluate scores on them instead of the test split, so settings are",
                    "chosen without looking at the test set."})
    Integer validation;

    /** The seed of the validation split: fixed, so that distil and evaluate carve the same one. */
    static final long VALIDATION_SEED = 0;

    /** The split of the training set, carved once: train() and validation() of one command share it. */
    private ValidationSplit split;
    private int splitPerClass;

    /** The training images a command may learn from: the training split, minus the validation images if held out. */
    ImageSet train() {
        check();
        return validation == null ? FashionMnist.train() : split().train();
    }

    /** The held-out validation images ({@code --validation N}). */
    ImageSet validation() {
        check();
        if (validation == null) {
            throw new IllegalStateException("no --validation split was asked for");
        }
        return split().validation();
    }

    private ValidationSplit split() {
        if (split == null || splitPerClass != validation) {
            split = ValidationSplit.split(FashionMnist.train(), validation, VALIDATION_SEED);
            splitPerClass = validation;
        }
        return split;
    }

    /** What a saved set records about the data it was made from. */
    Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dataset", dataset.toLowerCase(Locale.ROOT));
        m.put("validation_per_class", validation == null ? 0 : validation);
        return m;
    }

    ImageSet test() {
        check();
        return FashionMnist.test();
    }

    private void check() {
        if (!dataset.toLowerCase(Locale.ROOT).replace("_", "-").equals("fashion-mnist")) {
            throw new IllegalArgumentException("unknown dataset '" + dataset + "'; known: fashion-mnist");
        }
    }
}
