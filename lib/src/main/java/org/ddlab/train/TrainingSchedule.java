package org.ddlab.train;

import org.ddlab.engine.Profile;

/**
 * How a fresh network is trained on a (small) set: SGD with momentum and weight decay, the learning
 * rate divided by 10 once at {@code decayAt} of the epochs, augmentation on or off. The DC/DSA/DM
 * reference code (evaluate_synset) uses exactly this with lr 0.01, momentum 0.9, weight decay 5e-4,
 * batch 256 and 1000 epochs (300 in the first DC paper) — that is {@link #paper()}.
 *
 * @param epochs       passes over the set
 * @param batchSize    images per step
 * @param learningRate initial learning rate
 * @param momentum     SGD momentum
 * @param weightDecay  L2 penalty added to the gradient
 * @param decayAt      fraction of the epochs after which the learning rate drops tenfold (≥ 1: never)
 * @param augment      whether training batches are augmented (DSA)
 */
public record TrainingSchedule(int epochs, int batchSize, double learningRate, double momentum,
                               double weightDecay, double decayAt, boolean augment) {

    public TrainingSchedule {
        if (epochs < 1 || batchSize < 1) {
            throw new IllegalArgumentException("epochs and batch size must be positive, got " + epochs + " and " + batchSize);
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
        }
    }

    /** The DSA/DM papers' evaluation: 1000 epochs, batch 256, lr 0.01 (÷10 at half), momentum 0.9, wd 5e-4, DSA. */
    public static TrainingSchedule paper() {
        return new TrainingSchedule(1000, 256, 0.01, 0.9, 5e-4, 0.5, true);
    }

    /**
     * The evaluation schedule of a profile. {@code default} keeps the paper's optimiser and shortens
     * training to 300 epochs (the first DC paper's count), about a minute and a half per network at
     * IPC 10 on 2 cores; {@code quick} is for CI and only has to separate clearly different sets.
     */
    public static TrainingSchedule forProfile(Profile profile) {
        return switch (profile) {
            case QUICK -> paper().withEpochs(60);
            case DEFAULT -> paper().withEpochs(300);
            case FULL -> paper();
        };
    }

    /** Training on the whole real training set (the upper reference): few epochs, no augmentation. */
    public static TrainingSchedule wholeDataset(Profile profile) {
        return new TrainingSchedule(profile.pick(1, 2, 20), 256, 0.01, 0.9, 5e-4, 0.5, false);
    }

    public TrainingSchedule withEpochs(int n) {
        return new TrainingSchedule(n, batchSize, learningRate, momentum, weightDecay, decayAt, augment);
    }

    public TrainingSchedule withBatchSize(int n) {
        return new TrainingSchedule(epochs, n, learningRate, momentum, weightDecay, decayAt, augment);
    }

    public TrainingSchedule withLearningRate(double lr) {
        return new TrainingSchedule(epochs, batchSize, lr, momentum, weightDecay, decayAt, augment);
    }

    public TrainingSchedule withAugment(boolean on) {
        return new TrainingSchedule(epochs, batchSize, learningRate, momentum, weightDecay, decayAt, on);
    }

    /** The epoch after which the learning rate is divided by 10 (the reference's {@code Epoch//2 + 1}). */
    public int decayEpoch() {
        return decayAt >= 1 ? Integer.MAX_VALUE : (int) Math.floor(epochs * decayAt) + 1;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%d epochs, batch %d, SGD lr %.3g (÷10 after epoch %s), momentum %.2g, "
                        + "weight decay %.1e, augmentation %s", epochs, batchSize, learningRate,
                decayAt >= 1 ? "never" : String.valueOf(decayEpoch()), momentum, weightDecay, augment ? "DSA" : "off");
    }
}
