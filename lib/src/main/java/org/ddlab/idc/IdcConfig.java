package org.ddlab.idc;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.ddlab.augment.DsaParams;
import org.ddlab.train.CutMix;

/**
 * IDC's settings (Kim et al., ICML 2022). {@link #defaults} gives the reference's for each small-image
 * dataset, as its {@code --reproduce} flag sets them ({@code misc/reproduce.py}, {@code argument.py}).
 *
 * <p>One outer iteration takes a freshly initialised network and runs {@code innerLoop} inner steps;
 * an inner step matches every class once (a real batch of {@code realBatch} images of the class
 * against the class's decoded synthetic images, at most {@code synBatchMax}, one SGD step on the stored
 * images per class) and then trains the network on real data for {@code netData} samples.
 *
 * <p>The image learning rate is the reference's {@code tune_lr_img}: a base rate (5e-3 for CIFAR and
 * SVHN, 1e-4 for MNIST and Fashion-MNIST) × ipc/10 × (side/base side)², where the base side is 28 for
 * MNIST and 32 for every other dataset. Fashion-MNIST's 28-pixel images therefore get
 * (28/32)² = 0.766 of the base rate while MNIST's get all of it — a quirk of the reference (it tests
 * {@code dataset == 'mnist'} only). The defaults keep it: the published Fashion-MNIST accuracies were
 * obtained with it, and the defaults are for reproducing them; {@code with("image_lr", …)} changes it.
 *
 * @param ipc            stored synthetic images per class
 * @param iterations     outer iterations, each with a fresh network (reference: 2000, {@link #REFERENCE_ITERATIONS})
 * @param innerLoop      inner steps per outer iteration (reference 100)
 * @param factor         multi-formation factor: f² training images per stored image (reference 2; 1 is IDC-I)
 * @param architecture   the matching network (reference ConvNet-3, width 128, instance norm: {@code convnet})
 * @param realBatch      real images per class per matching, and the batch of the network updates (reference 64)
 * @param synBatchMax    most decoded synthetic images of a class per matching, a random subset beyond (reference 128)
 * @param imageLr        SGD rate of the stored images
 * @param imageMomentum  SGD momentum of the stored images (reference 0.5)
 * @param metric         gradient distance (reference: mse for CIFAR and SVHN, l1 for MNIST and Fashion-MNIST)
 * @param matchBias      match 1-D parameters too (reference {@code --bias}, off)
 * @param matchFc        match fully connected weights too (reference {@code --fc}, off)
 * @param augment        matching augmentation, an {@link IdcAugment} strategy (reference {@code color_crop_cutout};
 *                       {@code color_crop} for MNIST with factor > 1)
 * @param netData        real samples per network update (reference: 2000 for CIFAR, 500 for the others)
 * @param netLr          SGD rate of the network updates (reference 0.01)
 * @param netMomentum    their momentum (reference 0.9)
 * @param netWeightDecay their weight decay (reference 5e-4)
 * @param mixProbability CutMix probability of the network updates (reference 0.5; 0, i.e. off, for MNIST with factor > 1)
 * @param mixBeta        CutMix's Beta(β, β) (reference 1)
 * @param seed           seed of every random choice
 */
