package org.ddlab.matching;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ddlab.distill.Distiller;
import org.ddlab.methods.Method;
import org.ddlab.methods.Methods;
import org.ddlab.methods.Option;
import org.ddlab.sampling.RealSampler;

/**
 * DC, DSA and DM as {@link Method}s: their options and defaults are the reference code's
 * ({@link MatchingConfig} says where and why), the loops of DC/DSA by IPC as its {@code get_loops}.
 */
public abstract sealed class MatchingMethod implements Method
        permits MatchingMethod.Dc, MatchingMethod.Dsa, MatchingMethod.Dm {

    private final MatchingConfig.Method variant;

    MatchingMethod(MatchingConfig.Method variant) {
        this.variant = variant;
    }

    /** Gradient matching, DC. */
    public static final class Dc extends MatchingMethod {
        public Dc() {
            super(MatchingConfig.Method.DC);
        }

        @Override
        public String summary() {
            return "DC (Zhao, Mopuri & Bilen, ICLR 2021): match the layer-wise weight gradients of real and synthetic batches, per class";
        }
    }

    /** Gradient matching with siamese augmentation, DSA. */
    public static final class Dsa extends MatchingMethod {
        public Dsa() {
            super(MatchingConfig.Method.DSA);
        }

        @Override
        public String summary() {
            return "DSA (Zhao & Bilen, ICML 2021): DC with the same differentiable augmentation on both batches";
        }
    }

    /** Distribution matching, DM. */
    public static final class Dm extends MatchingMethod {
        public Dm() {
            super(MatchingConfig.Method.DM);
        }

        @Override
        public String summary() {
            return "DM (Zhao & Bilen, WACV 2023): match the mean embeddings of real and synthetic batches under random networks, per class";
        }

        /** DM's step is forward-only and cheap: one re-clustering per 30 keeps DREAM under 15 % of a CPU run. */
        @Override
        public int dreamInterval() {
            return 30;
        }
    }

    @Override
    public String name() {
        return variant.id();
    }

    @Override
    public List<Option> options() {
        List<Option> o = new ArrayList<>();
        o.add(Option.integer(
                "real_batch",
                "real images per class per matching",
                c -> defaults(c).realBatch(),
                1));
        o.add(Option.real("image_lr", "SGD rate of the images", c -> defaults(c).imageLr(), 0, null));
        o.add(Option.real(
                "image_momentum", "SGD momentum of the images", c -> defaults(c).imageMomentum(), 0, 1.0));
        if (variant != MatchingConfig.Method.DM) {
            o.add(Option.real(
                    "net_lr",
                    "SGD rate of the network's training between matchings",
                    c -> defaults(c).netLr(),
                    0,
                    null));
            o.add(Option.integer(
                    "outer_loop",
                    "matchings per iteration (by IPC: 1 → 1, 10 → 10, 50 → 50)",
                    c -> defaults(c).outerLoop(),
                    1));
            o.add(Option.integer(
                    "inner_loop",
                    "network epochs on the synthetic set between matchings",
                    c -> defaults(c).innerLoop(),
                    0));
            o.add(Option.choice(
                    "distance",
                    "gradient distance",
                    c -> defaults(c).distance().name().toLowerCase(Locale.ROOT),
                    List.of("layerwise_cosine", "mse", "cosine")));
        }
        return o;
    }

    private MatchingConfig defaults(Option.Context c) {
        return MatchingConfig.defaults(variant, c == null ? 10 : c.ipc(), c == null ? 1 : Math.max(1, c.steps()));
    }

    @Override
    public Distiller create(Map<String, Object> config, RealSampler sampler, String dataset, NDManager manager) {
        return variant == MatchingConfig.Method.DM
                ? new DistributionMatching(config, sampler, dataset, manager)
                : new GradientMatching(config, sampler, dataset, manager);
    }

    @Override
    public String describe(Map<String, Object> config) {
        String head = name().toUpperCase(Locale.ROOT) + ", " + Methods.text(config.get("steps")) + " iterations on "
                + config.get("architecture") + ": real batch " + Methods.text(config.get("real_batch")) + " per class";
        return variant == MatchingConfig.Method.DM
                ? head
                : head + ", outer/inner loop " + Methods.text(config.get("outer_loop")) + "/"
                        + Methods.text(config.get("inner_loop"));
    }

    /** A DC/DSA iteration is many matchings: one re-clustering per 20 keeps DREAM under 15 % of a CPU run. */
    @Override
    public int dreamInterval() {
        return 20;
    }
}
