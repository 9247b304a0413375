package org.ddlab.idc;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.ddlab.data.Datasets;
import org.ddlab.distill.Distiller;
import org.ddlab.eval.EvaluationProtocol;
import org.ddlab.methods.Method;
import org.ddlab.methods.Methods;
import org.ddlab.methods.Option;
import org.ddlab.sampling.RealSampler;
import org.ddlab.train.CutMix;
import org.ddlab.train.TrainingSchedule;

/**
 * IDC as a {@link Method}: the reference's settings by dataset and IPC ({@link IdcConfig}), each an
 * option. A dataset the reference never tuned (a folder, an npz) starts from CIFAR-10's settings.
 */
public final class IdcMethod implements Method {

    @Override
    public String name() {
        return "idc";
    }

    @Override
    public String summary() {
        return "IDC (Kim et al., ICML 2022): gradient matching on multi-formation images (each decodes into factor² "
                + "half-resolution images), a network trained on real data meanwhile";
    }

    private static IdcConfig defaults(Option.Context c) {
        String dataset = c == null || c.dataset() == null ? Datasets.DEFAULT : c.dataset();
        int ipc = c == null ? 10 : c.ipc();
        long steps = c == null ? 1 : Math.max(1, c.steps());
        try {
            return IdcConfig.defaults(dataset, ipc, steps);
        } catch (IllegalArgumentException notTuned) {
            return IdcConfig.defaults("cifar10", ipc, steps);
        }
    }

    private static Function<Option.Context, Object> of(Function<IdcConfig, Object> field) {
        return c -> field.apply(defaults(c));
    }

    @Override
    public List<Option> options() {
        return List.of(
                Option.integer(
                        "factor",
                        "multi-formation: each stored image holds factor × factor tiles",
                        of(IdcConfig::factor),
                        1),
                Option.integer(
                        "inner_loop",
                        "matchings (each class, then a network update) per step; a step starts a fresh network",
                        of(IdcConfig::innerLoop),
                        1),
                Option.integer(
                        "real_batch",
                        "real images per class per matching, and per network update batch",
                        of(IdcConfig::realBatch),
                        1),
                Option.integer(
                        "syn_batch_max",
                        "decoded images matched per class at most (a seeded subset beyond)",
                        of(IdcConfig::synBatchMax),
                        1),
                Option.real(
                        "image_lr",
                        "SGD rate of the stored images (reference: base × IPC/10 by dataset)",
                        of(IdcConfig::imageLr),
                        0,
                        null),
                Option.real(
                        "image_momentum", "SGD momentum of the stored images", of(IdcConfig::imageMomentum), 0, 1.0),
                Option.choice(
                        "metric",
                        "distance of the convolution weights' gradients: mse (CIFAR, SVHN), l1 ((F-)MNIST), cos",
                        of(c -> c.metric().id()),
                        List.of("mse", "l1", "cos")),
                Option.flag("match_bias", "also match biases and norm parameters", of(IdcConfig::matchBias)),
                Option.flag("match_fc", "also match the linear layer", of(IdcConfig::matchFc)),
                Option.text(
                        "augment",
                        "matching augmentation, one draw for real and synthetic (DSA strategy)",
                        of(IdcConfig::augment)),
                Option.integer(
                        "net_data",
                        "real images the network trains on after each matching round",
                        of(IdcConfig::netData),
                        0),
                Option.real("net_lr", "SGD rate of the network", of(IdcConfig::netLr), 1e-12, null),
                Option.real("net_momentum", "SGD momentum of the network", of(IdcConfig::netMomentum), 0, 1.0),
                Option.real(
                        "net_weight_decay", "SGD weight decay of the network", of(IdcConfig::netWeightDecay), 0, null),
                Option.real(
                        "mix_probability",
                        "CutMix probability of the network's batches",
                        of(IdcConfig::mixProbability),
                        0,
                        1.0),
                Option.real("mix_beta", "CutMix's Beta(β, β)", of(IdcConfig::mixBeta), 1e-12, null));
    }

    @Override
    public Distiller create(Map<String, Object> config, RealSampler sampler, String dataset, NDManager manager) {
        return new IdcDistiller(config, sampler, dataset, manager);
    }

    @Override
    public String describe(Map<String, Object> config) {
        return "IDC, " + Methods.text(config.get("steps")) + " steps × " + Methods.text(config.get("inner_loop"))
                + " matchings on "
                + config.get("architecture") + ": factor " + Methods.text(config.get("factor")) + ", real batch "
                + Methods.text(config.get("real_batch")) + " per class, " + config.get("metric") + " distance";
    }

    /** DREAM's start for IDC clusters each class into ipc × factor² and tiles the nearest images, as its reference. */
    @Override
    public int startImagesPerClass(Map<String, Object> config) {
        int f = ((Number) config.get("factor")).intValue();
        return ((Number) config.get("ipc")).intValue() * f * f;
    }

    /** One step is inner_loop matching rounds: DREAM's reference re-clusters every 10 of them, in the sampler's own count. */
    @Override
    public int dreamInterval() {
        return 10;
    }

    /**
     * IDC's evaluation ({@code train.py} and {@code test.py} of its reference): SGD lr 0.01, momentum 0.9,
     * weight decay 5e-4 as the common protocol, but batch 64, the rate ×0.2 after epochs ⌊2E/3⌋ and ⌊5E/6⌋
     * (its MultiStepLR), CutMix (p 0.5, Beta(1, 1)) and {@link IdcAugment#evaluation its augmentation}. The
     * reference trains 1000 epochs for every small-image dataset; the profile's epoch count E is kept so
     * that quick runs stay quick.
     */
    @Override
    public Optional<EvaluationProtocol> paperProtocol(EvaluationProtocol common, String dataset) {
        int e = common.schedule().epochs();
        // A schedule's fraction f drops the rate after epoch ⌊E·f⌋ + 1, so (m − ½)/E drops it after epoch m.
        List<Double> at = Stream.of(2 * e / 3, 5 * e / 6)
                .filter(m -> m >= 1)
                .map(m -> (m - 0.5) / e)
                .toList();
        TrainingSchedule s =
                common.schedule().withBatchSize(64).withDecay(at, 0.2).withCutMix(CutMix.reference());
        return Optional.of(common.withSchedule(s)
                .withAugmentation(IdcAugment.evaluation(dataset))
                .named("IDC's protocol"));
    }
}
