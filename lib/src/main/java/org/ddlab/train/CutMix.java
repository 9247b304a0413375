package org.ddlab.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.Random;
import org.ddlab.engine.GradMode;
import org.ddlab.engine.GraphConstants;
import org.ddlab.engine.Shuffle;
import org.ddlab.nn.Network;

/**
 * CutMix (Yun et al., ICCV 2019) as IDC trains its networks with it — the network updates on real data
 * during condensation and the evaluation on the condensed set ({@code train_epoch} in the reference's
 * {@code train.py}, {@code rand_bbox} and {@code random_indices} in {@code misc/utils.py}). With
 * probability {@code probability} a batch gets one box, the same for every image, pasted from a random
 * permutation of the batch; the loss weighs each image's own label by the share λ of the image it
 * keeps and the partner's by 1 − λ.
 *
 * <p>The box, as the reference draws it: λ₀ ~ Beta(β, β); sides {@code int(H·√(1−λ₀))} and
 * {@code int(W·√(1−λ₀))}; a centre uniform over the pixels; corners centre ± ⌊side/2⌋ clipped to the image.
 * λ is then recomputed from the clipped box, {@code 1 − area/(H·W)}. The partner permutation mixes
 * classes (the reference's {@code intraclass=False}).
 *
 * <p>Randomness comes from the {@link Random} passed in, in the reference's order (the coin, λ₀, the
 * permutation, the centre row, the centre column), so a seed fixes every choice.
 *
 * <p>Two ways to use it. {@link Trainer} mixes the batches of a schedule with a CutMix
 * ({@link TrainingSchedule#cutMix}) through {@link #targets}: soft cross-entropy against the mixed
 * targets equals the mixed loss, so training on a set needs no second loss. IDC's network updates during
 * condensation run on a stream of real batches for a number of samples, not epochs over a set; there
 * {@link #step} is the one step, with {@link #loss}.
 *
 * @param probability chance that a batch is mixed, in [0, 1] (IDC: 0.5; 0 turns CutMix off)
 * @param beta        the Beta(β, β) parameter of λ₀, > 0 (IDC: 1, i.e. uniform)
 */
public record CutMix(double probability, double beta) {

