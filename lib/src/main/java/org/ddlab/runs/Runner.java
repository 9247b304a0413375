package org.ddlab.runs;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.ddlab.data.DatasetSplits;
import org.ddlab.data.ImageSet;
import org.ddlab.distill.Caches;
import org.ddlab.distill.DistillationRun;
import org.ddlab.distill.Distiller;
import org.ddlab.distill.FileWriteException;
import org.ddlab.distill.Metadata;
import org.ddlab.distill.SyntheticSet;
import org.ddlab.distill.SyntheticSetFile;
import org.ddlab.engine.Devices;
import org.ddlab.eval.EvalResult;
import org.ddlab.eval.EvaluationProtocol;
import org.ddlab.methods.Methods;
import org.ddlab.train.LabeledSet;
import org.ddlab.viz.ImageGrid;

/**
 * A distillation run, the one way the command line, ablation grids and the set store run a method:
 * build the distiller a complete configuration names on the given data, resume it from the newest
 * checkpoint of its directory or start it (DREAM's K-Means start when the configuration says so, the
 * starting images saved as {@code start.npz}), run it with checkpoints, and save the set
 * ({@code synthetic.npz} + {@code .json}, {@code grid.png}); then, if asked, score the saved set. A
 * run's cache key ({@link #key}) is a hash of everything that decides its set.
 */
public final class Runner {

    /** How often a run checkpoints, how many checkpoints it keeps, and its wall-clock budget (null: none). */
    public record Checkpoints(int every, int keep, Duration budget) {
        public Checkpoints {
            if (every < 1 || keep < 1) {
                throw new IllegalArgumentException(
                        "checkpoint every ≥ 1 step and keep ≥ 1, got " + every + " and " + keep);
            }
        }

        /** Every {@code every} steps, the newest kept, no budget. */
        public static Checkpoints every(int every) {
            return new Checkpoints(every, 1, null);
        }
    }

    /** Told about every step; returns false to stop early (with a checkpoint). */
    @FunctionalInterface
    public interface Listener {
        Listener NONE = (d, r) -> true;

        boolean onStep(Distiller distiller, Distiller.StepResult result);

        /** Told how work before the first step goes (MTT's experts: {@link Distiller.Preparation}). */
        default void onPreparation(String what, long done, long total, String status) {}
    }

    /**
     * How a run went.
     *
     * @param resumedFrom the checkpoint's step it resumed from, or -1 for a new run
     * @param metadata    the saved set's metadata (configuration, sampler, its time split, …)
     */
    public record Outcome(
            Path dir,
            Path set,
            long resumedFrom,
            long stepsDone,
            long totalSteps,
            boolean finished,
            double seconds,
            Metadata metadata) {}

    private Runner() {}

    /**
     * Runs {@code config} (complete, see {@link Methods#configure}) on {@code data} in {@code dir}: a
     * new run there, or the continuation of the one there (its checkpoint must have the same configuration
     * but for {@code steps}). {@code annotations} go into every saved set's metadata. The run holds
     * {@code dir}'s {@link RunLock} throughout, and is refused when the configuration does not fit the data
     * ({@link Methods#requireFits}) before it writes anything.
     */
    public static Outcome distil(
            Map<String, Object> config,
            DatasetSplits data,
            Path dir,
            Checkpoints checkpoints,
            Map<String, Object> annotations,
            Listener listener)
            throws IOException {
        ImageSet train = data.train();
        Methods.requireFits(config, train);
        try (RunLock lock = RunLock.acquire(dir)) {
            return distil(config, data, dir, checkpoints, annotations, listener, train);
        }
    }

