package org.ddlab.cli;

import org.ddlab.data.FashionMnist;
import org.ddlab.data.ImageSet;
import picocli.CommandLine.Option;

import java.util.Locale;

/** The dataset options shared by the commands. */
final class DataOptions {

    @Option(names = "--dataset", defaultValue = "fashion-mnist",
            description = "Dataset: fashion-mnist (Debian package dataset-fashion-mnist, or DDLAB_DATA). Default: ${DEFAULT-VALUE}.")
    String dataset;

    ImageSet train() {
        check();
        return FashionMnist.train();
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
