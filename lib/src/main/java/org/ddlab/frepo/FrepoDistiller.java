package org.ddlab.frepo;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import org.ddlab.data.ImageSet;
import org.ddlab.distill.Checkpoint;
import org.ddlab.distill.Distiller;
import org.ddlab.distill.Metadata;
import org.ddlab.distill.SyntheticSet;
import org.ddlab.engine.GradMode;
import org.ddlab.engine.GraphConstants;
import org.ddlab.nn.Network;
import org.ddlab.sampling.RealSampler;
import org.ddlab.train.Adam;
import org.ddlab.train.Loss;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
public final class FrepoDistiller implements Distiller {

    private final FrepoConfig config;
    private final RealSampler sampler;
    private final String dataset;
    private final NDManager manager;
    private final SyntheticSet synthetic;
    private final ModelPool pool;
    private final KernelRegression regression;
    private final Adam imageOptimizer;
    private final Adam labelOptimizer;
    private long done;

    /**
     * @param sampler draws the real batches from a preprocessed training set (never the test split)
     */
    public FrepoDistiller(FrepoConfig config, RealSampler sampler, String dataset, NDManager parent) {
        ImageSet real = sampler.real();
        this.config = config;
        this.sampler = sampler;
        this.dataset = dataset;
        this.manager = parent.newSubManager();
        this.synthetic = SyntheticSet.fromReal(manager, real, config.ipc(), config.seed());
        synthetic.setSoftLabels(initialLabels(synthetic.labelsNDArray(manager), real.numClasses()));
        synthetic.setLearnable(true, config.learnLabels());
        this.pool = new ModelPool(manager, config.architecture(), real.shape().slice(1), real.numClasses(),
                config.poolSize(), config.maxOnlineSteps(), config.onlineLr(), config.seed());
        this.regression = new KernelRegression(config.ridge());
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

    @Override
    public String method() {
        return "frepo";
    }

    @Override
    public long stepsDone() {
        return done;
    }

    @Override
    public long totalSteps() {
        return config.steps();
    }

    public FrepoConfig config() {
        return config;
    }

    public ModelPool pool() {
        return pool;
    }

    public KernelRegression regression() {
        return regression;
    }

    /** The learning-rate factor at step t: cosine from 1 to 0.1 over the run (optax's cosine_decay_schedule, α 0.1). */
    double schedule(long t) {
        double progress = Math.min(1.0, (double) (t - 1) / config.steps());
        return 0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress));
    }

    @Override
    public StepResult step() {
        long t = done + 1;
        long start = System.nanoTime();
        int member = pool.pick(t);
        Network net = pool.network(member);
        NDArray x = synthetic.images();
        NDArray y = synthetic.softLabels().orElseThrow();
        Map<String, Double> figures = new LinkedHashMap<>();
        double loss;
        try (NDScope scope = new NDScope()) {
            int[] idx = sampler.batch(config.realBatch(), t, net);
            NDArray realImages = sampler.real().images(manager, idx);
            NDArray realTargets = targets(sampler.real().labels(manager, idx), sampler.real().numClasses());
            NDArray realFeatures;
            try (GradMode.Scope off = GradMode.off()) {
                realFeatures = net.features(realImages, false);
            }
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray prediction = regression.predict(net.features(net.frozenParameters(), x, false), realFeatures, y);
                NDArray kernelLoss = Loss.MSE.compute(prediction, realTargets);
                NDArray marginLoss = config.learnLabels() ? labelMargin(y) : kernelLoss.zerosLike();
                NDArray total = kernelLoss.add(marginLoss);
                gc.backward(total);
                loss = scalar(total);
                figures.put("kernel_loss", scalar(kernelLoss));
                figures.put("label_loss", scalar(marginLoss));
                figures.put("batch_accuracy", accuracy(prediction, realTargets));
            }
            double factor = schedule(t);
            imageOptimizer.step(config.imageLr() * factor);
            imageOptimizer.zeroGradients();
            if (config.learnLabels()) {
                labelOptimizer.step(config.labelLr() * factor);
                labelOptimizer.zeroGradients();
            }
            figures.put("lr_factor", factor);
        }
        figures.put("member", (double) member);
        figures.put("member_steps", (double) pool.steps(member));
        figures.put("reset", pool.advance(member, x, y) ? 1.0 : 0.0);
        done = t;
        return new StepResult(t, loss, (System.nanoTime() - start) / 1e9, figures);
    }

    private static double scalar(NDArray a) {
        return a.toType(DataType.FLOAT64, false).getDouble();
    }

    private static double accuracy(NDArray prediction, NDArray targets) {
        return prediction.argMax(1).eq(targets.argMax(1)).toType(DataType.FLOAT32, false).mean().getFloat();
    }

    @Override
    public SyntheticSet synthetic() {
        return synthetic;
    }

    @Override
    public SyntheticSet exportSet() {
        try (GradMode.Scope off = GradMode.off()) {
            return synthetic.exportPixels();
        }
    }

    @Override
    public Metadata metadata() {
        return Metadata.of(method(), dataset, config.seed(), done)
                .withExtra("config", config.toMap())
                .withExtra("sampler", sampler.name())
                .withExtra("sampler_config", sampler.describe())
                .withExtra("sampling_seconds", sampler.samplingSeconds())
                .withExtra("sampling_breakdown", sampler.samplingBreakdown())
                .withExtra("labels", "learned regression targets (centred one-hot at the start): evaluate with MSE")
                .withExtra("ridge_escalations", regression.escalations())
                .withExtra("pool_resets", pool.resets());
    }

    @Override
    public void startFrom(int[] realIndices) {
        if (done > 0) {
            throw new IllegalStateException("the starting images can only be replaced before the first step (at step " + done + ")");
        }
        synthetic.replaceImages(sampler.real(), realIndices);
    }

    @Override
    public void save(Checkpoint.Writer checkpoint) {
        checkpoint.array("images", synthetic.images());
        checkpoint.array("labels", synthetic.softLabels().orElseThrow());
        imageOptimizer.state("adam.images.").forEach(checkpoint::array);
        labelOptimizer.state("adam.labels.").forEach(checkpoint::array);
        pool.state().forEach(checkpoint::array);
        checkpoint.put("config", config.toMap())
                .sampler(sampler)
                .put("pool", pool.counters())
                .put("adam_steps", new long[]{imageOptimizer.steps(), labelOptimizer.steps()});
    }

    @Override
    public void restore(Checkpoint checkpoint) throws IOException {
        checkpoint.requireConfig(config.toMap(), java.util.Set.of("steps")); // a run may be extended
        Map<String, float[]> arrays = checkpoint.floatArrays();
        synthetic.images().set(require(arrays, "images", synthetic.images()));
        synthetic.softLabels().orElseThrow().set(require(arrays, "labels", synthetic.softLabels().orElseThrow()));
        List<?> adamSteps = (List<?>) checkpoint.state().get("adam_steps");
        imageOptimizer.load("adam.images.", arrays, ((Number) adamSteps.get(0)).longValue());
        labelOptimizer.load("adam.labels.", arrays, ((Number) adamSteps.get(1)).longValue());
        @SuppressWarnings("unchecked")
        Map<String, Object> counters = (Map<String, Object>) checkpoint.state().get("pool");
        pool.restore(arrays, counters);
        checkpoint.restoreSampler(sampler);
        done = checkpoint.step();
    }

    private static float[] require(Map<String, float[]> arrays, String name, NDArray like) {
        float[] a = arrays.get(name);
        if (a == null || a.length != like.size()) {
            throw new IllegalArgumentException("checkpoint array '" + name + "' is missing or has the wrong size");
        }
        return a;
    }

    @Override
    public void close() {
        synthetic.close();
        manager.close();
    }
}
