package org.ddlab.idc;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.ddlab.augment.Draw;
import org.ddlab.augment.DsaAugment;
import org.ddlab.data.ImageSet;
import org.ddlab.data.Normalization;
import org.ddlab.data.Preprocessing;
import org.ddlab.distill.AbstractDistiller;
import org.ddlab.distill.Checkpoint;
import org.ddlab.distill.Metadata;
import org.ddlab.distill.PhaseTimes;
import org.ddlab.distill.SyntheticSet;
import org.ddlab.engine.GradMode;
import org.ddlab.engine.Seeds;
import org.ddlab.engine.Shuffle;
import org.ddlab.matching.GradientMatching;
import org.ddlab.matching.Gradients;
import org.ddlab.nn.Architectures;
import org.ddlab.nn.Network;
import org.ddlab.sampling.RealSampler;
import org.ddlab.train.CutMix;
import org.ddlab.train.Sgd;

/**
 * IDC (Kim et al., ICML 2022): gradient matching on a multi-formation parameterisation, with a
 * network trained on real data while it condenses. Each stored image decodes into f² images of
 * half resolution upsampled back ({@link MultiFormation}), so the same pixel budget holds f² times
 * more training images. One step is one of the reference's outer iterations:
 * <ol>
 *   <li>a freshly initialised network (seeded by the run's seed and the step) and its SGD;</li>
 *   <li>{@code inner_loop} times: for each class, the real batch of the class and the class's decoded
 *       images (a seeded subset of at most {@code syn_batch_max}) under one shared augmentation draw;
 *       the distance between the convolution weights' gradients of the two losses
 *       ({@link IdcDistance}), back-propagated to the stored pixels, and an SGD step on them; then the
 *       network trains on {@code net_data} real images (batches of {@code real_batch}, augmented per
 *       image, CutMix).</li>
 * </ol>
 * The real images of class c at inner iteration i come from the {@link RealSampler} with step number
 * (step − 1) × inner_loop + i, so DREAM's sampler re-clusters every {@code interval} inner iterations,
 * as DREAM's reference does. The exported set is the decoded one ({@code ipc × f²} images per class),
 * which is what IDC evaluates; checkpoints hold the stored images.
 *
 * <p>The images live in the data's space (IDC stores pixels and normalises them inside its
 * augmentation; bilinear decoding commutes with per-channel normalisation, so both are the same
 * method); with normalised or raw pixels they are clamped to the range of [0, 1] pixels before every
 * step, as the reference clamps its stored images.
 */
public final class IdcDistiller extends AbstractDistiller {

    private final IdcConfig idc;
    private final Network net;
    private final Sgd imageOptimizer;
    private final DsaAugment matchingAugment;
    private final DsaAugment networkAugment;
    private final List<Parameter> matched;
    private final int[] storedLabels;
    /** Per channel, 1/std²: the reference's rate is for pixels; in normalised coordinates the same step is this much larger. */
    private final NDArray pixelRateScale;

    private final PhaseTimes phases = new PhaseTimes();

    /** The phases of a step, as {@link #phaseSeconds()} names them and in their order. */
    public static final String START = "start";

    public static final String REAL_BATCH = "real_batch";
    public static final String SYNTHETIC_BATCH = "synthetic_batch";
    public static final String REAL_GRADIENT = "real_gradient";
    public static final String SYNTHETIC_GRADIENT = "synthetic_gradient";
    public static final String DISTANCE_BACKWARD = "distance_backward";
    public static final String IMAGE_STEP = "image_step";
    public static final String NETWORK_UPDATE = "network_update";

