package org.ddlab.cli;

import com.google.gson.Gson;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ddlab.ablate.Ablation;
import org.ddlab.ablate.AblationGrid;
import org.ddlab.ablate.Findings;
import org.ddlab.engine.Profile;
import org.ddlab.eval.EvaluationProtocol;
import org.ddlab.train.TrainingSchedule;
import org.ddlab.viz.Progress;
import org.ddlab.viz.Tables;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ddlab ablate}: a grid of distillation settings → runs → a table, with finished cells cached. */
@Command(
        name = "ablate",
        mixinStandardHelpOptions = true,
        description = {
            "Distil and score every cell of a grid of settings, e.g.",
            "  {\"name\": \"pool size\", \"base\": {\"method\": \"frepo\", \"ipc\": 10, \"steps\": 300}, \"vary\": {\"pool_size\": [1, 5, 10]}}",
            "Cells are scored on a validation split held out of training (--validation, 500 per class by default),",
            "never on the test split. Finished cells are cached in DIR and re-used; an interrupted cell resumes."
        })
final class AblateCommand implements Callable<Integer> {

    @Option(names = "--grid", description = "The grid file (JSON).")
    Path grid;

    /** The grid itself, as its JSON: how the driver of a distributed grid hands it to workers. */
    @Option(names = "--grid-json", hidden = true)
    String gridJson;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "DIR",
            description = {
                "Cache directory: one sub-directory per cell. On Spark, a folder every worker reaches, or a Hadoop",
                "file system URI (hdfs://…, s3a://…, file:///…)."
            })
    String out;

    /** Where this process keeps the cells: --out, or the local mirror of an --out URI. */
    private Path cells;

    @Option(names = "--arch", defaultValue = "convnet", description = "Evaluation network. Default: ${DEFAULT-VALUE}.")
    String arch;

    @Option(
            names = "--set",
            paramLabel = "OPTION=VALUE",
            description = {
                "Fix an option in every cell, over the grid file's base (repeatable), e.g. --set steps=20",
                "--set architecture=convnet:width=16: scale a committed grid without editing it. Numbers, true and false",
                "are read as such, anything else as text. An option the grid varies cannot be set."
            })
    List<String> set = new java.util.ArrayList<>();

    @Mixin
    ProtocolOptions protocolOptions;

    @Option(names = "--json", description = "Print one JSON object per cell instead of a table.")
    boolean json;

    @Mixin
    DataOptions data;

    @Mixin
    ProfileOption profileOption;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--master",
            paramLabel = "URL",
            description = {
                "Run the cells on Apache Spark: local[N], local-cluster[W,C,MB], spark://HOST:PORT, yarn or",
                "k8s://…; one task per cell, retried from its checkpoint when a worker is lost. Needs ddlab's",
                "Spark module (spark/target/ddlab-spark.jar) and an --out every worker reaches. Under spark-submit",
                "the grid runs on Spark without it."
            })
    String master;

    @Option(
            names = "--checkpoint-every",
            paramLabel = "STEPS",
            defaultValue = "50",
            description = "Checkpoint each cell's distillation every STEPS steps. Default: ${DEFAULT-VALUE}.")
    int checkpointEvery;

    /** The grid and the ablation that runs it, built from the options; the same on every worker. */
    record Setup(AblationGrid grid, Ablation ablation, EvaluationProtocol protocol) {}

    /** Whether {@code out} names a file system by its scheme (hdfs://, s3a://, file:///) rather than a local folder. */
    static boolean isUri(String out) {
        return out.matches("[A-Za-z][A-Za-z0-9+.-]+://.*");
    }

    /** Runs on the cells in {@code dir} instead of --out: a worker's or the driver's local copy of an --out URI. */
    AblateCommand cellsIn(Path dir) {
        this.cells = dir;
        return this;
    }

    Setup setup() throws java.io.IOException {
        if ((grid == null) == (gridJson == null)) {
            throw new IllegalArgumentException("ablate needs --grid FILE");
        }
        AblationGrid g = grid != null ? AblationGrid.load(grid) : AblationGrid.parse(gridJson, "grid");
        for (String assignment : set) {
            int eq = assignment.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--set takes OPTION=VALUE, got '" + assignment + "'");
            }
            g = g.with(
                    assignment.substring(0, eq).trim(),
                    value(assignment.substring(eq + 1).trim()));
        }
        Profile profile = profileOption.get();
        if (data.validation == null) {
            data.validation = 500;
        }
        EvaluationProtocol protocol = protocolOptions.protocol(profile, TrainingSchedule.forProfile(profile));
        if (cells == null && isUri(out)) {
            throw new IllegalArgumentException("--out " + out + " is a file system URI, which only the Spark workers"
                    + " of --master reach; give --master, or a local folder");
        }
        Ablation ablation = new Ablation(
                        cells != null ? cells : Path.of(out), data.splits(), protocol, profile.pick(20, 1000, 20000))
                .evaluatingWith(arch)
                .checkpointingEvery(checkpointEvery);
        try {
            ablation.configure(g); // every cell's options checked before the first line
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    (grid != null ? grid : "the grid") + (set.isEmpty() ? "" : " with --set " + String.join(" ", set))
                            + ": " + e.getMessage(),
                    e);
        }
        return new Setup(g, ablation, protocol);
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String sparkMaster = master != null ? master : System.getProperty("spark.master"); // set by spark-submit
        GridEngine engine = sparkMaster == null ? null : engine();
        if (engine != null && isUri(out)) {
            cells = engine.mirror(out);
        }
        Setup setup = setup();
        AblationGrid g = setup.grid();
        Ablation ablation = setup.ablation();
        String scoredOn = ablation.scoredOn();
        err.println(g.name() + ": " + g.cells().size() + " cells; protocol: " + setup.protocol() + "; scored on "
                + scoredOn + (engine == null ? "" : "; on Spark, master " + sparkMaster));
        int cells = g.cells().size();
        TerminalProgress bar = new TerminalProgress(new Progress(g.name(), cells), err);
        Ablation.Outcome outcome;
        if (engine == null) {
            outcome = ablation.runAll(
                    g, (cell, count, status) -> bar.update(cell, "cell " + (cell + 1) + "/" + count + " " + status));
        } else {
            outcome = onEngine(engine, master, g, ablation, bar);
        }
        bar.update(cells, "done");
        List<Ablation.Cell> done = outcome.cells();
        if (json) {
            Gson gson = new Gson();
            for (Ablation.Cell c : done) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("grid", g.name());
                m.put("options", c.options());
                m.put("mean", c.result().mean());
                m.put("std", c.result().std());
                m.put("accuracies", c.result().accuracies());
                m.put("steps", c.steps());
                m.put("distill_seconds", c.distillSeconds());
                m.put("cached", c.cached());
                m.put("scored_on", scoredOn);
                m.put("protocol", setup.protocol().toString());
                m.put("evaluated_with", arch);
                m.put("dir", where(c.dir()));
                stdout.println(gson.toJson(m));
            }
            for (Ablation.Failure f : outcome.failures()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("grid", g.name());
                m.put("options", f.options());
                m.put("failed", f.message());
                m.put("dir", where(f.dir()));
                stdout.println(gson.toJson(m));
            }
        } else {
            stdout.print(Tables.toText(Ablation.table(g, done, scoredOn), 1000));
            if (!g.vary().isEmpty() && !done.isEmpty()) {
                stdout.println();
                stdout.println(Findings.describe(g, done, Double.NaN));
            }
        }
        stdout.flush();
        for (Ablation.Failure f : outcome.failures()) {
            err.println("cell " + (f.index() + 1) + "/" + cells + " (" + Ablation.label(f.options()) + ") failed: "
                    + Main.oneLine(f.message()) + " [" + where(f.dir()) + "/" + Ablation.FAILED + "]");
        }
        return outcome.failures().isEmpty() ? 0 : 1;
    }

    /** Where a cell lives as the user named it: under --out's URI, or the local directory. */
    private String where(Path cellDir) {
        return isUri(out) ? out.replaceAll("/+$", "") + "/" + cellDir.getFileName() : cellDir.toString();
    }

    /** The grid engine on the class path; without one, --master cannot be honoured. */
    private static GridEngine engine() {
        return java.util.ServiceLoader.load(GridEngine.class)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "--master runs the grid on Apache Spark, which this jar does not contain; run"
                                + " spark/target/ddlab-spark.jar (built by environment/setup) instead of"
                                + " cli/target/ddlab.jar"));
    }

    /** Hands the unfinished cells to {@code engine}, then reads every cell back from the cache as a local run would. */
    private Ablation.Outcome onEngine(
            GridEngine engine, String master, AblationGrid g, Ablation ablation, TerminalProgress bar)
            throws Exception {
        List<Integer> todo = new java.util.ArrayList<>();
        for (int i = 0; i < g.cells().size(); i++) {
            if (!ablation.hasResult(g, i)) {
                todo.add(i);
            }
        }
        java.util.Set<Integer> computed = todo.isEmpty()
                ? java.util.Set.of()
                : engine.run(master, g.name(), workerArgs(g), todo, (cell, count, status) -> bar.update(cell, status));
        if (isUri(out)) {
            engine.mirror(out); // the workers' results, copied into this process's mirror
        }
        Ablation.Outcome read = ablation.collect(g);
        java.util.Set<Integer> failed =
                read.failures().stream().map(Ablation.Failure::index).collect(java.util.stream.Collectors.toSet());
        List<Ablation.Cell> cells = new java.util.ArrayList<>();
        java.util.Iterator<Ablation.Cell> finished = read.cells().iterator();
        for (int i = 0; i < g.cells().size(); i++) {
            if (!failed.contains(i)) {
                Ablation.Cell c = finished.next();
                cells.add(computed.contains(i) ? c.asComputed() : c);
            }
        }
        return new Ablation.Outcome(cells, read.failures());
    }

    /**
     * The options a worker needs to build the same ablation: the grid itself with every --set applied, --out as an
     * absolute path (or its URI), the profile and dataset explicit rather than left to the workers' environment.
     */
    private List<String> workerArgs(AblationGrid g) {
        String where =
                isUri(out) ? out : Path.of(out).toAbsolutePath().normalize().toString();
        List<String> a = new java.util.ArrayList<>(List.of(
                "--grid-json", g.toJson(),
                "--out", where,
                "--arch", arch,
                "--checkpoint-every", String.valueOf(checkpointEvery),
                "--profile", profileOption.get().name().toLowerCase(java.util.Locale.ROOT),
                "--dataset",
                        data.dataset != null ? data.dataset : data.dataset().name(),
                "--validation", String.valueOf(data.validation)));
        if (data.preprocess != null) {
            a.addAll(List.of("--preprocess", data.preprocess));
        }
        if (data.zcaRegularization != null) {
            a.addAll(List.of("--zca-reg", String.valueOf(data.zcaRegularization)));
        }
        if (protocolOptions.repeats != null) {
            a.addAll(List.of("--repeats", String.valueOf(protocolOptions.repeats)));
        }
        if (protocolOptions.epochs != null) {
            a.addAll(List.of("--epochs", String.valueOf(protocolOptions.epochs)));
        }
        if (protocolOptions.targetClip != null) {
            a.addAll(List.of("--target-clip", String.valueOf(protocolOptions.targetClip)));
        }
        return a;
    }

    /** A --set value: a number, true/false, or else text. */
    static Object value(String text) {
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        if (text.matches("[-+]?\\d+")) {
            return Long.parseLong(text);
        }
        if (text.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
            return Double.parseDouble(text);
        }
        return text;
    }
}
