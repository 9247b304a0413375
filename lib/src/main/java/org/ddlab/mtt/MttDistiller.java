package org.ddlab.mtt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.ddlab.augment.DsaAugment;
import org.ddlab.data.ImageSet;
import org.ddlab.distill.AbstractDistiller;
import org.ddlab.distill.Checkpoint;
import org.ddlab.distill.Distiller.Preparation;
import org.ddlab.distill.Metadata;
import org.ddlab.dream.RepresentativeBatches;
import org.ddlab.dream.RepresentativeSampler;
import org.ddlab.engine.GradMode;
import org.ddlab.engine.Seeds;
import org.ddlab.engine.Shuffle;
import org.ddlab.matching.Gradients;
import org.ddlab.nn.Architectures;
import org.ddlab.nn.Network;
import org.ddlab.sampling.RealSampler;
import org.ddlab.train.Sgd;

/**
 * MTT (Cazenavette et al., CVPR 2022): synthetic images that make a student network trained on them
 * follow the trajectory of experts trained on the real data. One step is one of the reference's
 * iterations ({@code distill.py}):
 * <ol>
 *   <li>an expert and a start epoch t ∈ [0, max_start_epoch), drawn from (seed, step);</li>
 *   <li>{@link TrajectoryMatching}: from the expert's θ*ₜ, {@code syn_steps} student steps on minibatches of
 *       the synthetic images ({@code batch_syn}, 0: all; a seeded permutation split into chunks), each
 *       minibatch DSA-augmented with a fresh per-image draw, at the learned rate α; the loss
 *       ‖θ_N − θ*ₜ₊M‖² / ‖θ*ₜ − θ*ₜ₊M‖² with M = {@code expert_epochs};</li>
 *   <li>its gradient with respect to the images and to α, and SGD with momentum 0.5 on both
 *       ({@code lr_img}, {@code lr_lr}); α starts at {@code lr_teacher}.</li>
 * </ol>
 * The experts ({@link ExpertTrajectories}) come from the shared cache; those it lacks are trained at the
 * first step, each as far as the run reads it (epoch max_start_epoch − 1 + expert_epochs). MTT draws no
 * real batch while it distils: with {@code --sampler dream} the experts train on DREAM's representative
 * batches ({@link RepresentativeBatches}), which gives them a cache of their own. The images live
 * in the data's space, as the reference's do (normalised, or whitened when the data is).
 *
 * <p>A step whose loss or gradients are not finite, that would make α non-positive or not finite, or that
 * would carry an image beyond {@value #RUNAWAY} times the real data's largest magnitude changes nothing and
 * ends the run ({@link org.ddlab.distill.DistillationRun} turns it into a
 * {@link org.ddlab.distill.DivergenceException} that points at the last good checkpoint). The learned α is
 * the set's evaluation rate: it goes into the saved set's metadata as {@code syn_lr}.
 */
public final class MttDistiller extends AbstractDistiller {

    /** How far beyond the real data's magnitude an image may go before the run counts as diverged. */
    static final double RUNAWAY = 100;

    private static final long PICK = 0x3A7;
    private static final long PLAN = 0x3A8;
    private static final long AUGMENT = 0x3A9;

    private final ExpertTrajectories experts;
    private final Network student;
    private final TrajectoryMatching matching;
    private final DsaAugment dsa = DsaAugment.reference();
    private final NDArray rate;
    private final Sgd imageOptimizer;
    private final Sgd rateOptimizer;
    private final int[] labels;
    private final double bound;
    private boolean expertsReady;
    private Preparation preparation = Preparation.NONE;

    public MttDistiller(Map<String, Object> config, RealSampler sampler, String dataset, NDManager parent) {
        this(config, sampler, dataset, parent, ExpertTrajectories.root());
    }

