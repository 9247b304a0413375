package org.ddlab.frepo;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ddlab.distill.Distiller;
import org.ddlab.distill.Metadata;
import org.ddlab.eval.EvaluationProtocol;
import org.ddlab.methods.Method;
import org.ddlab.methods.Methods;
import org.ddlab.methods.Option;
import org.ddlab.sampling.RealSampler;

/** FRePo as a {@link Method}: its options and defaults ({@link FrepoConfig} says why each is what it is). */
public final class FrepoMethod implements Method {

    private static final FrepoConfig DEFAULTS = FrepoConfig.defaults(10, 1);

    @Override
    public String name() {
        return "frepo";
    }

    @Override
    public String summary() {
        return "FRePo (Zhou et al., NeurIPS 2022): kernel ridge regression on a pool of online-trained networks' features, learned labels";
    }

    @Override
    public List<Option> options() {
        return List.of(
                Option.integer("real_batch", "real images per step, class-balanced", c -> DEFAULTS.realBatch(), 1),
                Option.real(
                        "image_lr",
                        "Adam rate of the images, cosine-decayed to 10 %",
                        c -> DEFAULTS.imageLr(),
                        0,
                        null),
                Option.integer("pool_size", "networks in the model pool", c -> DEFAULTS.poolSize(), 1),
                Option.integer(
                        "max_online_steps",
                        "online steps before a pool network is re-initialised",
                        c -> DEFAULTS.maxOnlineSteps(),
                        0),
                Option.real(
                        "ridge",
                        "kernel ridge λ, relative to tr(K)/n",
                        c -> DEFAULTS.ridge(),
                        1e-12,
                        KernelRegression.MAX_RIDGE),
                Option.flag("learn_labels", "learn the labels too", c -> DEFAULTS.learnLabels()),
                Option.real(
                        "label_lr", "Adam rate of the learned labels, same schedule", c -> DEFAULTS.labelLr(), 0, null),
                Option.real(
                        "online_lr", "Adam rate of the pool's online steps", c -> DEFAULTS.onlineLr(), 1e-12, null));
    }

    @Override
    public Distiller create(Map<String, Object> config, RealSampler sampler, String dataset, NDManager manager) {
        return new FrepoDistiller(config, sampler, dataset, manager);
    }

    @Override
    public String describe(Map<String, Object> config) {
        return "FRePo, " + Methods.text(config.get("steps")) + " steps on " + config.get("architecture") + ": pool of "
                + Methods.text(config.get("pool_size"))
                + ", real batch " + Methods.text(config.get("real_batch")) + ", "
                + (Boolean.FALSE.equals(config.get("learn_labels")) ? "fixed" : "learned")
                + " labels";
    }

    /** FRePo draws one class-balanced batch per step, not a batch per class. */
    @Override
    public boolean matchesPerClass() {
        return false;
    }

    /** FRePo's evaluation ({@link FrepoProtocol}), for a set of the size {@code made} describes. */
    @Override
    public Optional<EvaluationProtocol> paperProtocol(EvaluationProtocol common, String dataset, Metadata made) {
        if (made.ipc() == null || made.ipc() < 1 || made.classes() == null) {
            throw new IllegalArgumentException("FRePo's evaluation takes its number of steps from the set's size, and "
                    + "this set's metadata gives no images per class (ipc " + made.ipc() + "); leave --protocol out");
        }
        return Optional.of(
                FrepoProtocol.of(common, dataset, made.ipc() * made.classes().size()));
    }

    /** One re-clustering per 100 steps keeps DREAM's embedding under 15 % of a CPU run (docs/results.md, DREAM). */
    @Override
    public int dreamInterval() {
        return 100;
    }
}
