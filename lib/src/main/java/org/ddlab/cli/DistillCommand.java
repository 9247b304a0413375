package org.ddlab.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.ddlab.data.ImageSet;
import org.ddlab.data.DatasetSplits;
import org.ddlab.distill.Checkpoint;
import org.ddlab.distill.DistillationRun;
import org.ddlab.distill.Distiller;
import org.ddlab.distill.Metadata;
import org.ddlab.distill.SyntheticSet;
import org.ddlab.distill.SyntheticSetFile;
import org.ddlab.engine.Devices;
import org.ddlab.engine.Profile;
import org.ddlab.frepo.FrepoConfig;
import org.ddlab.matching.GradientDistance;
import org.ddlab.matching.MatchingConfig;
import org.ddlab.methods.Methods;
import org.ddlab.viz.ImageGrid;
import org.ddlab.viz.Progress;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import com.google.gson.Gson;
import org.ddlab.distill.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code ddlab distill}: learn a synthetic set with FRePo, DC, DSA or DM, with checkpoints and resume. */
@Command(name = "distill", mixinStandardHelpOptions = true,
        description = {"Distil a dataset into IPC images per class and save DIR/synthetic.npz (+ .json, grid.png);",
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

    @Option(names = "--method", defaultValue = "frepo", description = "frepo, dc, dsa or dm. Default: ${DEFAULT-VALUE}.")
    String method;

    @Option(names = "--sampler", defaultValue = "random",
            description = "Real-batch sampler: random, or dream (the real images nearest K-Means centres). Default: ${DEFAULT-VALUE}.")
    String sampler;

    @Option(names = "--clusters", description = "DREAM: K-Means centres per class, N (default 128).")
    Integer clusters;

    @Option(names = "--interval", description = "DREAM: steps between re-clusterings (default by method: dc, dsa 20 matchings; dm 30; frepo 100; the reference's is 10).")
    Integer interval;

    @Option(names = "--candidates", description = "DREAM: images of a class embedded per clustering, a seeded subset (default 500; 0 = all, as the reference).")
    Integer candidates;

    @Option(names = "--init", defaultValue = "real",
            description = "Starting images: real (random real images) or kmeans (nearest K-Means centres, k = IPC). Default: ${DEFAULT-VALUE}.")
    String init;

    @Option(names = "--ipc", description = "Images per class (default 10).")
    Integer ipc;

    @Option(names = "--steps", description = "Outer steps / iterations (default by profile: quick 20, default 1000, full 20000).")
    Long steps;

    @Option(names = "--seed", description = "Seed of every random choice (default 0).")
    Long seed;

    @Option(names = "--arch", description = "Network (default convnet).")
    String arch;

    @Option(names = "--real-batch", description = "Real images per step (FRePo, default 256) or per class (matching, default 256).")
    Integer realBatch;

    @Option(names = "--lr-images", description = "Learning rate of the images (FRePo Adam 3e-2; DC/DSA SGD 0.1; DM SGD 1.0).")
    Double lrImages;

    @Option(names = "--pool", description = "FRePo: models in the pool (default 10).")
    Integer pool;

    @Option(names = "--max-online-steps", description = "FRePo: online steps before a pool model is reset (default 100).")
    Integer maxOnline;

    @Option(names = "--ridge", description = "FRePo: kernel ridge λ relative to tr(K)/n (default 1e-6).")
    Double ridge;

    @Option(names = "--fixed-labels", description = "FRePo: keep the labels fixed instead of learning them.")
    boolean fixedLabels;

    @Option(names = "--lr-labels", description = "FRePo: Adam rate of the labels (default 3e-2).")
    Double lrLabels;

    @Option(names = "--outer-loop", description = "DC/DSA: matchings per iteration (default by IPC, as the reference).")
    Integer outerLoop;

    @Option(names = "--inner-loop", description = "DC/DSA: network epochs on the synthetic set between matchings.")
    Integer innerLoop;

    @Option(names = "--distance", description = "DC/DSA: layerwise_cosine (default), mse or cosine.")
    String distance;

    @Option(names = "--checkpoint-every", defaultValue = "50", description = "Steps between checkpoints. Default: ${DEFAULT-VALUE}.")
    int checkpointEvery;

    @Option(names = "--keep-checkpoints", defaultValue = "2",
            description = "Checkpoints kept (newest first); 0 keeps all, e.g. to evaluate the set along the run. Default: ${DEFAULT-VALUE}.")
    int keepCheckpoints;

    @Option(names = "--budget", description = "Stop (with a checkpoint) after this wall time, e.g. 30m, 90s, 1h; resume later.")
    String budget;

    @Mixin
    DataOptions data;

    @Mixin
    ProfileOption profileOption;

    @Spec
    CommandSpec spec;

    private Map<String, Object> savedSampler;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
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
        Map<String, Object> saved = latest.map(c -> asMap(c.state().get("config"))).orElse(null);
        savedSampler = latest.map(c -> c.state().get("sampler_config")).filter(Map.class::isInstance).map(DistillCommand::asMap)
                .orElse(null);
        if (saved != null && (ipc != null || seed != null || arch != null || realBatch != null || lrImages != null || pool != null
                || maxOnline != null || ridge != null || fixedLabels || lrLabels != null || outerLoop != null
                || innerLoop != null || distance != null || clusters != null || interval != null || candidates != null
                || spec.commandLine().getParseResult().hasMatchedOption("--sampler")
                || spec.commandLine().getParseResult().hasMatchedOption("--init"))) {
            throw new IllegalArgumentException("--resume continues with the run's own settings " + saved
                    + "; only --steps, --budget and --checkpoint-every may change");
        }
        String chosen = saved != null ? String.valueOf(saved.getOrDefault("method", "frepo")) : method.toLowerCase(Locale.ROOT);
        if (keepCheckpoints < 0) {
            throw new IllegalArgumentException("--keep-checkpoints must be 0 (all) or more, got " + keepCheckpoints);
        }
        adoptRunData(dir, saved != null);
        Map<String, Object> config = configure(chosen, saved);
        DatasetSplits splits = data.splits();
        ImageSet train = splits.train();
        Duration limit = budget == null ? null : parseDuration(budget);
        DistillationRun run = new DistillationRun(dir, checkpointEvery, keepCheckpoints == 0 ? Integer.MAX_VALUE : keepCheckpoints, limit)
                .annotate("data", splits.describe())
                .annotate("validation_per_class", splits.validationPerClass())
                .annotate("init", init.toLowerCase(Locale.ROOT));
        try (NDManager manager = NDManager.newBaseManager(Devices.preferred());
             Distiller distiller = Methods.create(config, 1, train, splits.dataset().name(), manager)) {
            err.println(distiller.method() + ": " + distiller.metadata().extra().get("config") + ", sampler "
                    + distiller.metadata().extra().get("sampler"));
            Optional<Long> resumed = run.resume(distiller);
            resumed.ifPresent(step -> err.println("resumed from step " + step + " in " + dir));
            if (resumed.isEmpty()) {
                Methods.initialise(distiller, config, train, manager);
                saveStart(distiller, dir, splits);
            }
            TerminalProgress bar = new TerminalProgress(new Progress("distill", distiller.totalSteps()), err);
            bar.update(distiller.stepsDone(), "");
            DistillationRun.Outcome o = run.run(distiller, r -> {
                Double acc = r.figures().get("batch_accuracy");
                bar.update(r.step(), String.format(Locale.ROOT, "loss %.4f%s, %.2f s/step", r.loss(),
                        acc == null ? "" : String.format(Locale.ROOT, ", batch acc %.2f", acc), r.seconds()));
                return true;
            });
            try (SyntheticSet set = distiller.exportSet()) {
                ImageGrid.of(set.images(), set.labels(), set.classNames()).savePng(dir.resolve("grid.png"));
            }
            int perClass = distiller.synthetic().ipc();
            out.printf(Locale.ROOT, "%s IPC %d: %d/%d steps in %.0f s -> %s%s%n", distiller.method(), perClass, o.stepsDone(),
                    distiller.totalSteps(), o.seconds(), o.set(), o.finished() ? "" : " (stopped early: --resume " + dir + " to go on)");
            Map<String, Object> extra = distiller.metadata().extra();
            double sampling = ((Number) extra.getOrDefault("sampling_seconds", 0.0)).doubleValue();
            if (sampling > 0) {
                String parts = extra.get("sampling_breakdown") instanceof Map<?, ?> b && b.get("clusterings") instanceof Number n
                        ? String.format(Locale.ROOT, " (embedding %.0f s, K-Means %.0f s; %d class clusterings)",
                        ((Number) b.get("embedding_seconds")).doubleValue(), ((Number) b.get("kmeans_seconds")).doubleValue(), n.longValue())
                        : "";
                out.printf(Locale.ROOT, "sampler %s: %.0f s embedding and clustering over the run%s%s%n", extra.get("sampler"), sampling, parts,
                        resumed.isEmpty() ? String.format(Locale.ROOT, ", %.1f %% of its %.0f s", 100 * sampling / o.seconds(), o.seconds()) : "");
            }
            out.flush();
        }
        return 0;
    }

    /**
     * The run's complete configuration in {@link Methods}' vocabulary: a resumed run's from its checkpoint
     * (only --steps may change), a new run's from the options; plus the sampler and the start.
     */
    private Map<String, Object> configure(String name, Map<String, Object> saved) {
        Map<String, Object> options;
        if (name.equals("frepo")) {
            FrepoConfig c = saved != null ? FrepoConfig.fromMap(saved) : frepoOptions();
            options = new java.util.LinkedHashMap<>((steps != null ? c.withSteps(steps) : c).toMap());
        } else {
            MatchingConfig c = saved != null ? MatchingConfig.fromMap(saved) : matchingOptions(MatchingConfig.Method.parse(name));
            options = new java.util.LinkedHashMap<>((steps != null ? c.withIterations(steps) : c).toMap());
        }
        options.putAll(samplerOptions());
        options.put("init", init.toLowerCase(Locale.ROOT));
        return Methods.configure(options, 1);
    }

    private long defaultSteps() {
        Profile profile = profileOption.get();
        return profile.pick(20, 1000, 20000);
    }

    private FrepoConfig frepoOptions() {
        if (outerLoop != null || innerLoop != null || distance != null) {
            throw new IllegalArgumentException("--outer-loop, --inner-loop and --distance are for dc/dsa, not frepo");
        }
        FrepoConfig c = FrepoConfig.defaults(ipc != null ? ipc : 10, defaultSteps());
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

    private MatchingConfig matchingOptions(MatchingConfig.Method m) {
        if (pool != null || maxOnline != null || ridge != null || fixedLabels || lrLabels != null) {
            throw new IllegalArgumentException("--pool, --max-online-steps, --ridge, --fixed-labels and --lr-labels are for frepo, not "
                    + m.id());
        }
        MatchingConfig c = MatchingConfig.defaults(m, ipc != null ? ipc : 10, defaultSteps());
        if (seed != null) {
            c = c.withSeed(seed);
        }
        if (arch != null) {
            c = c.withArchitecture(arch);
        }
        if (realBatch != null) {
            c = c.withRealBatch(realBatch);
        } else if (sampler.equalsIgnoreCase("dream")) {
            // DREAM matches against its N representatives: real batch = N, as the reference does.
            c = c.withRealBatch(clusters != null ? clusters : org.ddlab.dream.RepresentativeSampler.DEFAULT_CLUSTERS);
        }
        if (lrImages != null) {
            c = c.withImageLr(lrImages);
        }
        if (outerLoop != null || innerLoop != null) {
            c = c.withLoops(outerLoop != null ? outerLoop : c.outerLoop(), innerLoop != null ? innerLoop : c.innerLoop());
        }
        if (distance != null) {
            try {
                c = c.withDistance(GradientDistance.valueOf(distance.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown --distance '" + distance + "'; known: layerwise_cosine, mse, cosine");
            }
        }
        return c;
    }

    /** The sampler of a resumed run comes from its checkpoint; a new run's from --sampler and the DREAM options. */
    private Map<String, Object> samplerOptions() {
        if (savedSampler != null) {
            return savedSampler;
        }
        Map<String, Object> options = new java.util.LinkedHashMap<>();
        options.put("sampler", sampler.toLowerCase(Locale.ROOT));
        if (clusters != null) {
            options.put("clusters", clusters);
        }
        if (interval != null) {
            options.put("interval", interval);
        }
        if (candidates != null) {
            options.put("candidates", candidates);
        }
        return options;
    }

    /**
     * A run directory records the data it learns from and how its images started in DIR/data.json, so
     * that --resume carves the same validation split and labels the set truthfully; asking a resumed run
     * for another split is an error, not a silent switch.
     */
    private void adoptRunData(Path dir, boolean resuming) throws IOException {
        Path file = dir.resolve("data.json");
        Gson gson = new Gson();
        if (!resuming) {
            Files.createDirectories(dir);
            Map<String, Object> record = new java.util.LinkedHashMap<>(data.describe());
            record.put("init", init.toLowerCase(Locale.ROOT));
            AtomicFiles.write(file, gson.toJson(record).getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (!Files.exists(file)) {
            data.adopt(Map.of("dataset", org.ddlab.data.Datasets.DEFAULT), dir.toString()); // no data.json: the default dataset, whole training split, normalised
            return;
        }
        Map<?, ?> recorded = gson.fromJson(Files.readString(file), Map.class);
        data.adopt(recorded, dir + " (see " + file + ")");
        if (recorded.get("init") != null) {
            init = String.valueOf(recorded.get("init"));
        }
    }

    /**
     * The real images the run starts from, with their hard labels, as DIR/start.npz: the baseline a
     * distilled set has to beat ("random real" at the same seed).
     */
    private static void saveStart(Distiller distiller, Path dir, DatasetSplits splits) throws IOException {
        Files.createDirectories(dir);
        try (SyntheticSet exported = distiller.exportSet();
             NDArray pixels = exported.images().duplicate()) {
            SyntheticSet start = SyntheticSet.of(pixels, exported.labels(), null, exported.classNames(), splits.preprocessing(), false);
            SyntheticSetFile.save(start, dir.resolve("start.npz"),
                    Metadata.of("random", splits.dataset().name(), distiller.metadata().seed(), 0L)
                            .withExtra("note", "the real images " + distiller.method() + " started from (hard labels)")
                            .withExtra("validation_per_class", splits.validationPerClass()));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        if (!(o instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("the checkpoint has no run configuration; it was not written by 'ddlab distill'");
        }
        return (Map<String, Object>) o;
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
