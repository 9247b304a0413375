package org.ddlab.frepo;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.ddlab.data.ImageSet;
import org.ddlab.distill.AbstractDistiller;
import org.ddlab.distill.Checkpoint;
import org.ddlab.distill.Metadata;
import org.ddlab.engine.GradMode;
import org.ddlab.engine.GraphConstants;
import org.ddlab.nn.Network;
import org.ddlab.sampling.RealSampler;
import org.ddlab.train.Adam;
import org.ddlab.train.Loss;

/**
 * FRePo (Zhou, Nezhadarya &amp; Ba, NeurIPS 2022): dataset distillation by neural feature regression
 * with a model pool. One outer step:
 * <ol>
 *   <li>take a model from the {@link ModelPool} and a real batch from the {@link RealSampler};</li>
 *   <li>features of the real batch F_t (no gradient) and of the synthetic images F_s (gradient to the
 *       pixels only);</li>
 *   <li>predict the real batch's centred one-hot targets by {@link KernelRegression} on F_s and the
 *       synthetic labels; loss = ½‖prediction − targets‖² per image, plus a margin term that keeps
 *       each learned label's top class ahead of the second by 1/C;</li>
 *   <li>Adam step on the images (and labels), cosine-decayed to 10% over the run;</li>
 *   <li>the model then takes one online training step on the synthetic set, or is re-initialised.</li>
 * </ol>
 * No inner loop is unrolled: memory and time per step are one forward/backward through the network.
 *
 * <p>Works in the real set's space (normalised, or ZCA-whitened: {@link org.ddlab.data.Preprocessing});
 * {@link #exportSet()} gives pixels. Every random choice of step t derives from (seed, t), so
 * {@link #save}/{@link #restore} carry no RNG state.
 */
public final class FrepoDistiller extends AbstractDistiller {

    private final FrepoConfig frepo;
    private final ModelPool pool;
    private final KernelRegression regression;
    private final Adam imageOptimizer;
    private final Adam labelOptimizer;

    /** A distiller for {@code config}, learning from {@code sampler}'s real images of {@code dataset}. */
    public FrepoDistiller(FrepoConfig config, RealSampler sampler, String dataset, NDManager parent) {
        this(config.toMap(), sampler, dataset, parent);
    }

    /** As above, from a complete option map ({@link org.ddlab.methods.Methods#configure}). */
    public FrepoDistiller(Map<String, Object> config, RealSampler sampler, String dataset, NDManager parent) {
        super(config, sampler, dataset, parent);
        ImageSet real = sampler.real();
        this.frepo = FrepoConfig.fromMap(config);
        synthetic.setSoftLabels(initialLabels(synthetic.labelsNDArray(manager), real.numClasses()));
        synthetic.setLearnable(true, frepo.learnLabels());
        this.pool = new ModelPool(
                manager,
                frepo.architecture(),
                real.shape().slice(1),
                real.numClasses(),
                frepo.poolSize(),
                frepo.maxOnlineSteps(),
                frepo.onlineLr(),
                frepo.seed());
        this.regression = new KernelRegression(frepo.ridge());
        this.imageOptimizer = new Adam(List.of(synthetic.images()));
        this.labelOptimizer = new Adam(List.of(synthetic.softLabels().orElseThrow()));
    }

    /** Learned labels start as one-hot minus 1/C, scaled by 1/√(C/10) as in the reference. */
    static NDArray initialLabels(NDArray labels, int classes) {
        NDArray oneHot = labels.toType(DataType.INT64, false).oneHot(classes);
        return oneHot.sub(1f / classes).div((float) Math.sqrt(classes / 10.0));
    }

    static NDArray targets(NDArray labels, int classes) {
        return KernelRegression.centredOneHot(labels, classes);
    }

    /** −min(top1 − top2, 1/C), averaged: rewards learned labels for keeping one clear class, up to 1/C. */
    static NDArray labelMargin(NDArray labels) {
        long k = labels.getShape().get(1);
        NDArray sorted = labels.sort(1);
        NDArray gap = sorted.get(":, -1").sub(sorted.get(":, -2"));
        return gap.minimum(GraphConstants.scalar(gap, 1.0 / k)).neg().mean(); // minimum saves its operand for backward
    }

    /**
     * The outer loss of one step and its parts: the regression's prediction for the real batch [B, K] (float64),
     * the kernel loss ½‖prediction − targets‖² averaged over the batch, the label margin (zero without learned labels), and
     * their sum, which the images and labels descend.
     */
    public record OuterLoss(NDArray prediction, NDArray kernel, NDArray margin, NDArray total) {}

