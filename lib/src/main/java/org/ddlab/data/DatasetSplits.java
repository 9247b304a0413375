package org.ddlab.data;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.ddlab.engine.Devices;

/**
 * A dataset ready to learn from: its training split (minus a validation split when one is held out),
 * the validation split, and the test split, all in one {@link Preprocessing} fitted on the training
 * part alone. What every command and notebook starts from:
 *
 * <pre>{@code
 * DatasetSplits data = DatasetSplits.of(Datasets.fromEnvironment()).validation(500).load();
 * ImageSet train = data.train();          // normalised (or ZCA-whitened) training images
 * ImageSet scoreOn = data.validation();   // choose settings on these, never on data.test()
 * }</pre>
 *
 * <p>Memory: a split is read into one float array and everything else happens inside it — the
 * validation rows are moved to its end, and normalisation and whitening overwrite it a chunk at a
 * time — so CIFAR-10's training set costs its 600 MB once, not two or three times.
 */
public final class DatasetSplits {

    /** The seed of every validation split: fixed, so that distil, evaluate and ablate carve the same one. */
    public static final long VALIDATION_SEED = 0;

    private final Dataset dataset;
    private final int validationPerClass;
    private final Preprocessing preprocessing;
    private final ImageSet train;
    private final ImageSet validation;
    private ImageSet test;

    private DatasetSplits(
            Dataset dataset, int validationPerClass, Preprocessing preprocessing, ImageSet train, ImageSet validation) {
        this.dataset = dataset;
        this.validationPerClass = validationPerClass;
        this.preprocessing = preprocessing;
        this.train = train;
        this.validation = validation;
    }

    /** Starts loading {@code dataset}. */
    public static Builder of(Dataset dataset) {
        return new Builder(dataset);
    }

    /** Options of a load; {@link #load()} reads the files. */
    public static final class Builder {
        private final Dataset dataset;
        private int validationPerClass;
        private Preprocessing.Kind kind;
        private double zcaRegularization = Zca.DEFAULT_REGULARIZATION;
        private Preprocessing fitted;

        private Builder(Dataset dataset) {
            this.dataset = Objects.requireNonNull(dataset, "dataset");
            this.kind = dataset.defaultPreprocessing();
        }

        /** Holds out {@code perClass} training images of every class (0: none). */
        public Builder validation(int perClass) {
            if (perClass < 0) {
                throw new IllegalArgumentException(
                        "validation images per class must be 0 (none) or more, got " + perClass);
            }
            this.validationPerClass = perClass;
            return this;
        }

        /** The preprocessing; the dataset's default ({@link Dataset#defaultPreprocessing()}) when not set or null. */
        public Builder preprocess(Preprocessing.Kind k) {
            this.kind = k == null ? dataset.defaultPreprocessing() : k;
            return this;
        }

        /**
         * Uses this preprocessing as it is instead of fitting one, e.g. the one a saved set records, so that
         * evaluation applies exactly what the set was made with.
         */
        public Builder using(Preprocessing p) {
            this.fitted = Objects.requireNonNull(p, "preprocessing");
            this.kind = p.kind();
            return this;
        }

        /** ZCA's ridge relative to the mean eigenvalue (default {@link Zca#DEFAULT_REGULARIZATION}). */
        public Builder zcaRegularization(double r) {
            if (!(r > 0)) {
                throw new IllegalArgumentException("the ZCA regularisation must be positive, got " + r);
            }
            this.zcaRegularization = r;
            return this;
        }

        /** Reads the training split, carves the validation split, fits and applies the preprocessing. */
        public DatasetSplits load() {
            try (NDManager manager = NDManager.newBaseManager(Devices.preferred())) {
                ImageSet all = dataset.load(Dataset.Split.TRAIN);
                ImageSet train = all;
                ImageSet validation = null;
                if (validationPerClass > 0) {
                    ValidationSplit split = ValidationSplit.carveInPlace(all, validationPerClass, VALIDATION_SEED);
                    train = split.train();
                    validation = split.validation();
                }
                Preprocessing p = fitted != null ? fitted : Preprocessing.fit(train, kind, zcaRegularization, manager);
                if (p.channels() != 0 && p.channels() != all.channels()) {
                    throw new IllegalArgumentException("the preprocessing " + p + " is for " + p.channels()
                            + " channels, but " + dataset.title() + " has " + all.channels());
                }
                // train and validation share one array, train first: preprocess it whole, then view it again.
                int[] labels = train.labels();
                if (validation != null) {
                    labels = java.util.stream.IntStream.concat(
                                    java.util.Arrays.stream(labels), java.util.Arrays.stream(validation.labels()))
                            .toArray();
                }
                ImageSet whole =
                        p.applyInPlace(ImageSet.rows(all, 0, labels, all.name(), Preprocessing.PIXELS), manager);
                ImageSet t = ImageSet.rows(whole, 0, train.labels(), train.name(), p);
                ImageSet v = validation == null
                        ? null
                        : ImageSet.rows(whole, train.size(), validation.labels(), validation.name(), p);
                return new DatasetSplits(dataset, validationPerClass, p, t, v);
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
        }
    }

    public Dataset dataset() {
        return dataset;
    }

    /** The training images (minus the validation split), preprocessed. */
    public ImageSet train() {
        return train;
    }

    /** Whether a validation split is held out. */
    public boolean hasValidation() {
        return validation != null;
    }

    /** Validation images held out per class, 0 when none. */
    public int validationPerClass() {
        return validationPerClass;
    }

    /** The held-out validation images, preprocessed. */
    public ImageSet validation() {
        if (validation == null) {
            throw new IllegalStateException(
                    "no validation split was held out of " + dataset.title() + "; load with validation(N)");
        }
        return validation;
    }

    /** The test split, preprocessed like the training images (read on first use). Only for final numbers. */
    public synchronized ImageSet test() {
        if (test == null) {
            try (NDManager manager = NDManager.newBaseManager(Devices.preferred())) {
                test = preprocessing.applyInPlace(dataset.load(Dataset.Split.TEST), manager);
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
        }
        return test;
    }

    /** What settings are scored on: the validation split when there is one, else the test split. */
    public ImageSet scoreOn() {
        return validation != null ? validation : test();
    }

    /** "validation" or "test": which split {@link #scoreOn()} is. */
    public String scoredOn() {
        return validation != null ? "validation (" + validationPerClass + "/class)" : "test";
    }

    /** The space every split is in, fitted on {@link #train()}. */
    public Preprocessing preprocessing() {
        return preprocessing;
    }

    /**
     * What a set made from these splits records of them: dataset, validation images per class,
     * preprocessing; identical descriptions mean identical training data.
     */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dataset", dataset.name());
        m.put("validation_per_class", validationPerClass);
        m.put("preprocessing", preprocessing.kind().id());
        if (preprocessing.zca() != null) {
            m.put("zca_regularization", preprocessing.zca().regularization());
        }
        m.put("train_images", train.size());
        return m;
    }

    @Override
    public String toString() {
        return dataset.title() + ": " + train.size() + " training images"
                + (validation == null ? "" : ", " + validation.size() + " validation") + ", "
                + preprocessing.kind().id();
    }
}