public record IdcConfig(
        int ipc,
        long iterations,
        int innerLoop,
        int factor,
        String architecture,
        int realBatch,
        int synBatchMax,
        double imageLr,
        double imageMomentum,
        IdcDistance.Metric metric,
        boolean matchBias,
        boolean matchFc,
        String augment,
        int netData,
        double netLr,
        double netMomentum,
        double netWeightDecay,
        double mixProbability,
        double mixBeta,
        long seed) {

    /** The reference's outer iterations for every small-image dataset ({@code --reproduce}: niter 2000, inner loop 100). */
    public static final long REFERENCE_ITERATIONS = 2000;

    public IdcConfig {
        atLeast("ipc", ipc, 1);
        atLeast("steps", iterations, 1);
        atLeast("inner_loop", innerLoop, 1);
        atLeast("factor", factor, 1);
        atLeast("real_batch", realBatch, 1);
        atLeast("syn_batch_max", synBatchMax, 1);
        atLeast("net_data", netData, 0);
        if (architecture == null || architecture.isBlank()) {
            throw new IllegalArgumentException("IDC option architecture is empty; e.g. convnet.");
        }
        positive("image_lr", imageLr);
        positive("net_lr", netLr);
        within("image_momentum", imageMomentum, 0, 1);
        within("net_momentum", netMomentum, 0, 1);
        within("net_weight_decay", netWeightDecay, 0, Double.MAX_VALUE);
        if (metric == null) {
            throw new IllegalArgumentException("IDC option metric is missing; use mse, l1 or cos.");
        }
        try {
            augment = augment == null ? "" : augment.trim().toLowerCase(Locale.ROOT);
            IdcAugment.params(augment);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("IDC option augment: " + e.getMessage(), e);
        }
        within("mix_probability", mixProbability, 0, 1);
        positive("mix_beta", mixBeta);
    }

    /** The reference's settings for {@code dataset} with factor 2. */
    public static IdcConfig defaults(String dataset, int ipc, long iterations) {
        return defaults(dataset, ipc, iterations, MultiFormation.DEFAULT_FACTOR);
    }

    /**
     * The reference's settings for {@code dataset}: {@code cifar10}, {@code cifar100} (and
     * {@code cifar100-coarse}), {@code svhn}, {@code mnist}, {@code fashion-mnist}.
     *
     * @throws IllegalArgumentException for any other dataset: the reference has no settings for it
     */
    public static IdcConfig defaults(String dataset, int ipc, long iterations, int factor) {
        String d = dataset == null ? "" : dataset.trim().toLowerCase(Locale.ROOT);
        Family f;
        if (d.startsWith("cifar")) {
            f = new Family(5e-3, 32, 32, IdcDistance.Metric.MSE, 2000);
        } else if (d.equals("svhn")) {
            f = new Family(5e-3, 32, 32, IdcDistance.Metric.MSE, 500);
        } else if (d.equals("mnist")) {
            f = new Family(1e-4, 28, 28, IdcDistance.Metric.L1, 500);
        } else if (d.equals("fashion-mnist") || d.equals("fashion")) {
            f = new Family(1e-4, 28, 32, IdcDistance.Metric.L1, 500);
        } else {
            throw new IllegalArgumentException("IDC's reference has settings for cifar10, cifar100, svhn, mnist and "
                    + "fashion-mnist, not '" + dataset
                    + "'; start from the closest, e.g. IdcConfig.defaults(\"cifar10\", "
                    + ipc + ", " + iterations + "), and set image_lr and metric with with(option, value).");
        }
        atLeast("ipc", ipc, 1);
        double side = (double) f.side / f.baseSide;
        double imageLr = f.baseLr * ipc / 10.0 * side * side;
        // MNIST with multi-formation: the reference turns cutout and CutMix off ("not much effective").
        boolean plainMnist = d.equals("mnist") && factor > 1;
        return new IdcConfig(
                ipc,
                iterations,
                100,
                factor,
                "convnet",
                64,
                128,
                imageLr,
                0.5,
                f.metric,
                false,
                false,
                plainMnist ? "color_crop" : IdcAugment.MATCHING,
                f.netData,
                0.01,
                0.9,
                5e-4,
                plainMnist ? 0 : 0.5,
                1.0,
                0);
    }

    /** A dataset's reference constants: base image rate, image side, the side tune_lr_img divides by, metric, n_data. */
    private record Family(double baseLr, int side, int baseSide, IdcDistance.Metric metric, int netData) {}

    /** This configuration with one option changed, named as in {@link #toMap()}; validated like the rest. */
    public IdcConfig with(String option, Object value) {
        Map<String, Object> m = toMap();
        if (!m.containsKey(option) || option.equals("method")) {
            m.remove("method");
            throw new IllegalArgumentException(
                    "IDC has no option '" + option + "'; options: " + String.join(", ", m.keySet()) + ".");
        }
        m.put(option, value);
        return fromMap(m);
    }

    public IdcConfig withIterations(long n) {
        return with("steps", n);
    }

    public IdcConfig withSeed(long s) {
        return with("seed", s);
    }

    /** Training images per class after decoding: ipc·f². */
    public int decodedPerClass() {
        return ipc * factor * factor;
    }

    /** The matching distance these settings describe. */
    public IdcDistance distance() {
        return new IdcDistance(metric, matchBias, matchFc);
    }

    /** The matching augmentation, one shared draw per matching (the reference's {@code batch=True}). */
    public DsaParams matchingAugment() {
        return IdcAugment.params(augment);
    }

    /**
     * The network updates' augmentation, drawn per image: the matching strategy without cutout when
     * CutMix is on (the reference's {@code remove_aug} for {@code mixup_net='cut'}).
     */
    public DsaParams networkAugment() {
        return IdcAugment.params(mixProbability > 0 ? IdcAugment.withoutCutout(augment) : augment);
    }

    /** CutMix of the network updates. */
    public CutMix cutMix() {
        return new CutMix(mixProbability, mixBeta);
    }

    /** Back from {@link #toMap()} (as JSON gives it: numbers may come back as doubles). */
    public static IdcConfig fromMap(Map<String, Object> m) {
        if (m.containsKey("method") && !"idc".equals(String.valueOf(m.get("method")))) {
            throw new IllegalArgumentException("not an IDC configuration: method is '" + m.get("method") + "'.");
        }
        return new IdcConfig(
                num(m, "ipc").intValue(),
                num(m, m.containsKey("steps") ? "steps" : "iterations").longValue(),
                num(m, "inner_loop").intValue(),
                num(m, "factor").intValue(),
                str(m, "architecture"),
                num(m, "real_batch").intValue(),
                num(m, "syn_batch_max").intValue(),
                num(m, "image_lr").doubleValue(),
                num(m, "image_momentum").doubleValue(),
                IdcDistance.Metric.parse(str(m, "metric")),
                bool(m, "match_bias"),
                bool(m, "match_fc"),
                str(m, "augment"),
                num(m, "net_data").intValue(),
                num(m, "net_lr").doubleValue(),
                num(m, "net_momentum").doubleValue(),
                num(m, "net_weight_decay").doubleValue(),
                num(m, "mix_probability").doubleValue(),
                num(m, "mix_beta").doubleValue(),
                num(m, "seed").longValue());
    }

    /** As a JSON-friendly map, for metadata and the checkpoint's configuration check. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", "idc");
        m.put("ipc", ipc);
        m.put("steps", iterations);
        m.put("inner_loop", innerLoop);
        m.put("factor", factor);
        m.put("architecture", architecture);
        m.put("real_batch", realBatch);
        m.put("syn_batch_max", synBatchMax);
        m.put("image_lr", imageLr);
        m.put("image_momentum", imageMomentum);
        m.put("metric", metric.id());
        m.put("match_bias", matchBias);
        m.put("match_fc", matchFc);
        m.put("augment", augment);
        m.put("net_data", netData);
        m.put("net_lr", netLr);
        m.put("net_momentum", netMomentum);
        m.put("net_weight_decay", netWeightDecay);
        m.put("mix_probability", mixProbability);
        m.put("mix_beta", mixBeta);
        m.put("seed", seed);
        return m;
    }

    private static Number num(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v instanceof Number n) {
            if (n instanceof Double || n instanceof Float) {
                double d = n.doubleValue();
                // A whole number that JSON returned as a double is fine; 2.5 images per class is not.
                if (isInteger(key) && d != Math.rint(d)) {
                    throw new IllegalArgumentException("IDC option " + key + " must be a whole number, got " + d + ".");
                }
            }
            return n;
        }
        throw new IllegalArgumentException(
                v == null
                        ? "the IDC configuration lacks '" + key + "'."
                        : "IDC option " + key + " must be a number, got '" + v + "'.");
    }

    private static boolean isInteger(String key) {
        return switch (key) {
            case "ipc",
                    "steps",
                    "iterations",
                    "inner_loop",
                    "factor",
                    "real_batch",
                    "syn_batch_max",
                    "net_data",
                    "seed" -> true;
            default -> false;
        };
    }

    private static String str(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            throw new IllegalArgumentException("the IDC configuration lacks '" + key + "'.");
        }
        return String.valueOf(v);
    }

    private static boolean bool(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException(
                v == null
                        ? "the IDC configuration lacks '" + key + "'."
                        : "IDC option " + key + " must be true or false, got '" + v + "'.");
    }

    private static void atLeast(String option, long v, long min) {
        if (v < min) {
            throw new IllegalArgumentException("IDC option " + option + " must be ≥ " + min + ", got " + v + ".");
        }
    }

    private static void positive(String option, double v) {
        if (!(v > 0 && Double.isFinite(v))) {
            throw new IllegalArgumentException("IDC option " + option + " must be a positive number, got " + v + ".");
        }
    }

    private static void within(String option, double v, double lo, double hi) {
        if (!(v >= lo && v <= hi)) {
            throw new IllegalArgumentException("IDC option " + option + " must be in [" + lo + ", "
                    + (hi == Double.MAX_VALUE ? "inf" : String.valueOf(hi)) + "], got " + v + ".");
        }
    }
}