    public IdcDistiller(Map<String, Object> config, RealSampler sampler, String dataset, NDManager parent) {
        super(config, sampler, dataset, parent);
        this.idc = IdcConfig.fromMap(config);
        ImageSet real = sampler.real();
        this.storedLabels = synthetic.labels();
        // IDC's 'mix' start: ipc·f² real images of each class drawn at random (its class_sample: randperm), downsampled
        // into the tiles; the run's seed picks them.
        if (idc.factor() > 1) {
            int per = idc.decodedPerClass();
            int[] picked = new int[per * real.numClasses()];
            Random rng = new Random(Seeds.mix(idc.seed(), 0x57A7));
            for (int c = 0; c < real.numClasses(); c++) {
                int[] members = real.indicesOf(c);
                if (members.length < per) {
                    throw new IllegalArgumentException("class " + real.className(c) + " has " + members.length
                            + " images; IDC's start needs " + per + " (ipc × factor²)");
                }
                System.arraycopy(Shuffle.draw(members, per, rng), 0, picked, c * per, per);
            }
            tile(picked);
        }
        synthetic.setLearnable(true, false);
        this.net = Architectures.create(idc.architecture(), real.shape().slice(1), real.numClasses())
                .initialize(manager, idc.seed());
        this.matched = idc.distance().matched(net);
        this.imageOptimizer = Sgd.ofArrays(List.of(synthetic.images()), idc.imageLr(), idc.imageMomentum(), 0);
        this.pixelRateScale = pixelRateScale(synthetic.space(), real.channels());
        this.matchingAugment = new DsaAugment(idc.matchingAugment());
        this.networkAugment = new DsaAugment(idc.networkAugment());
    }

    /** Stored images from real ones, class by class: ipc·f² per class are tiled (the 'mix' start), ipc per class copied. */
    private void tile(int[] realIndices) {
        ImageSet real = sampler.real();
        int ipc = idc.ipc();
        int per = realIndices.length / synthetic.numClasses();
        try (NDManager scope = manager.newSubManager()) {
            for (int c = 0; c < synthetic.numClasses(); c++) {
                int[] mine = Arrays.copyOfRange(realIndices, c * per, (c + 1) * per);
                for (int i : mine) {
                    if (real.label(i) != c) {
                        throw new IllegalArgumentException(
                                "start image " + i + " is of class " + real.label(i) + ", not " + c);
                    }
                }
                NDArray images = real.images(scope, mine);
                NDArray stored = per == ipc ? images : MultiFormation.encodeInit(images, idc.factor());
                synthetic.images().set(new ai.djl.ndarray.index.NDIndex(c * ipc + ":" + (c + 1) * ipc), stored);
            }
        }
    }

    /** Replaces the start with these real images (IPC × factor² per class are tiled, as DREAM's K-Means start for IDC). */
    @Override
    public void startFrom(int[] realIndices) {
        if (stepsDone() > 0) {
            throw new IllegalStateException("the starting images can only be replaced before the first step");
        }
        int classes = synthetic.numClasses();
        if (realIndices.length != classes * idc.ipc() && realIndices.length != classes * idc.decodedPerClass()) {
            throw new IllegalArgumentException("IDC starts from " + idc.ipc() + " or " + idc.decodedPerClass()
                    + " real images per class, got " + realIndices.length + " for " + classes + " classes");
        }
        tile(realIndices);
    }

    @Override
    protected double iterate(long t, Map<String, Double> figures) {
        phases.mark();
        clampToPixelRange();
        net.reinitialize(Seeds.mix(idc.seed(), t, 0x1DC));
        Sgd netOptimizer = new Sgd(
                net.parameters().stream().filter(Parameter::requiresGradient).toList(),
                idc.netLr(),
                idc.netMomentum(),
                idc.netWeightDecay());
        phases.lap(START);
        int classes = synthetic.numClasses();
        double total = 0;
        for (int i = 0; i < idc.innerLoop(); i++) {
            long inner = (t - 1) * idc.innerLoop() + i + 1;
            for (int c = 0; c < classes; c++) {
                try (NDScope scope = new NDScope();
                        GradMode.Scope on = GradMode.on()) {
                    double[] distance = new double[1];
                    NDArray gradient = classGradient(c, inner, distance);
                    total += distance[0];
                    imageOptimizer.stepWith(List.of(gradient));
                }
                phases.lap(IMAGE_STEP);
            }
            trainNetwork(netOptimizer, inner);
            phases.lap(NETWORK_UPDATE);
        }
        double mean = total / ((double) classes * idc.innerLoop());
        figures.put("distance_per_class", mean);
        return mean;
    }

