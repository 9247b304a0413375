package org.ddlab.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.ddlab.engine.Interrupts;

/**
 * Drives a {@link Distiller} to its last step with what a long run needs: a checkpoint every
 * {@code checkpointEvery} steps (atomic, the newest {@code keep} kept), resume from the newest
 * checkpoint of the run directory, an optional wall-clock budget after which it checkpoints and
 * stops (run again to continue), and a divergence check after every step — NaN or Inf in the loss or
 * the images stops the run with the last good checkpoint left in place.
 *
 * <p>At the end the set is written to {@code runDir/synthetic.npz} (+ {@code .json}) in pixel space.
 */
public final class DistillationRun {

    /** Called after every step; return false to stop early (a checkpoint is written). */
    public interface Listener {
        boolean onStep(Distiller.StepResult result);
    }

    /** How a run ended. */
    public record Outcome(long resumedFrom, long stepsDone, boolean finished, Path set, double seconds) {}

    private final Path runDir;
    private final int checkpointEvery;
    private final int keep;
    private final Duration budget;
    private final Map<String, Object> annotations = new LinkedHashMap<>();

    /**
     * @param checkpointEvery steps between checkpoints (≥ 1)
     * @param keep            checkpoints kept on disk (≥ 1)
     * @param budget          wall-clock limit of this invocation, or null for none
     */
    public DistillationRun(Path runDir, int checkpointEvery, int keep, Duration budget) {
        if (checkpointEvery < 1 || keep < 1) {
            throw new IllegalArgumentException(
                    "checkpoint interval and kept checkpoints must be ≥ 1, got " + checkpointEvery + " and " + keep);
        }
        this.runDir = runDir;
        this.checkpointEvery = checkpointEvery;
        this.keep = keep;
        this.budget = budget;
    }

    /**
     * Adds {@code key: value} to the metadata of every set this run writes (checkpoints and
     * synthetic.npz), for facts the distiller does not know, such as the validation split it was kept from.
     */
    public DistillationRun annotate(String key, Object value) {
        annotations.put(key, value);
        return this;
    }

    private Metadata metadata(Distiller distiller) {
        Metadata m = distiller.metadata();
        for (Map.Entry<String, Object> e : annotations.entrySet()) {
            m = m.withExtra(e.getKey(), e.getValue());
        }
        return m;
    }

    /**
     * Restores the distiller from the newest checkpoint in the run directory that reads back ({@link Checkpoint#latest}),
     * if there is one. Returns its step.
     */
    public Optional<Long> resume(Distiller distiller) throws IOException {
        Optional<Checkpoint> latest = Checkpoint.latest(runDir);
        if (latest.isEmpty()) {
            return Optional.empty();
        }
        distiller.restore(latest.get());
        return Optional.of(latest.get().step());
    }

    /** Runs steps until {@code distiller.totalSteps()}, the budget, or the listener says stop. */
    public Outcome run(Distiller distiller, Listener listener) throws IOException {
        Files.createDirectories(runDir);
        long start = System.nanoTime();
        long from = distiller.stepsDone();
        long lastSaved = from;
        boolean stopped = false;
        while (distiller.stepsDone() < distiller.totalSteps()) {
            Interrupts.check();
            Distiller.StepResult r;
            try {
                r = distiller.step();
            } catch (ArithmeticException e) {
                throw diverged(distiller, distiller.stepsDone() + 1, e.getMessage(), lastSaved);
            }
            checkFinite(distiller, r, lastSaved);
            boolean more = listener.onStep(r);
            long done = distiller.stepsDone();
            boolean overBudget = budget != null && System.nanoTime() - start > budget.toNanos();
            if (done % checkpointEvery == 0 || !more || overBudget) {
                checkpoint(distiller);
                lastSaved = done;
            }
            if (!more || overBudget) {
                stopped = true;
                break;
            }
        }
        if (!stopped && lastSaved != distiller.stepsDone()) {
            checkpoint(distiller);
        }
        Path npz = runDir.resolve("synthetic.npz");
        try (SyntheticSet out = distiller.exportSet()) {
            SyntheticSetFile.save(out, npz, metadata(distiller));
        }
        return new Outcome(
                from,
                distiller.stepsDone(),
                distiller.stepsDone() >= distiller.totalSteps(),
                npz,
                (System.nanoTime() - start) / 1e9);
    }

    /** Writes a checkpoint of the step just done; one that cannot be written leaves the older ones and throws. */
    private void checkpoint(Distiller distiller) throws IOException {
        try (SyntheticSet out = distiller.exportSet()) {
            Checkpoint.Writer w = Checkpoint.at(distiller.stepsDone()).synthetic(out, metadata(distiller));
            distiller.save(w);
            w.writeTo(runDir);
            Checkpoint.prune(runDir, keep);
        }
    }

    private void checkFinite(Distiller distiller, Distiller.StepResult r, long lastSaved) {
        String what = null;
        if (!Double.isFinite(r.loss())) {
            what = "the loss became " + r.loss();
        } else if (!finite(distiller.synthetic().images())) {
            what = "the synthetic images contain NaN or Inf";
        } else if (distiller.synthetic().softLabels().map(l -> !finite(l)).orElse(false)) {
            what = "the learned labels contain NaN or Inf";
        }
        if (what != null) {
            throw diverged(distiller, r.step(), what, lastSaved);
        }
    }

    private DivergenceException diverged(Distiller distiller, long step, String what, long lastSaved) {
        return new DivergenceException(distiller.method() + " diverged at step " + step + ": " + what + ". "
                + (lastSaved > 0
                        ? "The last good checkpoint (step " + lastSaved + ") is in " + Checkpoint.directoryOf(runDir)
                                + "; lower the learning rate and resume from it."
                        : "No checkpoint was written yet; lower the learning rate and start again."));
    }

    private static boolean finite(NDArray a) {
        // NDScope: results of ops belong to the input's (long-lived) manager; free them here.
        try (NDScope scope = new NDScope()) {
            NDArray detached = a.stopGradient();
            return !detached.isNaN().logicalOr(detached.isInfinite()).any().getBoolean();
        }
    }
}
