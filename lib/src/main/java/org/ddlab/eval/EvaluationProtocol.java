package org.ddlab.eval;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.ddlab.augment.DsaAugment;
import org.ddlab.data.ImageSet;
import org.ddlab.engine.Devices;
import org.ddlab.engine.Profile;
import org.ddlab.nn.Architectures;
import org.ddlab.nn.Network;
import org.ddlab.train.Augmentation;
import org.ddlab.train.LabeledSet;
import org.ddlab.train.Trainer;
import org.ddlab.train.TrainingReport;
import org.ddlab.train.TrainingSchedule;

/**
 * The yardstick of the course: train a fresh network on a set (synthetic or a coreset) with a fixed
 * schedule, then measure accuracy on the full real test split; repeat with different seeds and report
 * mean ± std with the per-run numbers. Nothing here looks at the test split before the end of training
 * — no early stopping, no checkpoint choice — so the test split is only ever a final measurement.
 */
public final class EvaluationProtocol {

    /** Told as training advances: epochs done over all runs, out of the total. */
    @FunctionalInterface
    public interface Listener {
        Listener NONE = (done, total, status) -> {};

        void onProgress(long done, long total, String status);
    }

    /**
     * Test images per forward pass. Inference keeps every layer's output of a batch alive until the
     * batch ends: ConvNet-128 on 1000 Fashion-MNIST images holds about 1.5 GB, on 256 about 0.4 GB —
     * the difference between fitting Binder's 2 GB and not. Larger batches are barely faster on a CPU.
     */
    public static final int TEST_BATCH = 256;

    /**
     * The version of the code that trains and scores a set (the trainer, its losses and gradient bound,
     * augmentation, accuracy). Cached scores carry it (see {@code ablate.Ablation}): a change that moves
     * scores under an unchanged protocol description raises it, and every score cached before is
     * recomputed instead of read back. 2: regression targets' steps are bounded
     * ({@link TrainingSchedule#TARGET_CLIP}).
     */
    public static final int CODE_VERSION = 2;

    private final TrainingSchedule schedule;
    private final int repeats;
    private final Augmentation augmentation;
    private final Device device;
    private final int testBatch;
    /** What this protocol is, for its description: "" for ddlab's common protocol, e.g. "IDC's protocol". */
    private final String name;

    private EvaluationProtocol(
            TrainingSchedule schedule,
            int repeats,
            Augmentation augmentation,
            Device device,
            int testBatch,
            String name) {
        if (repeats < 1) {
            throw new IllegalArgumentException("repeats must be at least 1, got " + repeats);
        }
        this.schedule = Objects.requireNonNull(schedule);
        this.repeats = repeats;
        this.augmentation = Objects.requireNonNull(augmentation);
        this.device = Objects.requireNonNull(device);
        this.testBatch = testBatch;
        this.name = Objects.requireNonNull(name);
    }

    /**
     * The protocol of a profile: its {@link TrainingSchedule#forProfile schedule}, DSA augmentation,
     * and 1 / 3 / 5 repeats for quick / default / full, on the preferred device.
     */
    public static EvaluationProtocol forProfile(Profile profile) {
        return new EvaluationProtocol(
                TrainingSchedule.forProfile(profile),
                profile.pick(1, 3, 5),
                DsaAugment.reference()::apply,
                Devices.preferred(),
                TEST_BATCH,
                "");
    }

    public EvaluationProtocol withSchedule(TrainingSchedule s) {
        return new EvaluationProtocol(s, repeats, augmentation, device, testBatch, name);
    }

    public EvaluationProtocol withRepeats(int r) {
        return new EvaluationProtocol(schedule, r, augmentation, device, testBatch, name);
    }

    public EvaluationProtocol withAugmentation(Augmentation a) {
        return new EvaluationProtocol(schedule, repeats, a, device, testBatch, name);
    }

    public EvaluationProtocol withDevice(Device d) {
        return new EvaluationProtocol(schedule, repeats, augmentation, d, testBatch, name);
    }

    /** This protocol under a name its description starts with, e.g. "IDC's protocol" for a method's own. */
    public EvaluationProtocol named(String n) {
        return new EvaluationProtocol(schedule, repeats, augmentation, device, testBatch, n);
    }

    public TrainingSchedule schedule() {
        return schedule;
    }

    public int repeats() {
        return repeats;
    }

    public EvalResult evaluate(String architecture, ImageSet train, ImageSet test, long seed) {
        return evaluate(architecture, LabeledSet.hard(train), test, seed, Listener.NONE);
    }

    /**
     * Trains {@link #repeats()} fresh {@code architecture} networks on {@code train} (run r seeded with
     * {@code seed + r}) and tests each on {@code test}.
     */
    public EvalResult evaluate(String architecture, LabeledSet train, ImageSet test, long seed, Listener listener) {
        if (!train.images().shape().slice(1).equals(test.shape().slice(1))
                || train.images().numClasses() != test.numClasses()) {
            throw new IllegalArgumentException(
                    "training images " + train.images().shape().slice(1) + " with "
                            + train.images().numClasses() + " classes do not match test images "
                            + test.shape().slice(1)
                            + " with " + test.numClasses() + " classes");
        }
        if (!train.images().space().equals(test.space())) {
            // A set in pixels tested on normalised images (or the reverse) trains fine and scores tens of points low.
            throw new IllegalArgumentException(
                    "the training set '" + train.images().name() + "' is in the space "
                            + train.images().space()
                            + " but the test images are in " + test.space()
                            + "; bring the set into the test images' space first"
                            + " (SyntheticSet.trainingSet(data, name), or load both through one DatasetSplits)");
        }
        double[] acc = new double[repeats];
        double[] secs = new double[repeats];
        double images = 0;
        long total = (long) repeats * schedule.epochs();
        for (int r = 0; r < repeats; r++) {
            int run = r;
            try (NDManager manager = NDManager.newBaseManager(device)) {
                Network net = Architectures.create(architecture, test.shape().slice(1), test.numClasses())
                        .initialize(manager, seed + r);
                TrainingReport report = Trainer.train(
                        net,
                        train,
                        schedule,
                        augmentation,
                        seed + r,
                        (epoch, epochs, loss) -> listener.onProgress(
                                (long) run * epochs + epoch,
                                total,
                                String.format(
                                        java.util.Locale.ROOT,
                                        "%s run %d/%d, loss %.3f",
                                        architecture,
                                        run + 1,
                                        repeats,
                                        loss)));
                acc[r] = Accuracy.of(net, test, testBatch);
                secs[r] = report.seconds();
                images += report.images();
            }
        }
        double seconds = java.util.Arrays.stream(secs).sum();
        return new EvalResult(train.images().name(), architecture, acc, secs, images / seconds);
    }

    /** The same evaluation over several architectures (cross-architecture generalisation). */
    public List<EvalResult> crossArchitecture(
            List<String> architectures, LabeledSet train, ImageSet test, long seed, Listener listener) {
        List<EvalResult> out = new ArrayList<>();
        for (String a : architectures) {
            out.add(evaluate(a, train, test, seed, listener));
        }
        return out;
    }

    @Override
    public String toString() {
        return (name.isEmpty() ? "" : name + ": ") + repeats + " run(s) of: " + schedule
                + "; test on the full test split, on " + device;
    }
}
