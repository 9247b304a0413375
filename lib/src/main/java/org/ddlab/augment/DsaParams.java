package org.ddlab.augment;

import java.util.List;

/**
 * Strengths of Differentiable Siamese Augmentation. Defaults are the reference's
 * ({@code ParamDiffAug} in DatasetCondensation utils.py), restated so that a strength of zero means
 * "leave the image alone" — which the reference's own numbers do not (its {@code saturation=2}
 * multiplies by {@code u*2}, so 0 would turn images grey):
 *
 * <table>
 * <caption>mapping to the reference</caption>
 * <tr><th>here</th><th>default</th><th>effect</th><th>reference</th></tr>
 * <tr><td>{@code brightness}</td><td>0.5</td><td>x + U(-b, b)</td><td>brightness=1.0: x + (u-0.5)*1</td></tr>
 * <tr><td>{@code saturation}</td><td>1.0</td><td>grey + (x-grey) * U(1-s, 1+s), 3-channel only</td><td>saturation=2.0: u*2</td></tr>
 * <tr><td>{@code contrast}</td><td>0.5</td><td>m + (x-m) * U(1-c, 1+c), m = image mean</td><td>contrast=0.5: u+0.5</td></tr>
 * <tr><td>{@code cropRatio}</td><td>0.125</td><td>shift by an integer in ±round(size*r), zero fill</td><td>ratio_crop_pad</td></tr>
 * <tr><td>{@code cutoutRatio}</td><td>0.5</td><td>zero a round(H*r)×round(W*r) box</td><td>ratio_cutout</td></tr>
 * <tr><td>{@code flipProbability}</td><td>0.5</td><td>mirror left-right</td><td>prob_flip</td></tr>
 * <tr><td>{@code scale}</td><td>1.2</td><td>zoom factors U(1/s, s) per axis</td><td>ratio_scale</td></tr>
 * <tr><td>{@code rotateDegrees}</td><td>15</td><td>rotate U(-r, r) degrees</td><td>ratio_rotate</td></tr>
 * </table>
 *
 * @param strategy        the operations to choose from (or to chain, in {@link Mode#ALL})
 * @param mode            {@link Mode#SINGLE} (reference default 'S') or {@link Mode#ALL} ('M')
 * @param flipProbability probability of a left-right flip, in [0, 1]
 * @param scale           largest zoom factor, ≥ 1 (1 = no zoom)
 * @param rotateDegrees   largest rotation in degrees, ≥ 0
 * @param cropRatio       largest shift as a fraction of the side, in [0, 1]
 * @param cutoutRatio     cutout side as a fraction of the image side, in [0, 1]
 * @param brightness      largest additive brightness change, ≥ 0
 * @param saturation      largest relative saturation change, ≥ 0
 * @param contrast        largest relative contrast change, ≥ 0
 * @param alignCorners    how scale and rotate resample, as {@code F.affine_grid}/{@code F.grid_sample}'s flag: true
 *                        (DC/DSA's reference: ±1 are the centres of the corner pixels) or false (PyTorch's default,
 *                        which IDC's reference uses: ±1 are the image's outer edges)
 */
