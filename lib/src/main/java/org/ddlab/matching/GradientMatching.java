package org.ddlab.matching;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.ddlab.augment.Draw;
import org.ddlab.engine.GradMode;
import org.ddlab.engine.Seeds;
import org.ddlab.nn.Network;
import org.ddlab.sampling.RealSampler;
import org.ddlab.train.Augmentation;
import org.ddlab.train.LabeledSet;
import org.ddlab.train.Loss;
import org.ddlab.train.Trainer;
import org.ddlab.train.TrainingListener;
import org.ddlab.train.TrainingSchedule;

/**
 * Gradient matching (DC; Zhao, Mopuri &amp; Bilen, ICLR 2021), and with siamese augmentation DSA (Zhao
 * &amp; Bilen, ICML 2021). Every iteration takes a freshly initialised network and repeats
 * {@code outerLoop} times: for each class, the distance between the weight gradients of the loss on a
 * real batch and on the class's synthetic images, back-propagated to the pixels (a second-order
 * gradient), then an SGD step on the images; then {@code innerLoop} epochs of training the network on
 * the synthetic set, so later matchings see a network further along its training.
 */
public final class GradientMatching extends MatchingDistiller {

    private final List<Parameter> weights;

    public GradientMatching(MatchingConfig config, RealSampler sampler, String dataset, NDManager parent) {
        this(config.toMap(), sampler, dataset, parent);
    }

    /** From a complete option map ({@code Methods.configure}) of DC or DSA. */
    public GradientMatching(Map<String, Object> config, RealSampler sampler, String dataset, NDManager parent) {
        super(config, sampler, dataset, parent);
        if (matching.method() == MatchingConfig.Method.DM) {
            throw new IllegalArgumentException("GradientMatching runs DC or DSA; use DistributionMatching for DM");
        }
        this.weights =
                net.parameters().stream().filter(Parameter::requiresGradient).toList();
    }

    @Override
    double match(long t, Map<String, Double> figures) {
        int classes = synthetic.numClasses();
        double total = 0;
        for (int ol = 0; ol < matching.outerLoop(); ol++) {
            // Real batches are drawn per matching, as the reference does: the sampler's step counts matchings.
            long matchingStep = (t - 1) * matching.outerLoop() + ol + 1;
            try (NDScope scope = new NDScope();
                    GradMode.Scope on = GradMode.on()) {
                List<NDArray> perClass = new ArrayList<>();
                for (int c = 0; c < classes; c++) {
                    double[] distance = new double[1];
                    perClass.add(classGradient(c, matchingStep, distance));
                    total += distance[0];
                }
                optimizer.stepWith(List.of(NDArrays.concat(new NDList(perClass.toArray(NDArray[]::new)))));
            }
            if (ol < matching.outerLoop() - 1 && matching.innerLoop() > 0) {
                trainNetwork(t, ol);
            }
        }
        double mean = total / (classes * matching.outerLoop());
        figures.put("distance_per_class", mean);
        return mean;
    }

    /**
     * d(distance)/d(images of class c): the weight gradients of the real batch's loss (plain values) and
     * of the class's synthetic images' loss (differentiable), their distance, and its gradient with
     * respect to a leaf copy of the class's images. {@link Gradients} returns gradients instead of
     * accumulating them, so the network's own weights serve both sides and nothing outlives the scope.
     */
    private NDArray classGradient(int c, long matchingStep, double[] distance) {
        List<NDArray> w = weights.stream().map(Parameter::getArray).toList();
        int[] idx = sampler.sample(c, matching.realBatch(), matchingStep, net);
        Draw draw = augments() ? dsa.sampleShared(Seeds.mix(matching.seed(), matchingStep, c, 0xD5A)) : null;
        NDArray real = sampler.real().images(manager, idx);
        if (draw != null) {
            real = dsa.apply(real, draw);
        }
        NDArray leaf = classImages(synthetic.images(), c).stopGradient().duplicate();
        leaf.setRequiresGradient(true);
        NDArray syn = draw != null ? dsa.apply(leaf, draw) : leaf;
        NDArray d = classDistance(net, w, real, syn, c, matching.distance()::between);
        distance[0] = d.getFloat();
        return Gradients.of(d, leaf);
    }

    /**
     * The matching distance of class c: the weight gradients of the cross-entropy of {@code real} and of
     * {@code syn} (every image labelled c) with respect to {@code weights}, compared by {@code distance}
     * (synthetic gradients first). The real side's gradients are plain values; the synthetic side's keep their
     * graph, so the distance is differentiable in {@code syn} (a second-order gradient); that graph is recorded
     * only with autograd on ({@link GradMode#on()}). Both batches run in training mode. IDC matches the same way
     * with its own distance.
     */
    public static NDArray classDistance(
            Network net,
            List<NDArray> weights,
            NDArray real,
            NDArray syn,
            int c,
            BiFunction<List<NDArray>, List<NDArray>, NDArray> distance) {
        List<NDArray> realGrad = classGradients(net, weights, real, c, false);
        List<NDArray> synGrad = classGradients(net, weights, syn, c, true);
        return distance.apply(synGrad, realGrad);
    }

    /**
     * The gradients with respect to {@code weights} of the cross-entropy of {@code images}, every one labelled c,
     * in training mode: plain values, or ({@code differentiable}) values that keep their graph. One side of
     * {@link #classDistance}.
     */
    public static List<NDArray> classGradients(
            Network net, List<NDArray> weights, NDArray images, int c, boolean differentiable) {
        NDArray loss = Loss.CROSS_ENTROPY.compute(net.logits(images, true), classLabels(images, c));
        return differentiable ? Gradients.differentiable(loss, weights) : Gradients.of(loss, weights);
    }

    private static NDArray classLabels(NDArray images, int c) {
        return images.getManager().full(new Shape(images.getShape().get(0)), c, DataType.INT32);
    }

    /** The inner loop: the network trains on the current synthetic set (SGD, no decay, DSA as the method says). */
    private void trainNetwork(long t, int ol) {
        LabeledSet set = synthetic.toLabeledSet("synthetic");
        TrainingSchedule schedule =
                new TrainingSchedule(matching.innerLoop(), 256, matching.netLr(), 0, 0, 1.0, augments());
        Augmentation augmentation = dsa::apply;
        Trainer.train(
                net, set, schedule, augmentation, Seeds.mix(matching.seed(), t, ol, 0x1AA), TrainingListener.NONE);
    }

    @Override
    public String toString() {
        return "GradientMatching" + Arrays.toString(new Object[] {matching.toMap()});
    }
}
