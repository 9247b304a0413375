package org.ddlab.methods;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ddlab.distill.Distiller;
import org.ddlab.distill.Metadata;
import org.ddlab.eval.EvaluationProtocol;
import org.ddlab.sampling.RealSampler;

/**
 * A distillation method as the rest of ddlab sees it: a name, a one-line summary, its options with
 * their defaults, and a factory for its {@link Distiller}. The command line, ablation grids, the set
 * store, checkpoints and notebooks read methods through this; none of them names one. A new method
 * is one package with a {@code Method} and one registration: a line in
 * {@code META-INF/services/org.ddlab.methods.Method}, or {@link Methods#register} at run time.
 *
 * <p>Options every method shares ({@link Methods#COMMON}: ipc, steps, seed, architecture, and the
 * real-batch sampler's) are configured by {@link Methods}; {@link #options()} lists the method's own,
 * which may reuse a common-sounding name ({@code real_batch}, {@code image_lr}) with its own default.
 */
public interface Method {

    /** The name {@code --method} and {@code "method"} take, e.g. {@code frepo}. */
    String name();

    /** One line: the method, its paper, what it matches. */
    String summary();

    /** The method's own options, in the order {@code --help} lists them. */
    List<Option> options();

    /**
     * A distiller for {@code config} (complete: every option of {@link Methods#COMMON} and of
     * {@link #options()}, checked), learning from {@code sampler}'s real images of {@code dataset}.
     */
    Distiller create(Map<String, Object> config, RealSampler sampler, String dataset, NDManager manager);

    /** The configuration in words, for tables of results: e.g. "FRePo, 300 steps on convnet: pool of 10, …". */
    String describe(Map<String, Object> config);

    /**
     * Whether the method matches each class against a real batch of that class (DC, DM, IDC) rather
     * than drawing one class-balanced batch (FRePo): with DREAM's sampler the per-class batch is then
     * the N representatives, as DREAM's reference does.
     */
    default boolean matchesPerClass() {
        return true;
    }

    /**
     * Real images per class a K-Means start ({@code init: kmeans}) picks, handed to
     * {@link Distiller#startFrom} class by class: IPC for a method whose stored images are images,
     * more for one whose stored images each hold several (IDC's factor² tiles).
     */
    default int startImagesPerClass(Map<String, Object> config) {
        return ((Number) config.get("ipc")).intValue();
    }

    /**
     * Distinct real images of one class a step draws at most, or 0 for a method that draws none: a class
     * with fewer cannot give a step its batch, and {@link Methods#requireFits} refuses the run before it
     * starts. The samplers draw a class's images without replacement, so by default this is
     * {@code real_batch} for a method that matches each class against a batch of its own
     * ({@link #matchesPerClass}), and the class-balanced share ⌈real_batch / classes⌉ for one that
     * draws a single batch of all classes.
     */
    default int realImagesPerClass(Map<String, Object> config, int classes) {
        if (!(config.get("real_batch") instanceof Number batch)) {
            return 0;
        }
        return matchesPerClass() ? batch.intValue() : (batch.intValue() + classes - 1) / classes;
    }

    /**
     * DREAM's default re-clustering interval in this method's steps. The reference's 10 was set on a
     * GPU, where embedding a class is almost free; on a CPU embedding the candidates costs as much as
     * several of a method's own steps, the more so the cheaper its step is.
     */
    default int dreamInterval() {
        return 10;
    }

    /**
     * The evaluation protocol of the method's paper, made from ddlab's common protocol {@code common}
     * (keeping its epochs, runs and device) for sets of {@code dataset}; empty when ddlab does not build
     * it and the method's sets are scored with the common protocol only. Tables compare methods under
     * the common protocol; this one reproduces a paper's own figures ({@code evaluate --protocol paper}).
     */
    default Optional<EvaluationProtocol> paperProtocol(EvaluationProtocol common, String dataset) {
        return Optional.empty();
    }

    /**
     * The paper protocol for one saved set of this method, described by its sidecar {@code made}: what
     * {@code evaluate --protocol paper} scores it with. A paper whose evaluation depends on what the run
     * learned (a learned learning rate, say) reads it from {@code made}; by default the protocol depends
     * on the dataset alone, {@link #paperProtocol(EvaluationProtocol, String)}.
     *
     * @throws IllegalArgumentException when {@code made} lacks what the protocol needs
     */
    default Optional<EvaluationProtocol> paperProtocol(EvaluationProtocol common, String dataset, Metadata made) {
        return paperProtocol(common, dataset);
    }
}