    /** With the experts' cache under {@code expertRoot} instead of {@link ExpertTrajectories#root()}. */
    MttDistiller(Map<String, Object> config, RealSampler sampler, String dataset, NDManager parent, Path expertRoot) {
        super(config, sampler, dataset, parent);
        ImageSet real = sampler.real();
        // MTT's real batches are its experts' training batches: that is where DREAM's sampler goes.
        RepresentativeBatches batches =
                sampler instanceof RepresentativeSampler dream ? RepresentativeBatches.of(dream) : null;
        String architecture = String.valueOf(config.get("architecture"));
        this.experts = new ExpertTrajectories(
                expertRoot, real, architecture, doubleOf("lr_teacher"), longOf("expert_seed"), batches);
        this.student = Architectures.create(architecture, real.shape().slice(1), real.numClasses())
                .initialize(manager, 0);
        this.matching = new TrajectoryMatching(student);
        this.labels = synthetic.labels();
        this.rate = manager.create(new float[] {(float) doubleOf("lr_teacher")}, new Shape(1));
        this.imageOptimizer = Sgd.ofArrays(List.of(synthetic.images()), doubleOf("lr_img"), 0.5, 0);
        this.rateOptimizer = Sgd.ofArrays(List.of(rate), doubleOf("lr_lr"), 0.5, 0);
        float[] range = real.valueRange();
        this.bound = RUNAWAY * Math.max(1, Math.max(Math.abs(range[0]), Math.abs(range[1])));
    }

    /** The epochs of each expert a step may read: start epochs 0 … max_start_epoch − 1, targets expert_epochs later. */
    int epochsRead() {
        return intOf("max_start_epoch") - 1 + intOf("expert_epochs");
    }

    /** The experts' cache. */
    public ExpertTrajectories experts() {
        return experts;
    }

    /** The learned student rate α. */
    public double learnedRate() {
        try (GradMode.Scope off = GradMode.off()) {
            return rate.getFloat(0);
        }
    }

    /** The experts the cache lacks are trained in the first step; {@code progress} hears of each epoch. */
    @Override
    public void reportPreparationTo(Preparation progress) {
        this.preparation = progress;
    }

    @Override
    protected double iterate(long t, Map<String, Double> figures) {
        if (!expertsReady) {
            long started = System.nanoTime();
            figures.put("expert_epochs_trained", (double)
                    experts.ensure(intOf("experts"), epochsRead(), manager, preparation));
            figures.put("expert_seconds", (System.nanoTime() - started) / 1e9);
            figures.put("expert_sampling_seconds", experts.samplingSeconds());
            expertsReady = true;
        }
        long seed = longOf("seed");
        Random pick = new Random(Seeds.mix(seed, t, PICK));
        int expert = pick.nextInt(intOf("experts"));
        int from = pick.nextInt(intOf("max_start_epoch"));
        float[] start = experts.parameters(expert, from, student);
        float[] target = experts.parameters(expert, from + intOf("expert_epochs"), student);
        double loss;
        try (NDScope scope = new NDScope();
                GradMode.Scope on = GradMode.on()) {
            NDArray images = synthetic.images().stopGradient().duplicate();
            images.setRequiresGradient(true);
            NDArray alpha = rate.stopGradient().duplicate();
            alpha.setRequiresGradient(true);
            NDArray value = matching.loss(
                    images,
                    labels,
                    alpha,
                    start,
                    target,
                    batches(t),
                    (x, i) -> dsa.apply(x, new Random(Seeds.mix(seed, t, i, AUGMENT))));
            loss = value.getFloat();
            if (!Double.isFinite(loss)) {
                throw diverged(
                        "the trajectory-matching loss became " + loss + " (expert " + expert + ", epoch " + from + ")");
            }
            List<NDArray> g = Gradients.of(value, List.of(images, alpha));
            if (!finite(g.get(0)) || !finite(g.get(1))) {
                throw diverged("the gradient of the loss (" + loss + ") with respect to the "
                        + (finite(g.get(0)) ? "learned rate" : "images") + " is not finite");
            }
            update(g.get(0), g.get(1));
        }
        figures.put("syn_lr", learnedRate());
        figures.put("expert", (double) expert);
        figures.put("start_epoch", (double) from);
        return loss;
    }

