package org.ddlab.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.ddlab.data.ImageSet;
import org.ddlab.data.Normalization;
import org.ddlab.distill.Checkpoint;
import org.ddlab.distill.DistillationRun;
import org.ddlab.distill.Metadata;
import org.ddlab.distill.SyntheticSet;
import org.ddlab.distill.SyntheticSetFile;
import org.ddlab.engine.Devices;
import org.ddlab.engine.Profile;
import org.ddlab.frepo.FrepoConfig;
import org.ddlab.frepo.FrepoDistiller;
import org.ddlab.sampling.RandomSampler;
import org.ddlab.sampling.RealSampler;
import org.ddlab.viz.ImageGrid;
import org.ddlab.viz.Progress;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code ddlab distill}: learn a synthetic set, with checkpoints and resume. */
@Command(name = "distill", mixinStandardHelpOptions = true,
        description = {"Distil Fashion-MNIST into IPC images per class and save DIR/synthetic.npz (+ .json, grid.png);",
                "DIR/start.npz holds the real images the run started from.",
                "Checkpoints go to DIR/checkpoints; an interrupted run continues with --resume DIR."})
final class DistillCommand implements Callable<Integer> {

    static final class Target {
        @Option(names = "--out", required = true, description = "New run directory.")
        Path out;

        @Option(names = "--resume", required = true,
                description = "Continue the run in this directory from its newest checkpoint, with its settings.")
        Path resume;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Option(names = "--method", defaultValue = "frepo", description = "Distillation method: frepo. Default: ${DEFAULT-VALUE}.")
    String method;

    @Option(names = "--sampler", defaultValue = "random", description = "Real-batch sampler: random. Default: ${DEFAULT-VALUE}.")
    String sampler;

    @Option(names = "--ipc", description = "Images per class (default 10).")
    Integer ipc;

    @Option(names = "--steps", description = "Outer steps (default by profile: quick 20, default 1000, full 20000).")
    Long steps;

    @Option(names = "--seed", description = "Seed of every random choice (default 0).")
    Long seed;

    @Option(names = "--arch", description = "Network of the model pool (default convnet).")
    String arch;

    @Option(names = "--real-batch", description = "Real images per step (default 256).")
    Integer realBatch;

    @Option(names = "--pool", description = "Models in the pool (default 10).")
    Integer pool;

    @Option(names = "--max-online-steps", description = "Online steps before a pool model is reset (default 100).")
    Integer maxOnline;

    @Option(names = "--ridge", description = "Kernel ridge λ relative to tr(K)/n (default 1e-6).")
    Double ridge;

    @Option(names = "--fixed-labels", description = "Keep the labels fixed instead of learning them.")
    boolean fixedLabels;

    @Option(names = "--lr-images", description = "Adam rate of the images (default 3e-2, cosine to 10%).")
    Double lrImages;

    @Option(names = "--lr-labels", description = "Adam rate of the labels (default 3e-2).")
    Double lrLabels;

    @Option(names = "--checkpoint-every", defaultValue = "50", description = "Steps between checkpoints. Default: ${DEFAULT-VALUE}.")
    int checkpointEvery;

    @Option(names = "--budget", description = "Stop (with a checkpoint) after this wall time, e.g. 30m, 90s, 1h; resume later.")
    String budget;

    @Mixin
    DataOptions data;

    @Mixin
    ProfileOption profileOption;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        if (!method.equalsIgnoreCase("frepo")) {
            throw new IllegalArgumentException("unknown --method '" + method + "'; known: frepo");
        }
        Path dir = target.out != null ? target.out : target.resume;
        Optional<Checkpoint> latest = Checkpoint.latest(dir);
        if (target.out != null && latest.isPresent()) {
            throw new IllegalArgumentException(dir + " already holds a run (checkpoint at step " + latest.get().step()
                    + "); continue it with --resume " + dir + ", or choose a new --out");
        }
        if (target.resume != null && latest.isEmpty()) {
            throw new IllegalArgumentException("no checkpoint to resume in " + Checkpoint.directoryOf(dir)
                    + "; start a run there with --out " + dir);
        }
        FrepoConfig config = configure(latest.map(c -> asMap(c.state().get("config"))).orElse(null));
        ImageSet raw = data.train();
        Normalization norm = raw.normalization();
        ImageSet train = raw.normalized(norm);
        RealSampler real = sampler(train, config.seed());
        Duration limit = budget == null ? null : parseDuration(budget);
        DistillationRun run = new DistillationRun(dir, checkpointEvery, 2, limit);
        err.println("frepo: " + config.toMap() + ", sampler " + real.name());
        try (NDManager manager = NDManager.newBaseManager(Devices.preferred());
             FrepoDistiller distiller = new FrepoDistiller(config, real, norm, "fashion-mnist", manager)) {
            Optional<Long> resumed = run.resume(distiller);
            resumed.ifPresent(step -> err.println("resumed from step " + step + " in " + dir));
            if (resumed.isEmpty()) {
                saveStart(distiller, dir);
            }
            TerminalProgress bar = new TerminalProgress(new Progress("distill", config.steps()), err);
            bar.update(distiller.stepsDone(), "");
            DistillationRun.Outcome o = run.run(distiller, r -> {
                bar.update(r.step(), String.format(Locale.ROOT, "loss %.4f, batch acc %.2f, %.2f s/step",
                        r.loss(), r.figures().get("batch_accuracy"), r.seconds()));
                return true;
            });
            try (var set = distiller.exportSet()) {
                ImageGrid.of(set.images(), set.labels(), set.classNames()).savePng(dir.resolve("grid.png"));
            }
            out.printf(Locale.ROOT, "frepo IPC %d: %d/%d steps in %.0f s -> %s%s%n", config.ipc(), o.stepsDone(),
                    config.steps(), o.seconds(), o.set(), o.finished() ? "" : " (stopped early: --resume " + dir + " to go on)");
            out.flush();
        }
        return 0;
    }

