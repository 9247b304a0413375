package org.ddlab.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.ddlab.data.Dataset;
import org.ddlab.data.DatasetSplits;
import org.ddlab.data.Datasets;
import org.ddlab.data.Preprocessing;
import org.ddlab.data.Zca;
import picocli.CommandLine.Option;

/** The dataset options shared by the commands: which dataset, what is held out, how it is preprocessed. */
public final class DataOptions {

    @Option(
            names = "--dataset",
            paramLabel = "NAME",
            description = {
                "Dataset: fashion-mnist, mnist, cifar10, cifar100, cifar100-coarse, svhn, folder:PATH or npz:PATH",
                "(see 'ddlab data list'). Default: $DDLAB_DATASET, else fashion-mnist."
            })
    String dataset;

    @Option(
            names = "--validation",
            paramLabel = "N",
            description = {
                "Hold out N training images per class (a seeded split, the same in every command): distill and",
                "baseline never see them, and evaluate scores on them instead of the test split, so settings are",
                "chosen without looking at the test set."
            })
    Integer validation;

    @Option(
            names = "--preprocess",
            paramLabel = "KIND",
            description = {
                "pixels, normalize (per-channel mean/std) or zca (normalize, then ZCA whitening), all fitted on",
                "the training images only. Default: the dataset's (zca for CIFAR and SVHN, as FRePo; normalize otherwise)."
            })
    String preprocess;

    @Option(
            names = "--zca-reg",
            paramLabel = "λ",
            description = "ZCA ridge relative to the mean eigenvalue (FRePo's zca_reg). Default: 0.1.")
    Double zcaRegularization;

    private DatasetSplits splits;

    /** The dataset --dataset names, else $DDLAB_DATASET, else the default. */
    public Dataset dataset() {
        return dataset == null ? Datasets.fromEnvironment() : Datasets.named(dataset);
    }

    /** Whether --dataset was given (a saved set's own dataset is used otherwise). */
    boolean datasetGiven() {
        return dataset != null;
    }

    /** The --preprocess kind, or null for the dataset's default. */
    Preprocessing.Kind kind() {
        return preprocess == null ? null : Preprocessing.Kind.parse(preprocess);
    }

    /** The splits these options describe, loaded once per command. */
    public DatasetSplits splits() {
        if (splits == null) {
            splits = builder().load();
        }
        return splits;
    }

    /**
     * The splits in exactly {@code recorded}'s space (a saved set's preprocessing), so that evaluation applies
     * what the set was made with; --preprocess, when given, must name the same kind.
     */
    DatasetSplits splits(Preprocessing recorded) {
        if (kind() != null && kind() != recorded.kind()) {
            throw new IllegalArgumentException("the set trains with "
                    + recorded.kind().id() + " preprocessing; --preprocess "
                    + preprocess + " would evaluate it in another space. Leave --preprocess out, or give --preprocess "
                    + recorded.kind().id());
        }
        if (splits == null) {
            splits = builder().using(recorded).load();
        }
        return splits;
    }

    private DatasetSplits.Builder builder() {
        return DatasetSplits.of(dataset())
                .validation(validation == null ? 0 : validation)
                .preprocess(kind())
                .zcaRegularization(zcaRegularization == null ? Zca.DEFAULT_REGULARIZATION : zcaRegularization);
    }

    /** What a run directory records about the data it learns from (DIR/data.json), before anything is loaded. */
    Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        Dataset d = dataset();
        m.put("dataset", d.name());
        m.put("validation_per_class", validation == null ? 0 : validation);
        m.put("preprocessing", (kind() != null ? kind() : d.defaultPreprocessing()).id());
        m.put("zca_regularization", zcaRegularization == null ? Zca.DEFAULT_REGULARIZATION : zcaRegularization);
        return m;
    }

    /** Takes back what {@link #describe()} recorded, for a resumed run; asking for something else is an error. */
    void adopt(Map<?, ?> recorded, String where) {
        Object name = recorded.get("dataset");
        if (name != null) {
            if (dataset != null && !Datasets.named(dataset).name().equals(name)) {
                throw new IllegalArgumentException(where + " was made on dataset '" + name
                        + "'; resume it without --dataset or with --dataset " + name);
            }
            dataset = String.valueOf(name);
        }
        int held = recorded.get("validation_per_class") instanceof Number n ? n.intValue() : 0;
        if (validation != null && validation != held) {
            throw new IllegalArgumentException(where + " was made with --validation " + held
                    + "; resume it without --validation or with the same value");
        }
        validation = held == 0 ? null : held;
        Object kind = recorded.get("preprocessing");
        if (kind != null) {
            if (preprocess != null
                    && Preprocessing.Kind.parse(preprocess) != Preprocessing.Kind.parse(String.valueOf(kind))) {
                throw new IllegalArgumentException(where + " was made with --preprocess " + kind
                        + "; resume it without --preprocess or with the same");
            }
            preprocess = String.valueOf(kind);
        } else {
            preprocess =
                    Preprocessing.Kind.NORMALIZE.id(); // a data.json that names no preprocessing is of a normalised run
        }
        if (recorded.get("zca_regularization") instanceof Number r) {
            zcaRegularization = r.doubleValue();
        }
    }
}