    /**
     * The outer loss of {@code images} with regression targets {@code labels} [n, K], on a real batch with
     * centred one-hot {@code realTargets}, seen through {@code net}'s features in evaluation mode. The real
     * features record no graph; the synthetic ones carry gradients to the pixels (not to the weights, which the
     * pool trains on its own), and the prediction to {@code labels}. It is public so that a from-scratch step (the
     * course's notebook 03) can be checked against exactly what {@link #step()} descends.
     */
    public static OuterLoss outerLoss(
            Network net,
            KernelRegression regression,
            NDArray images,
            NDArray labels,
            NDArray realImages,
            NDArray realTargets,
            boolean learnLabels) {
        NDArray realFeatures;
        try (GradMode.Scope off = GradMode.off()) {
            realFeatures = net.features(realImages, false);
        }
        NDArray prediction =
                regression.predict(net.features(net.frozenParameters(), images, false), realFeatures, labels);
        NDArray kernelLoss = Loss.MSE.compute(prediction, realTargets);
        NDArray marginLoss = learnLabels ? labelMargin(labels) : kernelLoss.zerosLike();
        return new OuterLoss(prediction, kernelLoss, marginLoss, kernelLoss.add(marginLoss));
    }

    /** The typed configuration. */
    public FrepoConfig frepoConfig() {
        return frepo;
    }

    public ModelPool pool() {
        return pool;
    }

    public KernelRegression regression() {
        return regression;
    }

    /** The learning-rate factor at step t: cosine from 1 to 0.1 over the run (optax's cosine_decay_schedule, α 0.1). */
    double schedule(long t) {
        double progress = Math.min(1.0, (double) (t - 1) / frepo.steps());
        return 0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress));
    }

    @Override
    protected double iterate(long t, Map<String, Double> figures) {
        int member = pool.pick(t);
        Network net = pool.network(member);
        NDArray x = synthetic.images();
        NDArray y = synthetic.softLabels().orElseThrow();
        double loss;
        try (NDScope scope = new NDScope()) {
            int[] idx = sampler.batch(frepo.realBatch(), t, net);
            NDArray realImages = sampler.real().images(manager, idx);
            NDArray realTargets =
                    targets(sampler.real().labels(manager, idx), sampler.real().numClasses());
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                OuterLoss outer = outerLoss(net, regression, x, y, realImages, realTargets, frepo.learnLabels());
                gc.backward(outer.total());
                loss = scalar(outer.total());
                figures.put("kernel_loss", scalar(outer.kernel()));
                figures.put("label_loss", scalar(outer.margin()));
                figures.put("batch_accuracy", accuracy(outer.prediction(), realTargets));
            }
            double factor = schedule(t);
            imageOptimizer.step(frepo.imageLr() * factor);
            imageOptimizer.zeroGradients();
            if (frepo.learnLabels()) {
                labelOptimizer.step(frepo.labelLr() * factor);
                labelOptimizer.zeroGradients();
            }
            figures.put("lr_factor", factor);
        }
        figures.put("member", (double) member);
        figures.put("member_steps", (double) pool.steps(member));
        figures.put("reset", pool.advance(member, x, y) ? 1.0 : 0.0);
        return loss;
    }

    private static double scalar(NDArray a) {
        return a.toType(DataType.FLOAT64, false).getDouble();
    }

    private static double accuracy(NDArray prediction, NDArray targets) {
        return prediction
                .argMax(1)
                .eq(targets.argMax(1))
                .toType(DataType.FLOAT32, false)
                .mean()
                .getFloat();
    }

    @Override
    protected Metadata describe(Metadata metadata) {
        return metadata.withExtra(
                        "labels", "learned regression targets (centred one-hot at the start): evaluate with MSE")
                .withExtra("ridge_escalations", regression.escalations())
                .withExtra("pool_resets", pool.resets());
    }

    @Override
    protected void saveState(Checkpoint.Writer checkpoint) {
        imageOptimizer.state("adam.images.").forEach(checkpoint::array);
        labelOptimizer.state("adam.labels.").forEach(checkpoint::array);
        pool.state().forEach(checkpoint::array);
        checkpoint
                .put("pool", pool.counters())
                .put("adam_steps", new long[] {imageOptimizer.steps(), labelOptimizer.steps()});
    }

    @Override
    protected void restoreState(Checkpoint checkpoint, Map<String, float[]> arrays) throws IOException {
        List<?> adamSteps = (List<?>) checkpoint.state().get("adam_steps");
        imageOptimizer.load("adam.images.", arrays, ((Number) adamSteps.get(0)).longValue());
        labelOptimizer.load("adam.labels.", arrays, ((Number) adamSteps.get(1)).longValue());
        @SuppressWarnings("unchecked")
        Map<String, Object> counters = (Map<String, Object>) checkpoint.state().get("pool");
        pool.restore(arrays, counters);
    }
}