    /**
     * The real images the run starts from, with their hard labels, as DIR/start.npz: the baseline a
     * distilled set has to beat ("random real" at the same seed).
     */
    private static void saveStart(FrepoDistiller distiller, Path dir) throws IOException {
        Files.createDirectories(dir);
        try (SyntheticSet exported = distiller.exportSet();
             NDArray pixels = exported.images().duplicate()) {
            SyntheticSet start = SyntheticSet.of(pixels, exported.labels(), null, exported.classNames());
            SyntheticSetFile.save(start, dir.resolve("start.npz"),
                    Metadata.of("random", "fashion-mnist", distiller.config().seed(), 0L)
                            .withExtra("space", "pixels in [0,1]; train with the real training set's normalisation")
                            .withExtra("note", "the real images FRePo started from (hard labels)"));
        }
    }

    private FrepoConfig configure(Map<String, Object> saved) {
        Profile profile = profileOption.get();
        FrepoConfig c = saved == null
                ? FrepoConfig.defaults(10, profile.pick(20, 1000, 20000))
                : new FrepoConfig(num(saved, "ipc").intValue(), num(saved, "steps").longValue(), num(saved, "real_batch").intValue(),
                num(saved, "pool_size").intValue(), num(saved, "max_online_steps").intValue(), num(saved, "ridge").doubleValue(),
                (Boolean) saved.get("learn_labels"), num(saved, "image_lr").doubleValue(), num(saved, "label_lr").doubleValue(),
                num(saved, "online_lr").doubleValue(), (String) saved.get("architecture"), num(saved, "seed").longValue());
        if (saved != null && (ipc != null || seed != null || arch != null || realBatch != null || pool != null
                || maxOnline != null || ridge != null || fixedLabels || lrImages != null || lrLabels != null)) {
            throw new IllegalArgumentException("--resume continues with the run's own settings " + c.toMap()
                    + "; only --steps, --budget and --checkpoint-every may change");
        }
        if (ipc != null) {
            c = new FrepoConfig(ipc, c.steps(), c.realBatch(), c.poolSize(), c.maxOnlineSteps(), c.ridge(), c.learnLabels(),
                    c.imageLr(), c.labelLr(), c.onlineLr(), c.architecture(), c.seed());
        }
        if (steps != null) {
            c = c.withSteps(steps);
        }
        if (seed != null) {
            c = c.withSeed(seed);
        }
        if (arch != null) {
            c = c.withArchitecture(arch);
        }
        if (realBatch != null) {
            c = c.withRealBatch(realBatch);
        }
        if (pool != null || maxOnline != null) {
            c = c.withPool(pool != null ? pool : c.poolSize(), maxOnline != null ? maxOnline : c.maxOnlineSteps());
        }
        if (ridge != null) {
            c = c.withRidge(ridge);
        }
        if (fixedLabels) {
            c = c.withLearnLabels(false);
        }
        if (lrImages != null || lrLabels != null) {
            c = c.withLearningRates(lrImages != null ? lrImages : c.imageLr(), lrLabels != null ? lrLabels : c.labelLr());
        }
        return c;
    }

    private RealSampler sampler(ImageSet train, long seed) {
        return switch (sampler.toLowerCase(Locale.ROOT)) {
            case "random" -> new RandomSampler(train, seed);
            default -> throw new IllegalArgumentException("unknown --sampler '" + sampler + "'; known: random");
        };
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        if (!(o instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("the checkpoint has no run configuration; it was not written by 'ddlab distill'");
        }
        return (Map<String, Object>) o;
    }

    private static Number num(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("the checkpoint's configuration lacks '" + key + "': " + m);
        }
        return n;
    }

    static Duration parseDuration(String s) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\s*([smh]?)").matcher(s.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("--budget '" + s + "' is not a duration; write e.g. 90s, 30m or 2h");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "h" -> Duration.ofHours(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofSeconds(n);
        };
    }
}
