package org.ddlab.cli;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import org.ddlab.data.DatasetSplits;
import org.ddlab.distill.AtomicFiles;
import org.ddlab.distill.Checkpoint;
import org.ddlab.distill.Distiller;
import org.ddlab.distill.FileWriteException;
import org.ddlab.methods.Method;
import org.ddlab.methods.Methods;
import org.ddlab.methods.Option;
import org.ddlab.runs.RunLock;
import org.ddlab.runs.Runner;
import org.ddlab.viz.Progress;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ddlab distill}: learn a synthetic set with any registered method, with checkpoints and resume.
 * The options of the methods and of the sampler are not written here: {@link #addMethodOptions} makes
 * one flag per option of {@link Methods} ({@code pool_size} → {@code --pool-size}), so a new method's
 * options appear on the command line and in {@code --help} without touching this class.
 */
@Command(
        name = "distill",
        mixinStandardHelpOptions = true,
        description = {
            "Distil a dataset into IPC images per class and save DIR/synthetic.npz (+ .json, grid.png);",
            "DIR/start.npz holds the real images the run started from.",
            "Checkpoints go to DIR/checkpoints; an interrupted run continues with --resume DIR.",
            "Every method's options follow, each flag marked with the methods that have it."
        })
final class DistillCommand implements Callable<Integer> {

    static final class Target {
        @CommandLine.Option(names = "--out", required = true, description = "New run directory.")
        Path out;

        @CommandLine.Option(
                names = "--resume",
                required = true,
                description = "Continue the run in this directory from its newest checkpoint, with its settings.")
        Path resume;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @CommandLine.Option(
            names = "--method",
            description = "The method (default ${DEFAULT-VALUE}): see the list below.",
            defaultValue = Methods.DEFAULT)
    String method;

    @CommandLine.Option(
            names = "--arch",
            description = "The network distilled with (default convnet); the option 'architecture'.")
    String arch;

    @CommandLine.Option(
            names = "--checkpoint-every",
            description = "Steps between checkpoints. Default: 50; a resumed run keeps its own.")
    Integer checkpointEvery;

    @CommandLine.Option(
            names = "--keep-checkpoints",
            description =
                    "Checkpoints kept (newest first); 0 keeps all, e.g. to evaluate the set along the run. Default: 2; a resumed "
                            + "run keeps its own.")
    Integer keepCheckpoints;

    @CommandLine.Option(
            names = "--budget",
            description = "Stop (with a checkpoint) after this wall time, e.g. 30m, 90s, 1h; resume later.")
    String budget;

    @Mixin
    DataOptions data;

    @Mixin
    ProfileOption profileOption;

    @Spec
    CommandSpec spec;

    /** Options that may change when a run is resumed. */
    private static final List<String> RESUMABLE = List.of("steps");

    /**
     * One flag per option of {@link Methods#COMMON}, {@link Methods#SAMPLER} and every registered
     * method, described with the methods that have it; {@code ipc} is {@code --ipc}, {@code pool_size}
     * {@code --pool-size}. Called on the command's spec when the command line is built.
     */
    static void addMethodOptions(CommandSpec distill, List<Method> methods) {
        // option name → its description → the methods that describe it so: methods sharing an option may mean
        // different things by it (FRePo's image rate is Adam's, the matching methods' SGD's), and each is shown.
        Map<String, Map<String, List<String>>> meanings = new LinkedHashMap<>();
        for (Method m : methods) {
            for (Option o : m.options()) {
                meanings.computeIfAbsent(o.name(), k -> new LinkedHashMap<>())
                        .computeIfAbsent(o.description(), k -> new ArrayList<>())
                        .add(m.name());
            }
        }
        for (Option o : methodOptions(methods).values()) {
            String text = o.description();
            if (meanings.containsKey(o.name())) {
                List<String> parts = new ArrayList<>();
                meanings.get(o.name())
                        .forEach((description, owners) -> parts.add(String.join(", ", owners) + ": " + description));
                text = String.join("; ", parts);
            }
            // picocli formats descriptions: a literal % must be doubled.
            String described = (text + " (" + o.accepts() + ")").replace("%", "%%");
            distill.addOption(OptionSpec.builder(o.flag())
                    .paramLabel(o.type() == Option.Type.BOOLEAN ? "true|false" : "VALUE")
                    .type(String.class)
                    .description(described)
                    .build());
        }
        StringBuilder footer = new StringBuilder("%nMethods:%n");
        for (Method m : methods) {
            footer.append("  ")
                    .append(m.name())
                    .append("  ")
                    .append(m.summary().replace("%", "%%"))
                    .append("%n");
        }
        distill.usageMessage().footer(footer.toString());
    }

    @Override
    public Integer call() throws Exception {
        Path dir = target.out != null ? target.out : target.resume;
        RunLock.requireFree(dir); // a run going on there is "in use", not a run to resume or refuse
        List<Checkpoint> checkpoints = Checkpoint.list(dir);
        Checkpoint.Readable readable = Checkpoint.newestReadable(dir);
        Optional<Checkpoint> latest = readable.checkpoint();
        if (target.out != null && !checkpoints.isEmpty()) {
            throw new IllegalArgumentException(dir + " already holds a run (checkpoint at step "
                    + checkpoints.getLast().step() + "); continue it with --resume " + dir + ", or choose a new --out");
        }
        if (target.resume != null && checkpoints.isEmpty()) {
            throw new IllegalArgumentException("no checkpoint to resume in " + Checkpoint.directoryOf(dir)
                    + "; start a run there with --out " + dir);
        }
        // A damaged checkpoint gives way to the newest whole one before it; the user is told which.
        if (target.resume != null && latest.isEmpty()) {
            throw new IllegalArgumentException(readable.damaged().getFirst().getMessage()
                    + ", and no older checkpoint in " + Checkpoint.directoryOf(dir)
                    + " reads back; start the run again with --out and a new directory");
        }
        List<String> damagedNotes = readable.damaged().stream()
                .map(damaged -> damaged.getMessage() + "; resuming from step "
                        + latest.get().step() + ", the newest checkpoint that reads back")
                .toList();
        if (keepCheckpoints != null && keepCheckpoints < 0) {
            throw new IllegalArgumentException("--keep-checkpoints must be 0 (all) or more, got " + keepCheckpoints);
        }
        if (checkpointEvery != null && checkpointEvery < 1) {
            throw new IllegalArgumentException("--checkpoint-every must be 1 or more, got " + checkpointEvery);
        }
        Map<String, Object> given = givenOptions();
        Map<String, Object> config;
        if (latest.isPresent()) {
            List<String> changed =
                    given.keySet().stream().filter(k -> !RESUMABLE.contains(k)).toList();
            if (!changed.isEmpty() || spec.commandLine().getParseResult().hasMatchedOption("--method")) {
                throw new IllegalArgumentException(
                        "--resume continues with the run's own settings; only --steps, --budget, "
                                + "--checkpoint-every and --keep-checkpoints may change, not "
                                + String.join(", ", changed.isEmpty() ? List.of("method") : changed));
            }
            config = savedConfig(latest.get(), given);
        } else {
            Map<String, Object> options = new LinkedHashMap<>(given);
            options.put("method", method);
            config = Methods.configure(
                    options,
                    profileOption.get().pick(20, 1000, 20000),
                    data.dataset().name());
        }
        Duration limit = budget == null ? null : parseDuration(budget);
        Map<String, Object> record = adoptRunData(dir, latest.isPresent(), config);
        DatasetSplits splits = data.splits();
        Methods.requireFits(config, splits.train()); // before the run's first line and its first file
        try (RunLock lock = RunLock.acquire(dir)) {
            return run(dir, config, record, splits, limit, damagedNotes);
        } catch (FileWriteException e) {
            // The run stopped at a file it could not write (a full disk, say); the checkpoints before it are whole.
            Optional<Checkpoint> kept = Checkpoint.latest(dir);
            throw new IllegalStateException(
                    e.getMessage() + ", then "
                            + (kept.isPresent()
                                    ? "continue with --resume " + dir + " (its checkpoint of step "
                                            + kept.get().step() + " is intact)"
                                    : "start the run again with --out " + dir + " (it has no checkpoint yet)"),
                    e);
        }
    }

    /** Runs the checked configuration in {@code dir}, holding its lock; returns the exit code. */
    private int run(
            Path dir,
            Map<String, Object> config,
            Map<String, Object> record,
            DatasetSplits splits,
            Duration limit,
            List<String> damagedNotes)
            throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        if (record != null) {
            AtomicFiles.write(
                    dir.resolve("data.json"), new Gson().toJson(record).getBytes(StandardCharsets.UTF_8));
        }
        damagedNotes.forEach(err::println);
        err.println(config.get("method") + ": " + config + " on " + splits);
        Runner.Outcome o;
        // From here a signal stops the run at its next step boundary, with a checkpoint, instead of ending the JVM at
        // once.
        try (StopSignals signals = StopSignals.install()) {
            Bars bars = new Bars(err, signals);
            try {
                o = Runner.distil(
                        config,
                        splits,
                        dir,
                        new Runner.Checkpoints(
                                checkpointEvery, keepCheckpoints == 0 ? Integer.MAX_VALUE : keepCheckpoints, limit),
                        Map.of(),
                        bars);
            } catch (CancellationException e) {
                if (!signals.received()) {
                    throw e;
                }
                err.println("distill stopped by " + signals.name() + " while preparing its next step ("
                        + bars.prepared + " done and kept); "
                        + (Checkpoint.latest(dir).isPresent()
                                ? "continue with --resume " + dir
                                : "the same command goes on from there"));
                err.flush();
                return signals.exitCode();
            }
            if (signals.received() && !o.finished()) {
                String checkpoint = Checkpoint.latest(dir)
                        .map(c -> "its checkpoint is " + c.directory())
                        .orElse("no checkpoint");
                err.println("distill stopped by " + signals.name() + " after step " + o.stepsDone() + " of "
                        + o.totalSteps() + "; " + checkpoint + "; continue with --resume " + dir);
                err.flush();
                return signals.exitCode();
            }
        }
        if (o.resumedFrom() >= 0) {
            err.println("resumed from step " + o.resumedFrom() + " in " + dir);
        }
        out.printf(
                Locale.ROOT,
                "%s IPC %d: %d/%d steps in %.0f s -> %s%s%n",
                config.get("method"),
                o.metadata().ipc(),
                o.stepsDone(),
                o.totalSteps(),
                o.seconds(),
                o.set(),
                o.finished() ? "" : " (stopped early: --resume " + dir + " to go on)");
        Map<String, Object> extra = o.metadata().extra();
        double sampling = ((Number) extra.getOrDefault("sampling_seconds", 0.0)).doubleValue();
        if (sampling > 0) {
            String parts =
                    extra.get("sampling_breakdown") instanceof Map<?, ?> b && b.get("clusterings") instanceof Number n
                            ? String.format(
                                    Locale.ROOT,
                                    " (embedding %.0f s, K-Means %.0f s; %d class clusterings)",
                                    ((Number) b.get("embedding_seconds")).doubleValue(),
                                    ((Number) b.get("kmeans_seconds")).doubleValue(),
                                    n.longValue())
                            : "";
            out.printf(
                    Locale.ROOT,
                    "sampler %s: %.0f s embedding and clustering over the run%s%s%n",
                    extra.get("sampler"),
                    sampling,
                    parts,
                    o.resumedFrom() < 0
                            ? String.format(
                                    Locale.ROOT, ", %.1f %% of its %.0f s", 100 * sampling / o.seconds(), o.seconds())
                            : "");
        }
        out.flush();
        return 0;
    }

    /** Every option with a flag of its own here, by name: the common and sampler options and every method's. */
    private static Map<String, Option> methodOptions(List<Method> methods) {
        Map<String, Option> byName = new LinkedHashMap<>();
        Methods.COMMON.forEach(o -> byName.put(o.name(), o));
        Methods.SAMPLER.forEach(o -> byName.put(o.name(), o));
        methods.forEach(m -> m.options().forEach(o -> byName.putIfAbsent(o.name(), o)));
        byName.remove("architecture"); // --arch, as in every command
        return byName;
    }

    /** The method options given on the command line, by option name, as text (the option checks and converts them). */
    private Map<String, Object> givenOptions() {
        Map<String, Object> given = new LinkedHashMap<>();
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        for (Option o : methodOptions(Methods.all()).values()) {
            if (parsed.hasMatchedOption(o.flag())) {
                given.put(o.name(), parsed.matchedOptionValue(o.flag(), (String) null));
            }
        }
        if (arch != null) {
            given.put("architecture", arch);
        }
        return given;
    }

    /**
     * A resumed run's configuration: its checkpoint's, with only {@code steps} changed when given.
     * A checkpoint that keeps its sampler's settings apart from the configuration has them merged in.
     */
    private Map<String, Object> savedConfig(Checkpoint checkpoint, Map<String, Object> given) {
        Map<String, Object> saved = new LinkedHashMap<>(asMap(checkpoint.state().get("config")));
        if (checkpoint.state().get("sampler_config") instanceof Map<?, ?> sampler) {
            asMap(sampler).forEach(saved::putIfAbsent);
        }
        if (saved.containsKey("iterations")) {
            saved.putIfAbsent("steps", saved.remove("iterations"));
        }
        saved.putAll(given);
        return Methods.configure(saved, 1, data.dataset().name());
    }

    /**
     * A run directory records the data it learns from and how its images started in DIR/data.json, so
     * that --resume loads the same dataset, validation split and preprocessing; asking a resumed run for
     * other data is an error, not a silent switch. Returns what DIR/data.json is to hold (null: a run that has none),
     * written once the run is known to fit its data.
     */
    private Map<String, Object> adoptRunData(Path dir, boolean resuming, Map<String, Object> config)
            throws IOException {
        Path file = dir.resolve("data.json");
        Gson gson = new Gson();
        Map<String, Object> record;
        if (!resuming) {
            record = new LinkedHashMap<>(data.describe());
            record.put("init", config.get("init"));
        } else if (!Files.exists(file)) {
            data.adopt(
                    Map.of("dataset", org.ddlab.data.Datasets.DEFAULT),
                    dir.toString()); // no data.json: the default dataset, whole training split, normalised
            record = null;
        } else {
            record = new LinkedHashMap<>(gson.<Map<String, Object>>fromJson(
                    Files.readString(file), new TypeToken<Map<String, Object>>() {}.getType()));
            data.adopt(record, dir + " (see " + file + ")");
        }
        // The checkpoint policy is the run's: a resume without the flags keeps it; one with them changes it for later
        // resumes too.
        checkpointEvery = checkpointEvery != null ? checkpointEvery : recorded(record, "checkpoint_every", 50);
        keepCheckpoints = keepCheckpoints != null ? keepCheckpoints : recorded(record, "keep_checkpoints", 2);
        if (record != null) {
            record.put("checkpoint_every", checkpointEvery);
            record.put("keep_checkpoints", keepCheckpoints);
        }
        return record;
    }

    private static int recorded(Map<String, Object> record, String key, int otherwise) {
        return record != null && record.get(key) instanceof Number n ? n.intValue() : otherwise;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        if (!(o instanceof Map<?, ?>)) {
            throw new IllegalArgumentException(
                    "the checkpoint has no run configuration; it was not written by 'ddlab distill'");
        }
        return (Map<String, Object>) o;
    }

    static Duration parseDuration(String s) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\s*([smh]?)")
                .matcher(s.trim().toLowerCase(Locale.ROOT));
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

    /**
     * A run's progress on stderr — a bar of steps, and one for each kind of work before the first step (MTT's
     * experts) — and its stop: once a signal came, the run stops at the next step, or after the piece of
     * preparation just saved.
     */
    private static final class Bars implements Runner.Listener {
        private final PrintWriter err;
        private final StopSignals signals;
        private final Map<String, TerminalProgress> preparation = new HashMap<>();
        private TerminalProgress steps;
        /** How far the preparation got, e.g. "experts: 3 of 8", for the line a signal ends it with. */
        private String prepared = "";

        Bars(PrintWriter err, StopSignals signals) {
            this.err = err;
            this.signals = signals;
        }

        @Override
        public boolean onStep(Distiller d, Distiller.StepResult r) {
            if (steps == null) {
                steps = new TerminalProgress(new Progress("distill", d.totalSteps()), err);
            }
            Double acc = r.figures().get("batch_accuracy");
            steps.update(
                    r.step(),
                    String.format(
                            Locale.ROOT,
                            "loss %.4f%s, %.2f s/step",
                            r.loss(),
                            acc == null ? "" : String.format(Locale.ROOT, ", batch acc %.2f", acc),
                            r.seconds()));
            return !signals.received();
        }

        @Override
        public void onPreparation(String what, long done, long total, String status) {
            preparation
                    .computeIfAbsent(what, w -> new TerminalProgress(new Progress(w, total), err))
                    .update(done, status);
            prepared = what + ": " + done + " of " + total;
            if (signals.received()) {
                throw new CancellationException(signals.name());
            }
        }
    }
}
