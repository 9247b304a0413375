package org.ddlab.train;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.ddlab.engine.Profile;

/**
 * How a fresh network is trained on a (small) set: SGD with momentum and weight decay, the learning
 * rate multiplied by {@code decayFactor} after each of the epochs {@code decayAt} names, augmentation
 * on or off, and optionally CutMix. The DC/DSA/DM reference code (evaluate_synset) uses lr 0.01,
 * momentum 0.9, weight decay 5e-4, batch 256, one tenfold drop at half, and 1000 epochs (300 in the
 * first DC paper) — that is {@link #paper()}. IDC's evaluation drops ×0.2 at 2/3 and 5/6 of the epochs,
 * with batch 64 and CutMix (see {@code idc.IdcMethod}).
 *
 * @param epochs       passes over the set
 * @param batchSize    images per step
 * @param learningRate initial learning rate
 * @param momentum     SGD momentum
 * @param weightDecay  L2 penalty added to the gradient
 * @param decayAt      fractions of the epochs after which the learning rate drops (see {@link #decayEpochs()};
 *                     a fraction ≥ 1 never comes)
 * @param decayFactor  what each drop multiplies the learning rate by, in (0, 1]
 * @param augment      whether training batches are augmented (with the protocol's augmentation)
 * @param cutMix       CutMix of the training batches ({@link CutMix#probability()} 0: none)
 * @param targetClip   the largest global gradient norm of a step on regression targets (FRePo's learned
 *                     labels, trained with MSE); 0: no bound. Steps on class labels are never clipped.
 * @param adam         {@code null}: SGD as above; otherwise Adam (PyTorch's β and ε, no weight decay) at a
 *                     rate that warms up and decays by step ({@link WarmupCosine}, FRePo's evaluation), which
 *                     takes no momentum, weight decay or drops
 */
