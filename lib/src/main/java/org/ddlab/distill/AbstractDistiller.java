package org.ddlab.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.ddlab.engine.GradMode;
import org.ddlab.sampling.RealSampler;

/**
 * What every distiller does the same way, written once: it owns a {@link SyntheticSet} started from
 * random real images (class by class, IPC each), counts and times its steps, exports pixels, describes
 * itself in metadata, and saves and restores the set, the sampler and its configuration in checkpoints.
 * A method supplies its step ({@link #iterate}) and any state of its own ({@link #saveState},
 * {@link #restoreState}); {@link DistillationRun} drives the loop, checkpoints, budget and divergence checks.
 *
 * <p>The configuration is the complete option map of {@code org.ddlab.methods.Methods}: it keys the
 * checkpoint (a resumed run must have the same one, only {@code steps} may grow) and the metadata.
 */
public abstract class AbstractDistiller implements Distiller {

    protected final Map<String, Object> config;
    protected final RealSampler sampler;
    protected final NDManager manager;
    protected final SyntheticSet synthetic;
    private final String dataset;
    private long done;

    /**
     * @param config  the complete configuration; {@code method}, {@code ipc}, {@code steps} and {@code seed} are read here
     * @param sampler draws real batches from a preprocessed training set (never the test split)
     * @param dataset the dataset's registry name, for the metadata
     */
    protected AbstractDistiller(Map<String, Object> config, RealSampler sampler, String dataset, NDManager parent) {
        this.config = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(config));
        this.sampler = sampler;
        this.dataset = dataset;
        this.manager = parent.newSubManager();
        this.synthetic = SyntheticSet.fromReal(manager, sampler.real(), intOf("ipc"), longOf("seed"));
    }

    /**
     * Step {@code t} (1, 2, …) of the method: update {@link #synthetic} and return the step's loss;
     * {@code figures} takes any other numbers worth logging.
     */
    protected abstract double iterate(long t, Map<String, Double> figures);

    /** Adds the method's own state (optimiser moments, models) to a checkpoint. */
    protected void saveState(Checkpoint.Writer checkpoint) {}

    /** Puts back what {@link #saveState} wrote; {@code arrays} are the checkpoint's float arrays. */
    protected void restoreState(Checkpoint checkpoint, Map<String, float[]> arrays) throws IOException {}

    /** Adds the method's own facts to the metadata of every saved set. */
    protected Metadata describe(Metadata metadata) {
        return metadata;
    }

    @Override
    public final StepResult step() {
        long t = done + 1;
        long start = System.nanoTime();
        Map<String, Double> figures = new LinkedHashMap<>();
        double loss = iterate(t, figures);
        done = t;
        return new StepResult(t, loss, (System.nanoTime() - start) / 1e9, figures);
    }

    @Override
    public String method() {
        return String.valueOf(config.get("method"));
    }

    /** The complete configuration. */
    public Map<String, Object> config() {
        return config;
    }

    @Override
    public long stepsDone() {
        return done;
    }

    @Override
    public long totalSteps() {
        return longOf("steps");
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
        return describe(Metadata.of(method(), dataset, longOf("seed"), done)
                .withExtra("config", config)
                .withExtra("sampler", sampler.name())
                .withExtra("sampler_config", sampler.describe())
                .withExtra("sampling_seconds", sampler.samplingSeconds())
                .withExtra("sampling_breakdown", sampler.samplingBreakdown()));
    }

    @Override
    public void startFrom(int[] realIndices) {
        if (done > 0) {
            throw new IllegalStateException(
                    "the starting images can only be replaced before the first step (at step " + done + ")");
        }
        synthetic.replaceImages(sampler.real(), realIndices);
    }

    @Override
    public final void save(Checkpoint.Writer checkpoint) {
        checkpoint.array("images", synthetic.images());
        synthetic.softLabels().ifPresent(l -> checkpoint.array("labels", l));
        saveState(checkpoint);
        checkpoint.put("config", config).sampler(sampler);
    }

    @Override
    public final void restore(Checkpoint checkpoint) throws IOException {
        checkpoint.requireConfig(config, Set.of("steps")); // a run may be extended
        Map<String, float[]> arrays = checkpoint.floatArrays();
        synthetic.images().set(require(arrays, "images", synthetic.images()));
        if (synthetic.softLabels().isPresent()) {
            synthetic
                    .softLabels()
                    .get()
                    .set(require(arrays, "labels", synthetic.softLabels().get()));
        }
        restoreState(checkpoint, arrays);
        checkpoint.restoreSampler(sampler);
        done = checkpoint.step();
    }

    /** A checkpoint array of {@code like}'s size, or an error naming it. */
    protected static float[] require(Map<String, float[]> arrays, String name, NDArray like) {
        float[] a = arrays.get(name);
        if (a == null || a.length != like.size()) {
            throw new IllegalArgumentException("checkpoint array '" + name + "' is missing or has the wrong size");
        }
        return a;
    }

    protected final int intOf(String key) {
        return ((Number) config.get(key)).intValue();
    }

    protected final long longOf(String key) {
        return ((Number) config.get(key)).longValue();
    }

    protected final double doubleOf(String key) {
        return ((Number) config.get(key)).doubleValue();
    }

    @Override
    public void close() {
        synthetic.close();
        manager.close();
    }
}