    public CutMix {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("CutMix probability must be in [0, 1], got " + probability + ".");
        }
        if (!(beta > 0 && Double.isFinite(beta))) {
            throw new IllegalArgumentException("CutMix beta must be positive, got " + beta + ".");
        }
    }

    /** IDC's setting for CIFAR, SVHN, MNIST and Fashion-MNIST: p = 0.5, Beta(1, 1). */
    public static CutMix reference() {
        return new CutMix(0.5, 1.0);
    }

    /**
     * One batch's mix: a box [row0, row1) × [col0, col1) of images height × width filled from image
     * {@code permutation[i]} into image i; no mix when {@code permutation} is null.
     */
    public record Mix(int[] permutation, int row0, int row1, int col0, int col1, int height, int width) {

        public Mix {
            if (height < 1
                    || width < 1
                    || row0 < 0
                    || row1 < row0
                    || row1 > height
                    || col0 < 0
                    || col1 < col0
                    || col1 > width) {
                throw new IllegalArgumentException("CutMix box rows [" + row0 + ", " + row1 + "), columns [" + col0
                        + ", " + col1 + ") does not fit " + height + "×" + width + " images.");
            }
            permutation = permutation == null ? null : permutation.clone();
        }

        /** No mixing. */
        public static Mix none(int height, int width) {
            return new Mix(null, 0, 0, 0, 0, height, width);
        }

        public boolean applied() {
            return permutation != null;
        }

        @Override
        public int[] permutation() {
            return permutation == null ? null : permutation.clone();
        }

        /** λ, the share of each image it keeps: 1 − box area / (H·W); 1 without mixing. */
        public double kept() {
            return applied() ? 1 - (double) (row1 - row0) * (col1 - col0) / ((double) height * width) : 1;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Mix m
                    && Arrays.equals(permutation, m.permutation)
                    && row0 == m.row0
                    && row1 == m.row1
                    && col0 == m.col0
                    && col1 == m.col1
                    && height == m.height
                    && width == m.width;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(permutation) * 31
                    + Arrays.hashCode(new int[] {row0, row1, col0, col1, height, width});
        }

        @Override
        public String toString() {
            return applied()
                    ? String.format(
                            "Mix[rows %d..%d, cols %d..%d of %d×%d, kept %.3f]",
                            row0, row1, col0, col1, height, width, kept())
                    : "Mix[none]";
        }
    }

    /** Draws the mix of a batch of {@code batch} images height × width. */
    public Mix draw(Random rng, int batch, int height, int width) {
        if (batch < 1) {
            throw new IllegalArgumentException("CutMix needs a batch of at least 1 image, got " + batch + ".");
        }
        if (!(rng.nextDouble() < probability)) {
            return Mix.none(height, width);
        }
        double lambda = beta == 1 ? rng.nextDouble() : sampleBeta(rng, beta);
        int[] perm = Shuffle.permutation(batch, rng);
        double cut = Math.sqrt(1 - lambda);
        int cutH = (int) (height * cut);
        int cutW = (int) (width * cut);
        int cy = rng.nextInt(height);
        int cx = rng.nextInt(width);
        return new Mix(
                perm,
                clip(cy - cutH / 2, height),
                clip(cy + cutH / 2, height),
                clip(cx - cutW / 2, width),
                clip(cx + cutW / 2, width),
                height,
                width);
    }

    /**
     * {@code x} [B, C, H, W] with the box of every image i replaced by that of image
     * {@code permutation[i]}; a new array in x's manager (x itself is left alone).
     */
    public static NDArray images(NDArray x, Mix mix) {
        Shape s = x.getShape();
        if (s.dimension() != 4 || s.get(2) != mix.height() || s.get(3) != mix.width()) {
            throw new IllegalArgumentException(
                    "this CutMix draw is for [B, C, " + mix.height() + ", " + mix.width() + "] images, got " + s + ".");
        }
        if (!mix.applied()) {
            return x.add(0f);
        }
        checkBatch(s.get(0), mix);
        try (NDManager scope = x.getManager().newSubManager(x.getDevice())) {
            scope.tempAttachAll(x);
            float[] box = new float[mix.height() * mix.width()];
            for (int r = mix.row0(); r < mix.row1(); r++) {
                Arrays.fill(box, r * mix.width() + mix.col0(), r * mix.width() + mix.col1(), 1f);
            }
            NDArray mask = GraphConstants.of(scope, box, new Shape(1, 1, mix.height(), mix.width()));
            NDArray partners = x.get(permutationArray(scope, mix));
            // x + mask·(partner − x): the box from the partner, the rest kept.
            return scope.ret(x.add(partners.sub(x).mul(mask)));
        }
    }

    /** λ·CE(logits, labels) + (1 − λ)·CE(logits, labels[permutation]), each a batch mean; plain CE without mixing. */
    public static NDArray loss(NDArray logits, NDArray labels, Mix mix) {
        NDArray own = Loss.CROSS_ENTROPY.compute(logits, labels);
        if (!mix.applied()) {
            return own;
        }
        checkBatch(labels.getShape().get(0), mix);
        NDArray partner = Loss.CROSS_ENTROPY.compute(logits, labels.get(permutationArray(labels.getManager(), mix)));
        double lambda = mix.kept();
        // Products save their scalars for the backward pass: engine-made (see GraphConstants).
        return own.mul(GraphConstants.scalar(own, lambda)).add(partner.mul(GraphConstants.scalar(partner, 1 - lambda)));
    }

    /**
     * The same mix as soft targets [B, classes]: λ·onehot(y) + (1 − λ)·onehot(y[permutation]), against
     * which soft cross-entropy equals {@link #loss}.
     */
    public static NDArray targets(NDArray labels, int classes, Mix mix) {
        return mixTargets(labels.toType(DataType.INT64, false).oneHot(classes), mix);
    }

    /** Target vectors [B, K] mixed as their images: λ·t + (1 − λ)·t[permutation]; unchanged without mixing. */
    public static NDArray mixTargets(NDArray vectors, Mix mix) {
        if (!mix.applied()) {
            return vectors;
        }
        checkBatch(vectors.getShape().get(0), mix);
        NDArray partner = vectors.get(permutationArray(vectors.getManager(), mix));
        return vectors.mul((float) mix.kept()).add(partner.mul((float) (1 - mix.kept())));
    }

    /**
     * One SGD step of {@code net} on a labelled batch as IDC takes it: augment with fresh draws (no
     * gradient, as the reference's {@code torch.no_grad()}), mix, cross-entropy as {@link #loss}, backward,
     * {@code sgd.step()}. Gradients are zeroed first (the reference's {@code optimizer.zero_grad()});
     * temporaries are freed. Returns the batch loss.
     *
     * @param images       [B, C, H, W] float32
     * @param labels       [B] class indices
     * @param augmentation per-image augmentation, or {@link Augmentation#NONE}
     * @param rng          the augmentation's draws, then the mix's
     */
    public float step(Network net, Sgd sgd, NDArray images, NDArray labels, Augmentation augmentation, Random rng) {
        long b = images.getShape().get(0);
        if (labels.getShape().dimension() != 1 || labels.getShape().get(0) != b) {
            throw new IllegalArgumentException(
                    "CutMix step needs one label per image: " + b + " images, labels " + labels.getShape() + ".");
        }
        try (GradMode.Scope off = GradMode.off();
                NDManager scope = images.getManager().newSubManager(images.getDevice())) {
            scope.tempAttachAll(images, labels);
            NDArray augmented = augmentation.apply(images, rng);
            Mix mix = draw(
                    rng,
                    Math.toIntExact(b),
                    Math.toIntExact(images.getShape().get(2)),
                    Math.toIntExact(images.getShape().get(3)));
            NDArray x = images(augmented, mix);
            net.zeroGradients();
            float value;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray l = loss(net.logits(x, true), labels, mix);
                gc.backward(l);
                value = l.getFloat();
            }
            sgd.step();
            return value;
        }
    }

    private static void checkBatch(long n, Mix mix) {
        if (n != mix.permutation.length) {
            throw new IllegalArgumentException(
                    "this CutMix draw is for a batch of " + mix.permutation.length + ", got " + n + ".");
        }
    }

    /** The permutation as an engine-owned index: indexing saves it for the backward pass (see GraphConstants). */
    private static NDArray permutationArray(NDManager manager, Mix mix) {
        try (NDArray wrapped =
                manager.create(Arrays.stream(mix.permutation).asLongStream().toArray())) {
            return wrapped.duplicate();
        }
    }

    private static int clip(int v, int hi) {
        return Math.max(0, Math.min(hi, v));
    }

    /** Beta(a, a) as X / (X + Y) with X, Y ~ Gamma(a). Package-private: its test checks the distribution. */
    static double sampleBeta(Random rng, double a) {
        double x = sampleGamma(rng, a);
        double y = sampleGamma(rng, a);
        return x / (x + y);
    }

    /** Gamma(a, 1) by Marsaglia and Tsang (2000); a < 1 through Gamma(a + 1)·U^(1/a). Package-private for its test. */
    static double sampleGamma(Random rng, double a) {
        if (a < 1) {
            return sampleGamma(rng, a + 1) * Math.pow(rng.nextDouble(), 1 / a);
        }
        double d = a - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double z = rng.nextGaussian();
            double v = 1 + c * z;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = rng.nextDouble();
            if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) {
                return d * v;
            }
        }
    }
}