    /**
     * d(distance)/d(stored images), zero outside class c's rows: the whole set's gradient, because the
     * reference steps its image optimiser once per class and momentum moves every row at each step.
     */
    private NDArray classGradient(int c, long inner, double[] distance) {
        int ipc = idc.ipc();
        List<NDArray> w = matched.stream().map(Parameter::getArray).toList();
        int[] idx = sampler.sample(c, idc.realBatch(), inner, net);
        Draw draw = matchingAugment.sampleShared(Seeds.mix(idc.seed(), inner, c, 0xA06));
        NDArray real = matchingAugment.apply(sampler.real().images(manager, idx), draw);
        phases.lap(REAL_BATCH);

        NDArray leaf = synthetic
                .images()
                .get(c * ipc + ":" + (c + 1) * ipc)
                .stopGradient()
                .duplicate();
        leaf.setRequiresGradient(true);
        NDArray decoded = MultiFormation.decode(leaf, idc.factor());
        int n = Math.toIntExact(decoded.getShape().get(0));
        if (n > idc.synBatchMax()) {
            int[] keep = subset(n, idc.synBatchMax(), new Random(Seeds.mix(idc.seed(), inner, c, 0x5B5)));
            decoded = decoded.get(
                    manager.create(Arrays.stream(keep).asLongStream().toArray()));
        }
        NDArray syn = matchingAugment.apply(decoded, draw);
        phases.lap(SYNTHETIC_BATCH);
        List<NDArray> realGradient = GradientMatching.classGradients(net, w, real, c, false);
        phases.lap(REAL_GRADIENT);
        List<NDArray> synGradient = GradientMatching.classGradients(net, w, syn, c, true);
        phases.lap(SYNTHETIC_GRADIENT);
        NDArray d = idc.distance().between(synGradient, realGradient);
        distance[0] = d.getFloat();
        NDArray perClass = Gradients.of(d, leaf);
        if (pixelRateScale != null) {
            perClass = perClass.mul(pixelRateScale);
        }
        phases.lap(DISTANCE_BACKWARD);
        NDArray full = synthetic.images().zerosLike();
        full.set(new ai.djl.ndarray.index.NDIndex(c * ipc + ":" + (c + 1) * ipc), perClass);
        return full;
    }

    /**
     * Seconds spent so far in each phase of the steps: {@link #START} (clamp, fresh network), per class
     * {@link #REAL_BATCH} (draw, copy, augment), {@link #SYNTHETIC_BATCH} (decode, subset, augment),
     * {@link #REAL_GRADIENT}, {@link #SYNTHETIC_GRADIENT} (forward and create_graph gradient),
     * {@link #DISTANCE_BACKWARD} (the distance and its gradient to the stored images), {@link #IMAGE_STEP},
     * and per matching round {@link #NETWORK_UPDATE}. What {@code ddlab bench idc-step} reports.
     */
    public Map<String, Double> phaseSeconds() {
        return phases.seconds();
    }

    /** The network trains on {@code net_data} real images: batches of {@code real_batch} from every class, augmented, CutMix. */
    private void trainNetwork(Sgd netOptimizer, long inner) {
        ImageSet real = sampler.real();
        Random rng = new Random(Seeds.mix(idc.seed(), inner, 0x7E7));
        CutMix mix = idc.cutMix();
        for (int seen = 0; seen < idc.netData(); seen += idc.realBatch()) {
            int[] idx = new int[idc.realBatch()];
            for (int k = 0; k < idx.length; k++) {
                idx[k] = rng.nextInt(real.size());
            }
            try (NDManager scope = manager.newSubManager()) {
                mix.step(
                        net,
                        netOptimizer,
                        real.images(scope, idx),
                        real.labels(scope, idx),
                        networkAugment::apply,
                        rng);
            }
        }
    }