    /**
     * One SGD step on the images and on α, kept only if it leaves α positive and every image within
     * {@link #bound}; otherwise everything is put back and the run ends.
     */
    private void update(NDArray imageGradient, NDArray rateGradient) {
        try (GradMode.Scope off = GradMode.off()) {
            float[] images = synthetic.images().toFloatArray();
            float[] alpha = rate.toFloatArray();
            Map<String, float[]> momenta = new java.util.HashMap<>();
            imageOptimizer.state("i").forEach((k, v) -> momenta.put(k, v.toFloatArray()));
            rateOptimizer.state("r").forEach((k, v) -> momenta.put(k, v.toFloatArray()));
            imageOptimizer.stepWith(List.of(imageGradient));
            rateOptimizer.stepWith(List.of(rateGradient));
            double newRate = rate.getFloat(0);
            double largest;
            try (NDScope scope = new NDScope()) {
                largest = synthetic.images().abs().max().getFloat();
            }
            String what = null;
            if (!(newRate > 0) || !Double.isFinite(newRate)) {
                what = "the learned rate syn_lr became " + newRate + " (from " + alpha[0] + ")";
            } else if (!(largest <= bound)) {
                what = String.format(
                        Locale.ROOT,
                        "a synthetic image value reached %.3g, over %.0f times the real images' largest",
                        largest,
                        RUNAWAY);
            }
            if (what != null) {
                synthetic.images().set(images);
                rate.set(alpha);
                imageOptimizer.load("i", momenta);
                rateOptimizer.load("r", momenta);
                throw diverged(what);
            }
        }
    }

    private ArithmeticException diverged(String what) {
        return new ArithmeticException(what + "; lower lr_img (" + Double.toString(doubleOf("lr_img")) + ") or lr_lr ("
                + Double.toString(doubleOf("lr_lr")) + ")");
    }

    /**
     * The minibatches of step t's student steps: a seeded permutation of the synthetic images split into
     * chunks of {@code batch_syn}, the next permutation when one is used up (the reference's {@code indices_chunks}).
     */
    List<int[]> batches(long t) {
        int n = synthetic.size();
        int b = intOf("batch_syn") == 0 ? n : Math.min(n, intOf("batch_syn"));
        Random rng = new Random(Seeds.mix(longOf("seed"), t, PLAN));
        List<int[]> out = new ArrayList<>();
        List<int[]> chunks = new ArrayList<>();
        while (out.size() < intOf("syn_steps")) {
            if (chunks.isEmpty()) {
                int[] perm = Shuffle.permutation(n, rng);
                for (int from = 0; from < n; from += b) {
                    chunks.add(java.util.Arrays.copyOfRange(perm, from, Math.min(n, from + b)));
                }
            }
            out.add(chunks.removeFirst());
        }
        return out;
    }

    private static boolean finite(NDArray a) {
        try (NDScope scope = new NDScope()) {
            return !a.isNaN().logicalOr(a.isInfinite()).any().getBoolean();
        }
    }

    @Override
    protected Metadata describe(Metadata metadata) {
        return metadata.withExtra("syn_lr", learnedRate())
                .withExtra(
                        "syn_lr_note", "the learned student rate: MTT trains its evaluation networks with it (lr_net)")
                .withExtra("experts", experts.key())
                .withExtra("experts_batches", experts.batches())
                .withExtra("expert_sampling_seconds", experts.samplingSeconds());
    }

    @Override
    protected void saveState(Checkpoint.Writer checkpoint) {
        checkpoint.array("syn_lr", rate);
        imageOptimizer.state("sgd.images.").forEach(checkpoint::array);
        rateOptimizer.state("sgd.syn_lr.").forEach(checkpoint::array);
    }

    @Override
    protected void restoreState(Checkpoint checkpoint, Map<String, float[]> arrays) {
        try (GradMode.Scope off = GradMode.off()) {
            rate.set(require(arrays, "syn_lr", rate));
        }
        imageOptimizer.load("sgd.images.", arrays);
        rateOptimizer.load("sgd.syn_lr.", arrays);
    }
}
