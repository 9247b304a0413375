package org.ddlab.matching;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.ddlab.augment.DsaAugment;
import org.ddlab.data.ImageSet;
import org.ddlab.distill.Checkpoint;
import org.ddlab.distill.Distiller;
import org.ddlab.distill.Metadata;
import org.ddlab.distill.SyntheticSet;
import org.ddlab.engine.GradMode;
import org.ddlab.engine.Seeds;
import org.ddlab.nn.Architectures;
import org.ddlab.nn.Network;
import org.ddlab.sampling.RealSampler;
import org.ddlab.train.Sgd;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the matching methods share: synthetic images (hard labels, class by class) initialised from
 * real ones, SGD with momentum on the pixels, a network re-initialised from (seed, iteration) at every
 * iteration, real images per class from a {@link RealSampler}, and the checkpoint contract. Subclasses
 * say how one iteration compares real and synthetic images.
 */
abstract class MatchingDistiller implements Distiller {

    protected final MatchingConfig config;
    protected final RealSampler sampler;
    protected final NDManager manager;
    protected final SyntheticSet synthetic;
    protected final Network net;
    protected final Sgd optimizer;
    protected final DsaAugment dsa = DsaAugment.reference();
    private final String dataset;
    private long done;

    MatchingDistiller(MatchingConfig config, RealSampler sampler, String dataset, NDManager parent) {
        ImageSet real = sampler.real();
        this.config = config;
        this.sampler = sampler;
        this.dataset = dataset;
        this.manager = parent.newSubManager();
        this.synthetic = SyntheticSet.fromReal(manager, real, config.ipc(), config.seed());
        synthetic.setLearnable(true, false);
        this.net = Architectures.create(config.architecture(), real.shape().slice(1), real.numClasses()).initialize(manager, 0);
        this.optimizer = Sgd.ofArrays(List.of(synthetic.images()), config.imageLr(), config.imageMomentum(), 0);
    }

    /** One iteration's work on a freshly initialised {@link #net}; returns its loss and fills {@code figures}. */
    abstract double iterate(long t, Map<String, Double> figures);

    /** Whether real and synthetic batches are augmented with shared DSA parameters. */
    boolean augments() {
        return config.method() != MatchingConfig.Method.DC;
    }

    /** The synthetic images of class c: rows c·ipc … (c+1)·ipc − 1. */
    NDArray classImages(NDArray images, int c) {
        return images.get((long) c * config.ipc() + ":" + (long) (c + 1) * config.ipc());
    }

    @Override
    public StepResult step() {
        long t = done + 1;
        long start = System.nanoTime();
        net.reinitialize(Seeds.mix(config.seed(), t, 0x7E7));
        Map<String, Double> figures = new LinkedHashMap<>();
        double loss = iterate(t, figures);
        done = t;
        return new StepResult(t, loss, (System.nanoTime() - start) / 1e9, figures);
    }

    @Override
    public String method() {
        return config.method().id();
    }

    public MatchingConfig config() {
        return config;
    }

    @Override
    public long stepsDone() {
        return done;
    }

    @Override
    public long totalSteps() {
        return config.iterations();
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
                .withExtra("sampling_breakdown", sampler.samplingBreakdown());
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
        optimizer.state("sgd.images.").forEach(checkpoint::array);
        checkpoint.put("config", config.toMap()).sampler(sampler);
    }

    @Override
    public void restore(Checkpoint checkpoint) throws IOException {
        checkpoint.requireConfig(config.toMap(), java.util.Set.of("iterations")); // a run may be extended
        Map<String, float[]> arrays = checkpoint.floatArrays();
        float[] images = arrays.get("images");
        if (images == null || images.length != synthetic.images().size()) {
            throw new IllegalArgumentException("checkpoint array 'images' is missing or has the wrong size");
        }
        synthetic.images().set(images);
        optimizer.load("sgd.images.", arrays);
        checkpoint.restoreSampler(sampler);
        done = checkpoint.step();
    }

    @Override
    public void close() {
        synthetic.close();
        manager.close();
    }
}