public record DsaParams(
        List<Operation> strategy,
        Mode mode,
        double flipProbability,
        double scale,
        double rotateDegrees,
        double cropRatio,
        double cutoutRatio,
        double brightness,
        double saturation,
        double contrast,
        boolean alignCorners) {

    /** How a draw picks operations from the strategy. */
    public enum Mode {
        /**
         * One operation, chosen uniformly from the strategy, per draw: the reference's default
         * {@code aug_mode='S'}, which DC/DSA/DM train with.
         */
        SINGLE,
        /** Every operation of the strategy, in order: the reference's {@code aug_mode='M'}. */
        ALL
    }

    public DsaParams {
        strategy = List.copyOf(strategy);
        if (mode == null) {
            throw new IllegalArgumentException("DSA mode is null; use SINGLE (reference) or ALL.");
        }
        check("flipProbability", flipProbability, 0, 1);
        check("scale", scale, 1, Double.MAX_VALUE);
        check("rotateDegrees", rotateDegrees, 0, 180);
        check("cropRatio", cropRatio, 0, 1);
        check("cutoutRatio", cutoutRatio, 0, 1);
        check("brightness", brightness, 0, Double.MAX_VALUE);
        check("saturation", saturation, 0, Double.MAX_VALUE);
        check("contrast", contrast, 0, Double.MAX_VALUE);
    }

    private static void check(String name, double v, double lo, double hi) {
        if (!(v >= lo && v <= hi)) {
            throw new IllegalArgumentException("DSA " + name + " = " + v + " is outside [" + lo + ", "
                    + (hi == Double.MAX_VALUE ? "inf" : String.valueOf(hi)) + "].");
        }
    }

    /** The reference settings: strategy color_crop_cutout_flip_scale_rotate, mode SINGLE. */
    public static DsaParams reference() {
        return builder().build();
    }

    /** Every operation enabled but with zero strength: an identity, for tests and ablations. */
    public static DsaParams identity() {
        return builder()
                .flipProbability(0)
                .scale(1)
                .rotateDegrees(0)
                .cropRatio(0)
                .cutoutRatio(0)
                .brightness(0)
                .saturation(0)
                .contrast(0)
                .build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .strategy(strategy)
                .mode(mode)
                .flipProbability(flipProbability)
                .scale(scale)
                .rotateDegrees(rotateDegrees)
                .cropRatio(cropRatio)
                .cutoutRatio(cutoutRatio)
                .brightness(brightness)
                .saturation(saturation)
                .contrast(contrast)
                .alignCorners(alignCorners);
    }

    /** The strategy as the reference writes it, e.g. {@code color_crop_cutout_flip_scale_rotate}. */
    public String strategyString() {
        return Operation.format(strategy);
    }

    /** Builder with the reference defaults. */
    public static final class Builder {
        private List<Operation> strategy = Operation.all();
        private Mode mode = Mode.SINGLE;
        private double flipProbability = 0.5;
        private double scale = 1.2;
        private double rotateDegrees = 15;
        private double cropRatio = 0.125;
        private double cutoutRatio = 0.5;
        private double brightness = 0.5;
        private double saturation = 1.0;
        private double contrast = 0.5;
        private boolean alignCorners = true;

        private Builder() {}

        public Builder strategy(List<Operation> ops) {
            this.strategy = ops;
            return this;
        }

        public Builder strategy(Operation... ops) {
            return strategy(List.of(ops));
        }

        /** Reference-style strategy string, e.g. {@code "color_crop_cutout_flip_scale_rotate"}. */
        public Builder strategy(String ops) {
            return strategy(Operation.parse(ops));
        }

        public Builder mode(Mode mode) {
            this.mode = mode;
            return this;
        }

        public Builder flipProbability(double p) {
            this.flipProbability = p;
            return this;
        }

        public Builder scale(double s) {
            this.scale = s;
            return this;
        }

        public Builder rotateDegrees(double d) {
            this.rotateDegrees = d;
            return this;
        }

        public Builder cropRatio(double r) {
            this.cropRatio = r;
            return this;
        }

        public Builder cutoutRatio(double r) {
            this.cutoutRatio = r;
            return this;
        }

        public Builder brightness(double b) {
            this.brightness = b;
            return this;
        }

        public Builder saturation(double s) {
            this.saturation = s;
            return this;
        }

        public Builder contrast(double c) {
            this.contrast = c;
            return this;
        }

        /** Scale and rotate resample with {@code align_corners} = {@code a} (default true, DSA's reference). */
        public Builder alignCorners(boolean a) {
            this.alignCorners = a;
            return this;
        }

        public DsaParams build() {
            return new DsaParams(
                    strategy,
                    mode,
                    flipProbability,
                    scale,
                    rotateDegrees,
                    cropRatio,
                    cutoutRatio,
                    brightness,
                    saturation,
                    contrast,
                    alignCorners);
        }
    }
}
