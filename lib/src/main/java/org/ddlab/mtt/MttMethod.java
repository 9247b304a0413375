package org.ddlab.mtt;

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

/**
 * MTT as a {@link Method}. Defaults are the reference's (GeorgeCazenavette/mtt-distillation), as far as
 * the reference states them:
 * <ul>
 *   <li>{@code distill.py}'s argparse defaults: syn_steps 20, expert_epochs 3, max_start_epoch 25, lr_img 1000,
 *       lr_lr 1e-5, lr_teacher 0.01, batch_syn all; {@code buffer.py}'s: 100 experts trained with SGD at
 *       lr_teacher 0.01, batch 256, DSA.</li>
 *   <li>Its readme's one command per setting, CIFAR-100 at IPC 1 (with ZCA): syn_steps 20, expert_epochs 3,
 *       max_start_epoch 20, lr_img 1000, lr_lr 1e-5, lr_teacher 0.01 — the argparse defaults but for
 *       max_start_epoch.</li>
 * </ul>
 * The paper's table of settings per dataset and IPC (its appendix) is not in the repository, and ddlab does
 * not use values it cannot check there: every other CIFAR-10 and CIFAR-100 setting takes the argparse
 * defaults, which may differ from the paper's. Datasets the paper never ran (Fashion-MNIST, MNIST, SVHN,
 * folders, npz files) take the same values, which are also CIFAR-10's without ZCA. ddlab does not add ZCA:
 * MTT learns in the data's space, whitened only when the data's preprocessing is ZCA (CIFAR's default here,
 * as the reference's commands use {@code --zca}).
 *
 * <p>Cost. The defaults are the reference's, and on a CPU they are days of work: 100 experts, each trained
 * as far as the run reads it (max_start_epoch − 1 + expert_epochs = 27 epochs over the whole training
 * split; the reference trains 50, of which its defaults read 27 — the later ones are never used, and an
 * expert's early epochs do not depend on how many follow, so ddlab trains only what a run reads), then
 * steps of 20 unrolled student updates. Experts are trained once per data, architecture, lr_teacher,
 * expert_seed and kind of batch, and shared by every later run whatever its own seed
 * ({@link ExpertTrajectories}). A quick run passes small values, e.g.
 * {@code --experts 2 --max-start-epoch 2 --expert-epochs 1 --syn-steps 10}: 2 experts of 2 epochs.
 */
public final class MttMethod implements Method {

    /** CIFAR-100 at IPC 1: the one setting the reference's readme gives a command for. */
    private static final int README_MAX_START_EPOCH = 20;

    @Override
    public String name() {
        return "mtt";
    }

    @Override
    public String summary() {
        return "MTT (Cazenavette et al., CVPR 2022): a student trained on the synthetic images follows the trajectories of "
                + "experts trained on the real data (experts cached and shared by runs); learns its own step size";
    }

    private static int maxStartEpoch(Option.Context c) {
        return c != null && "cifar100".equals(c.dataset()) && c.ipc() == 1 ? README_MAX_START_EPOCH : 25;
    }

    @Override
    public List<Option> options() {
        return List.of(
                Option.integer(
                        "experts",
                        "expert networks trained on the real data, once, into a cache runs share (-Dddlab.experts, "
                                + "else $DDLAB_EXPERTS, else runs/experts); each trains max_start_epoch - 1 + expert_epochs epochs over the "
                                + "whole training split (reference 100; a quick run: 2)",
                        c -> 100,
                        1),
                Option.integer(
                        "expert_epochs",
                        "M: the student's N steps are matched to the expert M epochs later (reference 3)",
                        c -> 3,
                        1),
                Option.integer(
                        "max_start_epoch",
                        "a step starts from an expert's epoch drawn from 0 … this − 1 (reference 25; "
                                + "CIFAR-100 IPC 1: 20)",
                        MttMethod::maxStartEpoch,
                        1),
                Option.integer(
                        "syn_steps",
                        "N: student steps on the synthetic images per step, unrolled (reference 20)",
                        c -> 20,
                        1),
                Option.integer(
                        "batch_syn",
                        "synthetic images per student step, a seeded permutation in chunks (0: all, the reference's default)",
                        c -> 0,
                        0),
                Option.real("lr_img", "SGD rate of the images, momentum 0.5 (reference 1000)", c -> 1000.0, 0, null),
                Option.real(
                        "lr_lr",
                        "SGD rate of the learned student rate syn_lr, momentum 0.5 (reference 1e-5)",
                        c -> 1e-5,
                        0,
                        null),
                Option.whole(
                        "expert_seed",
                        "seed of the experts (their initialisations, batch orders and augmentations): runs of any --seed "
                                + "share one set of experts, as every run of the reference reads its one buffer",
                        c -> 0L,
                        Long.MIN_VALUE),
                Option.real(
                        "lr_teacher",
                        "the experts' SGD rate and syn_lr's start (reference 0.01)",
                        c -> 0.01,
                        1e-12,
                        null));
    }

    /**
     * With {@code --sampler dream} the interval counts the experts' SGD steps (MTT draws no real batch while
     * it distils). Every 50 steps is five re-clusterings an epoch on Fashion-MNIST, each representative drawn
     * about ten times before the next, and adds about a fifth to an expert's training time on a CPU
     * (docs/results.md, MTT).
     */
    @Override
    public int dreamInterval() {
        return 50;
    }

    @Override
    public Distiller create(Map<String, Object> config, RealSampler sampler, String dataset, NDManager manager) {
        int syn = ((Number) config.get("ipc")).intValue() * sampler.real().numClasses();
        int batch = ((Number) config.get("batch_syn")).intValue();
        if (batch > syn) {
            throw new IllegalArgumentException("option 'batch_syn' of mtt is " + batch + ", but the set has " + syn
                    + " synthetic images; choose " + syn + " or fewer (0: all)");
        }
        return new MttDistiller(config, sampler, dataset, manager);
    }

    @Override
    public String describe(Map<String, Object> config) {
        return "MTT, " + Methods.text(config.get("steps")) + " steps on " + config.get("architecture") + ": "
                + Methods.text(config.get("syn_steps")) + " student steps matched to "
                + Methods.text(config.get("expert_epochs"))
                + " expert epochs, start epochs below " + Methods.text(config.get("max_start_epoch")) + ", "
                + Methods.text(config.get("experts")) + " experts";
    }

    /**
     * MTT's evaluation ({@code evaluate_synset} with {@code args.lr_net = syn_lr.item()}): the common
     * protocol's SGD (momentum 0.9, weight decay 5e-4, batch 256, the rate ÷10 at half, DSA) at the rate the
     * run learned, which the set's metadata holds as {@code syn_lr}. The reference trains 1000 epochs; the
     * profile's count is kept so that quick runs stay quick.
     *
     * @throws IllegalArgumentException when the set's metadata has no learned rate
     */
    @Override
    public Optional<EvaluationProtocol> paperProtocol(EvaluationProtocol common, String dataset, Metadata made) {
        Object rate = made.extra().get("syn_lr");
        if (!(rate instanceof Number n) || !(n.doubleValue() > 0)) {
            throw new IllegalArgumentException(
                    "MTT's protocol trains with the rate the run learned, and this set's metadata has no "
                            + "positive 'syn_lr' (got " + rate + "); leave --protocol out");
        }
        return Optional.of(common.withSchedule(common.schedule().withLearningRate(n.doubleValue()))
                .named("MTT's protocol"));
    }
}