public record TrainingSchedule(
        int epochs,
        int batchSize,
        double learningRate,
        double momentum,
        double weightDecay,
        List<Double> decayAt,
        double decayFactor,
        boolean augment,
        CutMix cutMix,
        double targetClip,
        WarmupCosine adam) {

    /** No CutMix. */
    public static final CutMix NO_CUTMIX = new CutMix(0, 1);

    /**
     * The gradient-norm bound of every schedule's steps on regression targets. Cross-entropy's gradient
     * with respect to the logits is bounded (‖softmax − y‖ ≤ √2) and its curvature shrinks as predictions
     * firm up; squared error's is neither (‖z − y‖ grows with the logits, curvature stays 1). At lr 0.01
     * with momentum 0.9 a network on squared error can therefore overshoot, grow its logits and die:
     * unbounded, ConvNet-128 on whitened 3×32×32 images ends at chance and VGG11 on Fashion-MNIST at NaN.
     * A bound leaves ordinary steps alone and cuts only the overshooting ones. 3 was chosen on validation
     * splits (Fashion-MNIST at 28×28 and as whitened 3×32×32, the CIFAR-10 stand-in; ConvNet, VGG11,
     * AlexNet): best or within a point of the best of 1, 2, 3 and 5 in five of six cases
     * (docs/learned-labels.md has the table).
     */
    public static final double TARGET_CLIP = 3;

    public TrainingSchedule {
        if (epochs < 1 || batchSize < 1) {
            throw new IllegalArgumentException(
                    "epochs and batch size must be positive, got " + epochs + " and " + batchSize);
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
        }
        if (!(decayFactor > 0 && decayFactor <= 1)) {
            throw new IllegalArgumentException("learning-rate decay factor must be in (0, 1], got " + decayFactor);
        }
        decayAt = List.copyOf(decayAt);
        for (double f : decayAt) {
            if (!(f > 0)) {
                throw new IllegalArgumentException(
                        "learning-rate drops come at positive fractions of the epochs, got " + f);
            }
        }
        cutMix = cutMix == null ? NO_CUTMIX : cutMix;
        if (!(targetClip >= 0)) {
            throw new IllegalArgumentException(
                    "the gradient-norm bound of regression targets must be ≥ 0 (0: none), got " + targetClip);
        }
        if (adam != null && (momentum != 0 || weightDecay != 0 || !decayAt.isEmpty())) {
            throw new IllegalArgumentException("Adam's warm-up and cosine schedule takes no momentum, weight decay or "
                    + "drops of the rate, got momentum " + momentum + ", weight decay " + weightDecay + ", drops at "
                    + decayAt);
        }
    }

    /**
     * One tenfold drop after fraction {@code decayAt} of the epochs (≥ 1: never), no CutMix, regression
     * targets' steps bounded by {@link #TARGET_CLIP}: DC's schedule.
     */
    public TrainingSchedule(
            int epochs,
            int batchSize,
            double learningRate,
            double momentum,
            double weightDecay,
            double decayAt,
            boolean augment) {
        this(
                epochs,
                batchSize,
                learningRate,
                momentum,
                weightDecay,
                List.of(decayAt),
                0.1,
                augment,
                NO_CUTMIX,
                TARGET_CLIP,
                null);
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
        return new TrainingSchedule(
                n,
                batchSize,
                learningRate,
                momentum,
                weightDecay,
                decayAt,
                decayFactor,
                augment,
                cutMix,
                targetClip,
                adam);
    }

    public TrainingSchedule withBatchSize(int n) {
        return new TrainingSchedule(
                epochs,
                n,
                learningRate,
                momentum,
                weightDecay,
                decayAt,
                decayFactor,
                augment,
                cutMix,
                targetClip,
                adam);
    }

    public TrainingSchedule withLearningRate(double lr) {
        return new TrainingSchedule(
                epochs, batchSize, lr, momentum, weightDecay, decayAt, decayFactor, augment, cutMix, targetClip, adam);
    }

    public TrainingSchedule withAugment(boolean on) {
        return new TrainingSchedule(
                epochs,
                batchSize,
                learningRate,
                momentum,
                weightDecay,
                decayAt,
                decayFactor,
                on,
                cutMix,
                targetClip,
                adam);
    }

    /** The learning rate multiplied by {@code factor} after each fraction {@code at} of the epochs. */
    public TrainingSchedule withDecay(List<Double> at, double factor) {
        return new TrainingSchedule(
                epochs, batchSize, learningRate, momentum, weightDecay, at, factor, augment, cutMix, targetClip, adam);
    }

    public TrainingSchedule withCutMix(CutMix mix) {
        return new TrainingSchedule(
                epochs,
                batchSize,
                learningRate,
                momentum,
                weightDecay,
                decayAt,
                decayFactor,
                augment,
                mix,
                targetClip,
                adam);
    }

    /**
     * Adam with {@code rate}'s warm-up and cosine at this schedule's learning rate as the peak, in place of
     * SGD: momentum, weight decay and drops are cleared.
     */
    public TrainingSchedule withAdam(WarmupCosine rate) {
        return new TrainingSchedule(
                epochs, batchSize, learningRate, 0, 0, List.of(), 1, augment, cutMix, targetClip, rate);
    }

    /** Steps on regression targets bounded to gradient norm {@code bound} (0: unbounded). */
    public TrainingSchedule withTargetClip(double bound) {
        return new TrainingSchedule(
                epochs,
                batchSize,
                learningRate,
                momentum,
                weightDecay,
                decayAt,
                decayFactor,
                augment,
                cutMix,
                bound,
                adam);
    }

    /** Optimiser steps over a set of {@code n} images: ⌈n / batch⌉ an epoch (what Adam's cosine spans). */
    public long steps(int n) {
        return (long) epochs * BatchOrder.batchesPerEpoch(n, batchSize);
    }

    /**
     * The epochs (1-based) after which the learning rate drops: ⌊epochs·f⌋ + 1 for each fraction f < 1. DC's
     * reference drops after its 0-based pass {@code Epoch//2 + 1}, one pass later, of {@code Epoch + 1} passes, and
     * restarts the momentum with a new optimiser; notebook 01 sets the two protocols side by side. A repeated
     * epoch drops the rate once per repeat.
     */
    public List<Integer> decayEpochs() {
        List<Integer> out = new ArrayList<>();
        for (double f : decayAt) {
            if (f < 1) {
                out.add((int) Math.floor(epochs * f) + 1);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        List<Integer> drops = decayEpochs();
        String factor = decayFactor == 0.1 ? "÷10" : "×" + shortly(decayFactor);
        String when = drops.isEmpty()
                ? factor + " after epoch never"
                : drops.size() == 1
                        ? factor + " after epoch " + drops.get(0)
                        : factor + " after epochs "
                                + drops.stream().map(String::valueOf).collect(Collectors.joining(", "));
        String clip = targetClip > 0 ? ", regression targets' gradient norm ≤ " + shortly(targetClip) : "";
        String mix = cutMix.probability() > 0 ? ", CutMix p " + shortly(cutMix.probability()) : "";
        if (adam != null) {
            return String.format(
                    java.util.Locale.ROOT,
                    "%d epochs, batch %d, Adam lr %.3g (%d steps' warm-up, cosine to %s of it), augmentation %s%s%s",
                    epochs,
                    batchSize,
                    learningRate,
                    adam.warmupSteps(),
                    shortly(adam.floor()),
                    augment ? "on" : "off",
                    mix,
                    clip);
        }
        return String.format(
                java.util.Locale.ROOT,
                "%d epochs, batch %d, SGD lr %.3g (%s), momentum %.2g, " + "weight decay %.1e, augmentation %s%s%s",
                epochs,
                batchSize,
                learningRate,
                when,
                momentum,
                weightDecay,
                augment ? "DSA" : "off",
                mix,
                clip);
    }

    /** Three significant digits, no trailing zeros: 0.2, 0.5, 0.125. */
    private static String shortly(double x) {
        return java.math.BigDecimal.valueOf(x)
                .round(new java.math.MathContext(3))
                .stripTrailingZeros()
                .toPlainString();
    }
}
