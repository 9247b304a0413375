package org.ddlab.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.ddlab.engine.GradMode;
import org.ddlab.engine.Interrupts;
import org.ddlab.engine.Shuffle;
import org.ddlab.nn.Network;

/**
 * Trains a network on a labelled set with a {@link TrainingSchedule}: the inner workhorse of the
 * evaluation protocol (and of the model pools and inner loops of the distillation methods).
 * Deterministic for a seed on the CPU: the shuffling and the augmentation draws come from it.
 */
public final class Trainer {

    private Trainer() {}

    public static TrainingReport train(
            Network net,
            LabeledSet set,
            TrainingSchedule schedule,
            Augmentation augmentation,
            long seed,
            TrainingListener listener) {
        return train(net, set, schedule, augmentation, seed, listener, null);
    }

    /**
     * As {@link #train(Network, LabeledSet, TrainingSchedule, Augmentation, long, TrainingListener)}, with
     * each epoch's batches from {@code order} instead of a shuffle of the whole set ({@code null}: the
     * shuffle).
     */
    public static TrainingReport train(
            Network net,
            LabeledSet set,
            TrainingSchedule schedule,
            Augmentation augmentation,
            long seed,
            TrainingListener listener,
            BatchOrder order) {
        // Autograd records only inside each step's GradientCollector, on whichever thread this runs.
        try (GradMode.Scope off = GradMode.off()) {
            return run(net, set, schedule, augmentation, seed, listener, order);
        }
    }

    private static TrainingReport run(
            Network net,
            LabeledSet set,
            TrainingSchedule schedule,
            Augmentation augmentation,
            long seed,
            TrainingListener listener,
            BatchOrder batches) {
        checkShapes(net, set);
        Loss loss = set.defaultLoss();
        Sgd sgd = new Sgd(net.parameters(), schedule.learningRate(), schedule.momentum(), schedule.weightDecay());
        WarmupCosine warmupCosine = schedule.adam();
        Adam adam = warmupCosine == null
                ? null
                : new Adam(net.parameters().stream()
                        .filter(Parameter::requiresGradient)
                        .map(Parameter::getArray)
                        .toList());
        // Regression targets' steps are bounded (TrainingSchedule.TARGET_CLIP says why); class labels' are not.
        double clip = loss == Loss.MSE ? schedule.targetClip() : 0;
        Random order = new Random(seed);
        Random draws = new Random(seed ^ 0x5DEECE66DL);
        Augmentation augment = schedule.augment() ? augmentation : Augmentation.NONE;
        int n = set.size();
        int[] perm = new int[n];
        Arrays.setAll(perm, i -> i);
        int size = schedule.batchSize();
        // Adam's rate follows the step count over the whole training.
        long totalSteps = schedule.steps(n);
        long steps = 0;
        long images = 0;
        double epochLoss = Double.NaN;
        long start = System.nanoTime();
        for (int epoch = 1; epoch <= schedule.epochs(); epoch++) {
            Iterator<int[]> epochBatches;
            if (batches == null) {
                Shuffle.inPlace(perm, order);
                epochBatches = IntStream.iterate(0, from -> from < n, from -> from + size)
                        .mapToObj(from -> Arrays.copyOfRange(perm, from, Math.min(n, from + size)))
                        .iterator();
            } else {
                epochBatches = batches.epoch(epoch, n, size);
            }
            double sum = 0;
            long seen = 0;
            while (epochBatches.hasNext()) {
                Interrupts.check();
                int[] idx = epochBatches.next();
                sum += step(net, set, idx, loss, augment, schedule.cutMix(), draws) * idx.length;
                seen += idx.length;
                if (clip > 0) {
                    clipGradientNorm(net, clip);
                }
                if (adam == null) {
                    sgd.step();
                } else {
                    adam.step(warmupCosine.rate(schedule.learningRate(), steps, totalSteps));
                }
                net.zeroGradients();
                steps++;
            }
            images += seen;
            epochLoss = sum / seen;
            if (!Double.isFinite(epochLoss)) {
                throw new ArithmeticException("training loss became " + epochLoss + " in epoch " + epoch + " of "
                        + net.spec() + "; lower the learning rate ("
                        + (adam == null ? sgd.learningRate() : schedule.learningRate())
                        + ") or check the set for NaN/Inf.");
            }
            for (int drop : schedule.decayEpochs()) {
                if (epoch == drop) {
                    sgd.setLearningRate(sgd.learningRate() * schedule.decayFactor());
                }
            }
            listener.onEpoch(epoch, schedule.epochs(), epochLoss);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new TrainingReport(schedule.epochs(), steps, images, epochLoss, seconds);
    }

    /**
     * One forward/backward pass; gradients are left on the parameters. Returns the batch loss. CutMix, if
     * the schedule has it, comes after the augmentation (IDC's order): a mixed batch trains against the
     * mixed target vectors — soft cross-entropy for hard labels, which equals CutMix's mixed loss; the
     * set's own loss for soft targets.
     */
    static float step(
            Network net, LabeledSet set, int[] idx, Loss loss, Augmentation augment, CutMix cutMix, Random draws) {
        try (NDManager step = net.manager().newSubManager()) {
            NDArray x = augment.apply(set.images().images(step, idx), draws);
            CutMix.Mix mix = cutMix.probability() > 0
                    ? cutMix.draw(
                            draws,
                            idx.length,
                            set.images().height(),
                            set.images().width())
                    : CutMix.Mix.none(set.images().height(), set.images().width());
            Loss batchLoss = loss;
            NDArray y;
            if (mix.applied()) {
                x = CutMix.images(x, mix);
                y = CutMix.mixTargets(set.targets(step, idx, true), mix);
                batchLoss = loss == Loss.CROSS_ENTROPY ? Loss.SOFT_CROSS_ENTROPY : loss;
            } else {
                y = set.targets(step, idx, loss.wantsVectors());
            }
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray value = batchLoss.compute(net.logits(x, true), y);
                gc.backward(value);
                return value.getFloat();
            }
        }
    }

    /**
     * Scales the gradients the last backward pass left so that their global L2 norm (over every parameter
     * at once) is at most {@code bound}, as PyTorch's {@code clip_grad_norm_}; returns the norm before.
     */
    static double clipGradientNorm(Network net, double bound) {
        List<NDArray> grads = net.parameters().stream()
                .map(Parameter::getArray)
                .filter(NDArray::hasGradient)
                .map(NDArray::getGradient)
                .toList();
        double squares = 0;
        try (NDScope scope = new NDScope()) {
            for (NDArray g : grads) {
                squares += g.square().sum().toType(DataType.FLOAT64, false).getDouble();
            }
        }
        double norm = Math.sqrt(squares);
        if (norm > bound) {
            float scale = (float) (bound / norm);
            for (NDArray g : grads) {
                g.muli(scale);
            }
        }
        return norm;
    }

    private static void checkShapes(Network net, LabeledSet set) {
        var s = set.images().shape().slice(1);
        if (!s.equals(net.inputShape())) {
            throw new IllegalArgumentException(
                    net.spec() + " takes images " + net.inputShape() + " but the set has " + s);
        }
        if (set.images().numClasses() != net.numClasses()) {
            throw new IllegalArgumentException(net.spec() + " has " + net.numClasses() + " classes but the set has "
                    + set.images().numClasses());
        }
    }
}