    private static Outcome distil(
            Map<String, Object> config,
            DatasetSplits data,
            Path dir,
            Checkpoints checkpoints,
            Map<String, Object> annotations,
            Listener listener,
            ImageSet train)
            throws IOException {
        DistillationRun run = new DistillationRun(dir, checkpoints.every(), checkpoints.keep(), checkpoints.budget())
                .annotate("data", data.describe())
                .annotate("validation_per_class", data.validationPerClass());
        annotations.forEach(run::annotate);
        long steps = ((Number) config.get("steps")).longValue();
        try (NDManager manager = NDManager.newBaseManager(Devices.preferred());
                Distiller distiller =
                        Methods.create(config, steps, train, data.dataset().name(), manager)) {
            long resumed = run.resume(distiller).orElse(-1L);
            if (resumed < 0) {
                Methods.initialise(distiller, config, train, manager);
                saveStart(distiller, config, dir, data);
            }
            distiller.reportPreparationTo(listener::onPreparation);
            DistillationRun.Outcome o = run.run(distiller, r -> listener.onStep(distiller, r));
            try (SyntheticSet set = distiller.exportSet()) {
                ImageGrid.of(set.images(), set.labels(), set.classNames()).savePng(dir.resolve("grid.png"));
            } catch (UncheckedIOException e) {
                throw FileWriteException.of(dir.resolve("grid.png"), e.getCause());
            }
            Metadata meta = SyntheticSetFile.readMetadata(SyntheticSetFile.sidecarOf(o.set()));
            return new Outcome(
                    dir, o.set(), resumed, o.stepsDone(), distiller.totalSteps(), o.finished(), o.seconds(), meta);
        }
    }

    /**
     * The real images the run starts from, with their hard labels, as {@code DIR/start.npz}: the
     * baseline a distilled set has to beat ("random real" at the same seed, or DREAM's K-Means start), named
     * after how it was chosen ({@code random} or {@code kmeans}) so that its score is not read as the other's.
     */
    private static void saveStart(Distiller distiller, Map<String, Object> config, Path dir, DatasetSplits data)
            throws IOException {
        Files.createDirectories(dir);
        try (SyntheticSet exported = distiller.exportSet();
                NDArray pixels = exported.images().duplicate()) {
            SyntheticSet start = SyntheticSet.of(
                    pixels, exported.labels(), null, exported.classNames(), data.preprocessing(), false);
            SyntheticSetFile.save(
                    start,
                    dir.resolve("start.npz"),
                    Metadata.of(
                                    Methods.startsFromKMeans(config) ? "kmeans" : "random",
                                    data.dataset().name(),
                                    distiller.metadata().seed(),
                                    0L)
                            .withExtra("note", "the real images " + distiller.method() + " started from (hard labels)")
                            .withExtra("validation_per_class", data.validationPerClass()));
        }
    }

    /**
     * Scores a saved set with {@code protocol} on {@code architecture}: the set brought into the
     * data's space (refused if it was made on another dataset or for another preprocessing), trained
     * on, and tested on {@code scoreOn} (a validation split to choose settings, the test split for
     * final numbers).
     */
    public static EvalResult evaluate(
            Path set,
            String name,
            DatasetSplits data,
            ImageSet scoreOn,
            EvaluationProtocol protocol,
            String architecture,
            EvaluationProtocol.Listener listener)
            throws IOException {
        LabeledSet training;
        try (NDManager manager = NDManager.newBaseManager(Devices.preferred());
                SyntheticSetFile.Loaded loaded = SyntheticSetFile.load(manager, set)) {
            training = loaded.trainingSet(data, set, name);
        }
        return protocol.evaluate(architecture, training, scoreOn, 0, listener);
    }

    /**
     * The cache key of a run: a hash of its complete configuration and of the data it learns from
     * (dataset, validation split, preprocessing, and a checksum of the training images, so a set made
     * from other images is never taken for this one).
     */
    public static String key(Map<String, Object> config, DatasetSplits data) {
        Map<String, Object> identity = new TreeMap<>();
        identity.put("config", new TreeMap<>(config));
        identity.put("data", new TreeMap<>(data.describe()));
        identity.put("train", Caches.describe(data.train()));
        return Caches.hash(identity, 6);
    }
}