    /**
     * The reference optimises pixels in [0, 1] and normalises inside its augmentation: a step of rate
     * lr on a pixel moves its normalised value by lr/std² times the normalised gradient. Scaling the
     * normalised gradient per channel by 1/std² keeps the reference's rates (and its momentum) exact.
     * Null for pixels (nothing to scale) and for ZCA (no per-channel equivalent: the rate is taken as it is).
     */
    private NDArray pixelRateScale(Preprocessing space, int channels) {
        if (space.kind() != Preprocessing.Kind.NORMALIZE) {
            return null;
        }
        float[] std = space.normalization().std();
        float[] scale = new float[channels];
        for (int c = 0; c < channels; c++) {
            scale[c] = 1f / (std[c] * std[c]);
        }
        return org.ddlab.engine.GraphConstants.of(manager, scale, new Shape(1, channels, 1, 1));
    }

    /** {@code k} distinct numbers of 0 … n−1, in increasing order. */
    private static int[] subset(int n, int k, Random rng) {
        int[] all = new int[n];
        Arrays.setAll(all, i -> i);
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(n - i);
            int tmp = all[i];
            all[i] = all[j];
            all[j] = tmp;
        }
        int[] out = Arrays.copyOf(all, k);
        Arrays.sort(out);
        return out;
    }

    /** The reference keeps its stored pixels in [0, 1]; here, in the data's space, the same bounds. */
    private void clampToPixelRange() {
        Preprocessing space = synthetic.space();
        if (space.kind() == Preprocessing.Kind.ZCA) {
            return; // whitened values have no pixel range
        }
        try (NDScope scope = new NDScope();
                GradMode.Scope off = GradMode.off()) {
            NDArray x = synthetic.images();
            int channels = (int) x.getShape().get(1);
            float[] lo = new float[channels];
            float[] hi = new float[channels];
            Arrays.fill(hi, 1f);
            if (space.kind() == Preprocessing.Kind.NORMALIZE) {
                Normalization n = space.normalization();
                for (int ch = 0; ch < channels; ch++) {
                    lo[ch] = (0 - n.mean()[ch]) / n.std()[ch];
                    hi[ch] = (1 - n.mean()[ch]) / n.std()[ch];
                }
            }
            NDArray low = manager.create(lo, new Shape(1, channels, 1, 1));
            NDArray high = manager.create(hi, new Shape(1, channels, 1, 1));
            x.set(x.stopGradient().maximum(low).minimum(high).toFloatArray());
        }
    }

    /** The decoded set, ipc·f² images per class, in pixels: what IDC trains on when it evaluates. */
    @Override
    public SyntheticSet exportSet() {
        try (GradMode.Scope off = GradMode.off();
                NDArray stored = synthetic.images().stopGradient();
                SyntheticSet decoded = SyntheticSet.of(
                        MultiFormation.decode(stored, idc.factor()),
                        decodedLabels(),
                        null,
                        synthetic.classNames(),
                        synthetic.space(),
                        true)) {
            return decoded.exportPixels();
        }
    }

    /** Labels of the decoded images, in decode's order (every stored image's first tile, then every second tile, …). */
    private int[] decodedLabels() {
        return MultiFormation.labels(storedLabels, idc.factor());
    }

    @Override
    protected Metadata describe(Metadata metadata) {
        return metadata.withExtra("stored_ipc", idc.ipc())
                .withExtra("factor", idc.factor())
                .withExtra(
                        "decoded",
                        "each stored image decodes into " + idc.factor() * idc.factor()
                                + " images (tiles upsampled bilinearly); this set holds the decoded images, as IDC trains on them");
    }

    @Override
    protected void saveState(Checkpoint.Writer checkpoint) {
        imageOptimizer.state("sgd.images.").forEach(checkpoint::array);
    }

    @Override
    protected void restoreState(Checkpoint checkpoint, Map<String, float[]> arrays) {
        imageOptimizer.load("sgd.images.", arrays);
    }
}
