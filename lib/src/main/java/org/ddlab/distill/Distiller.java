package org.ddlab.distill;

import java.io.IOException;
import java.util.Map;

/**
 * The contract every distillation method meets, so one driver ({@link DistillationRun}) gives them
 * all progress, checkpoints, resume and divergence checks. A distiller owns a {@link SyntheticSet}
 * that it improves one outer step at a time.
 */
public interface Distiller extends AutoCloseable {

    /** What one outer step did: its loss and method-specific figures for logs and charts. */
    record StepResult(long step, double loss, double seconds, Map<String, Double> figures) {}

    /**
     * Told how work a method does before its first outer step goes — MTT trains the experts its cache lacks,
     * which takes minutes to hours — so that a caller can show it: {@code done} of {@code total} units of
     * {@code what}, with a short status.
     */
    @FunctionalInterface
    interface Preparation {
        Preparation NONE = (what, done, total, status) -> {};

        void update(String what, long done, long total, String status);
    }

    /**
     * Where to report work done before the first step ({@link Preparation}); most methods have none and
     * ignore it. The work itself stays inside the first step, so a run's budget and step times include it.
     */
    default void reportPreparationTo(Preparation progress) {}

    /** Method name as saved in metadata ({@code frepo}, {@code dc}, ...). */
    String method();

    /** Outer steps taken so far (the next step is number {@code stepsDone() + 1}). */
    long stepsDone();

    /** Outer steps the run is configured for (schedules decay over it). */
    long totalSteps();

    /** Runs one outer step. */
    StepResult step();

    /** The set being distilled (live: it changes with every step). */
    SyntheticSet synthetic();

    /**
     * The set in pixel space, as users and {@code evaluate} expect it, with its metadata; the caller
     * closes it.
     */
    SyntheticSet exportSet();

    /** Metadata describing the run so far, for the saved set. */
    Metadata metadata();

    /**
     * Replaces the starting images, before the first step, with these real ones (indices into the
     * sampler's real set, in the synthetic set's order: IPC per class, class by class) — e.g. the
     * images nearest K-Means centres, DREAM's initialisation.
     */
    void startFrom(int[] realIndices);

    /** Adds everything a resumed run needs (beyond the exported set) to a checkpoint. */
    void save(Checkpoint.Writer checkpoint);

    /** Puts back the state {@link #save} wrote; the configuration must be the same. */
    void restore(Checkpoint checkpoint) throws IOException;

    /** Frees the distiller's arrays. */
    @Override
    void close();
}
