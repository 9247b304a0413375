package org.ddlab.ablate;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.reflect.TypeToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.ddlab.data.Dataset;
import org.ddlab.data.DatasetSplits;
import org.ddlab.data.Datasets;
import org.ddlab.data.Preprocessing;
import org.ddlab.distill.AtomicFiles;
import org.ddlab.distill.Caches;
import org.ddlab.eval.EvalResult;
import org.ddlab.eval.EvaluationProtocol;
import org.ddlab.methods.Methods;
import org.ddlab.runs.RunLock;
import org.ddlab.runs.Runner;
import org.ddlab.viz.Chart;
import org.ddlab.viz.Charts;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Runs an {@link AblationGrid}: each cell is distilled, then scored with the evaluation protocol,
 * and its result is cached on disk under a directory named after everything that decides it (the
 * complete configuration, the protocol, the version of the evaluation code, what it is scored on). Re-running a grid — a notebook
 * re-executed, the same CLI command again, a grid grown by one value — re-uses finished cells, and
 * a cell interrupted mid-distillation resumes from its checkpoint.
 *
 * <p>Cells are scored on the validation split of their data, never on the test split: ablations are
 * for choosing settings. A cell's options may name its data too — {@code dataset} and
 * {@code preprocess} are grid keys like any other — so one grid can compare a method across datasets;
 * every dataset is loaded with the same validation split size as the ablation's own data.
 */
public final class Ablation {

    /** Progress of a running grid. */
    public interface Listener {
        Listener NONE = (cell, cells, status) -> {};

        /** {@code cell} (0-based) of {@code cells} is at {@code status}. */
        void update(int cell, int cells, String status);
    }

    /**
     * One finished cell.
     *
     * @param options        the cell's options, as the grid gave them
     * @param config         the complete configuration they stand for
     * @param result         protocol result
     * @param steps          distillation steps run
     * @param distillSeconds distillation wall time of the invocation that finished the cell (a cell
     *                       resumed after an interruption counts its last part only)
     * @param dir            where the cell's run, set and result live
     * @param cached         whether it was read back rather than computed now
     */
    public record Cell(
            Map<String, Object> options,
            Map<String, Object> config,
            EvalResult result,
            long steps,
            double distillSeconds,
            Path dir,
            boolean cached) {
        Cell asCached() {
            return new Cell(options, config, result, steps, distillSeconds, dir, true);
        }

        /** This cell as computed by the current run (a worker's, read back from the cache by the driver). */
        public Cell asComputed() {
            return new Cell(options, config, result, steps, distillSeconds, dir, false);
        }
    }

    /**
     * A cell whose own run failed — its distillation diverged, its method refused its data — recorded in its
     * directory ({@value #FAILED}) so that the rest of the grid goes on. A failure of the machine (a full disk,
     * a lost worker) is not a cell's own: it propagates, and the cell resumes when the grid runs again.
     *
     * @param index   the cell's place in the grid
     * @param options the cell's options, as the grid gave them
     * @param message what went wrong, in one line
     * @param dir     the cell's directory
     */
    public record Failure(int index, Map<String, Object> options, String message, Path dir) {}

    /** Every cell of a grid: the finished ones in the grid's order, and the failed ones. */
    public record Outcome(List<Cell> cells, List<Failure> failures) {
        public Outcome {
            cells = List.copyOf(cells);
            failures = List.copyOf(failures);
        }
    }

    /** A cell's result, in its directory. */
    public static final String RESULT = "result.json";

    /** A cell's failure, in its directory; removed when the cell finishes. */
    public static final String FAILED = "failed.json";

    /** The identity key of the evaluation code's version ({@link EvaluationProtocol#CODE_VERSION}). */
    private static final String EVALUATION_CODE = "evaluation_code";

    private static final Gson GSON = new GsonBuilder()
            .setPrettyPrinting()
            .serializeSpecialFloatingPointValues()
            .create();

    /** Grid keys that choose a cell's data rather than its method. */
    public static final Set<String> DATA_KEYS = Set.of("dataset", "preprocess");

    private final Path dir;
    private final DatasetSplits data;
    private final Map<String, DatasetSplits> otherData = new LinkedHashMap<>();
    private final EvaluationProtocol protocol;
    private final long defaultSteps;
    private String architecture = "convnet";
    private int checkpointEvery = 50;
    private java.util.function.Consumer<Path> afterStep = d -> {};

    /**
     * @param dir          cache directory (one sub-directory per cell)
     * @param data         the data of cells that name none, with a validation split to score them on
     * @param protocol     the evaluation protocol
     * @param defaultSteps steps of a cell whose options do not say
     */
    public Ablation(Path dir, DatasetSplits data, EvaluationProtocol protocol, long defaultSteps) {
        if (!data.hasValidation()) {
            throw new IllegalArgumentException("an ablation scores its cells on a validation split; load "
                    + data.dataset().title()
                    + " with a validation split (DatasetSplits...validation(N), or ablate --validation N)");
        }
        this.dir = dir;
        this.data = data;
        this.protocol = protocol;
        this.defaultSteps = defaultSteps;
    }

    /** What the cells are scored on, for tables and charts. */
    public String scoredOn() {
        return "validation, " + data.validationPerClass() + " per class";
    }

    /**
     * A cell's complete configuration: its method's ({@link Methods#configure}, from the options other
     * than {@link #DATA_KEYS}) plus the dataset and preprocessing it learns from — {@code data}'s when
     * it names none, another dataset's own default preprocessing when it names only that. Two cells
     * that would give the same result have equal configurations.
     */
    public static Map<String, Object> configure(Map<String, Object> options, long defaultSteps, DatasetSplits data) {
        Map<String, Object> method = new LinkedHashMap<>(options);
        DATA_KEYS.forEach(method::remove);
        Map<String, Object> config = Methods.configure(method, defaultSteps);
        Dataset d = options.containsKey("dataset")
                ? Datasets.named(String.valueOf(options.get("dataset")))
                : data.dataset();
        Preprocessing.Kind kind = options.containsKey("preprocess")
                ? Preprocessing.Kind.parse(String.valueOf(options.get("preprocess")))
                : d.name().equals(data.dataset().name()) ? data.preprocessing().kind() : d.defaultPreprocessing();
        config.put("dataset", d.name());
        config.put("preprocessing", kind.id());
        return config;
    }

    /** The splits a cell's configuration names: the ablation's own, or another dataset loaded alike (once). */
    private DatasetSplits dataOf(Map<String, Object> config) {
        String name = String.valueOf(config.get("dataset"));
        Preprocessing.Kind kind = Preprocessing.Kind.parse(String.valueOf(config.get("preprocessing")));
        if (name.equals(data.dataset().name()) && kind == data.preprocessing().kind()) {
            return data;
        }
        return otherData.computeIfAbsent(
                name + "/" + kind.id(),
                k -> DatasetSplits.of(Datasets.named(name))
                        .validation(data.validationPerClass())
                        .preprocess(kind)
                        .load());
    }

    /**
     * Checkpoints each cell's distillation every {@code steps} steps (50 unless set): how much of a cell a
     * lost worker costs. It does not change a cell's result, so it is not part of the cell's identity.
     */
    public Ablation checkpointingEvery(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("checkpoint every ≥ 1 step, got " + steps);
        }
        this.checkpointEvery = steps;
        return this;
    }

    /**
     * Calls {@code hook} with the cell's directory after every distillation step (and once more when the cell's
     * result is written): how a worker whose cache lives on another file system copies each new checkpoint there.
     */
    public Ablation afterEachStep(java.util.function.Consumer<Path> hook) {
        this.afterStep = hook;
        return this;
    }

    /** Evaluates with this network instead of {@code convnet}. */
    public Ablation evaluatingWith(String arch) {
        this.architecture = arch;
        return this;
    }

    /**
     * The complete configuration of every cell of {@code grid}, in order ({@link #configure(Map, long, DatasetSplits)}).
     * {@link #run} configures every cell first: a typo in the last cell fails now, not after an hour of the first ones.
     *
     * @throws IllegalArgumentException naming the first option that is unknown, another method's, or of the wrong type or range
     */
    public List<Map<String, Object>> configure(AblationGrid grid) {
        List<Map<String, Object>> configs = new ArrayList<>();
        for (Map<String, Object> options : grid.cells()) {
            Map<String, Object> config = configure(options, defaultSteps, data);
            Methods.requireFits(
                    methodConfig(config), dataOf(config).train()); // a cell its data cannot run fails now too
            configs.add(config);
        }
        return configs;
    }

    /**
     * Runs (or reads back) every cell of {@code grid}, in order; the first cell that fails stops the grid
     * with its exception. {@link #runAll} records failed cells and goes on instead.
     */
    public List<Cell> run(AblationGrid grid, Listener listener) throws IOException {
        List<Map<String, Object>> cells = grid.cells();
        List<Map<String, Object>> configs = configure(grid);
        List<Cell> out = new ArrayList<>();
        for (int i = 0; i < cells.size(); i++) {
            out.add(cell(i, cells.size(), cells.get(i), configs.get(i), listener));
        }
        return out;
    }

    /**
     * Runs (or reads back) every cell of {@code grid}, in order; a cell that fails for a reason of its own
     * ({@link Failure}) is recorded and the grid goes on.
     */
    public Outcome runAll(AblationGrid grid, Listener listener) throws IOException {
        List<Map<String, Object>> configs = configure(grid);
        List<Cell> cells = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        for (int i = 0; i < configs.size(); i++) {
            Object done = runOne(grid, i, configs.get(i), listener);
            if (done instanceof Cell c) {
                cells.add(c);
            } else {
                failures.add((Failure) done);
            }
        }
        return new Outcome(cells, failures);
    }

    /**
     * Runs (or reads back) cell {@code index} of {@code grid} alone, as a worker of a distributed grid does:
     * the same directory, lock, checkpoints and result as {@link #runAll}, so that any mix of workers and local
     * runs fills one cache.
     *
     * @return the finished {@link Cell}, or the recorded {@link Failure}
     */
    public Object runCell(AblationGrid grid, int index, Listener listener) throws IOException {
        Map<String, Object> config = configure(grid.cells().get(index), defaultSteps, data);
        Methods.requireFits(methodConfig(config), dataOf(config).train());
        return runOne(grid, index, config, listener);
    }

    private Object runOne(AblationGrid grid, int index, Map<String, Object> config, Listener listener)
            throws IOException {
        Map<String, Object> options = grid.cells().get(index);
        try {
            return cell(index, grid.cells().size(), options, config, listener);
        } catch (java.io.UncheckedIOException e) {
            throw e; // the machine's failure, not the cell's
        } catch (RuntimeException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            Path cellDir = dir.resolve(Caches.hash(identity(config), 8));
            Map<String, Object> saved = new LinkedHashMap<>();
            saved.put("options", options);
            saved.put("config", config);
            saved.put("error", e.getClass().getName());
            saved.put("message", message);
            Files.createDirectories(cellDir);
            AtomicFiles.write(cellDir.resolve(FAILED), GSON.toJson(saved).getBytes(StandardCharsets.UTF_8));
            afterStep.accept(cellDir);
            listener.update(index, grid.cells().size(), "failed: " + message);
            return new Failure(index, options, message, cellDir);
        }
    }

    /**
     * What the cache holds for every cell of {@code grid}, read only: each cell's result or recorded failure,
     * as {@link #runAll} would return them had it run the cells itself (all marked cached). How the driver of
     * a distributed grid builds its table once its workers are done.
     *
     * @throws IllegalStateException naming the first cell with neither a result nor a failure
     */
    public Outcome collect(AblationGrid grid) throws IOException {
        List<Map<String, Object>> configs = configure(grid);
        List<Cell> cells = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        for (int i = 0; i < configs.size(); i++) {
            Map<String, Object> options = grid.cells().get(i);
            Path cellDir = dir.resolve(Caches.hash(identity(configs.get(i)), 8));
            if (Files.exists(cellDir.resolve(RESULT))) {
                cells.add(read(cellDir.resolve(RESULT), options, configs.get(i), cellDir));
            } else if (Files.exists(cellDir.resolve(FAILED))) {
                String message = JsonParser.parseString(Files.readString(cellDir.resolve(FAILED)))
                        .getAsJsonObject()
                        .get("message")
                        .getAsString();
                failures.add(new Failure(i, options, message, cellDir));
            } else {
                throw new IllegalStateException("cell " + (i + 1) + "/" + configs.size() + " (" + label(options)
                        + ") has neither a result nor a failure in " + cellDir);
            }
        }
        return new Outcome(cells, failures);
    }

    /** The directory of cell {@code index} of {@code grid}: named by the hash of everything that decides it. */
    public Path cellDirectory(AblationGrid grid, int index) {
        return dir.resolve(Caches.hash(identity(configure(grid.cells().get(index), defaultSteps, data)), 8));
    }

    /** Whether cell {@code index} of {@code grid} has a result in the cache already. */
    public boolean hasResult(AblationGrid grid, int index) {
        Map<String, Object> config = configure(grid.cells().get(index), defaultSteps, data);
        return Files.exists(dir.resolve(Caches.hash(identity(config), 8)).resolve(RESULT));
    }

    /** Everything that decides a cell's result; its hash names the cell's directory. */
    private Map<String, Object> identity(Map<String, Object> config) {
        Map<String, Object> identity = new TreeMap<>();
        identity.put("config", new TreeMap<>(config));
        identity.put("protocol", protocol.toString());
        identity.put(EVALUATION_CODE, EvaluationProtocol.CODE_VERSION);
        identity.put("evaluated_with", architecture);
        identity.put("scored_on", scoredOn());
        identity.put("data", new TreeMap<>(dataOf(config).describe()));
        return identity;
    }

    private Cell cell(int index, int count, Map<String, Object> options, Map<String, Object> config, Listener listener)
            throws IOException {
        DatasetSplits cellData = dataOf(config);
        Map<String, Object> identity = identity(config);
        Path cellDir = dir.resolve(Caches.hash(identity, 8));
        Path resultFile = cellDir.resolve(RESULT);
        if (!Files.exists(resultFile)) {
            // Two ablations may share a cache; a cell is run by one at a time, from its distillation to its result.
            try (RunLock lock = RunLock.acquire(cellDir)) {
                if (!Files.exists(resultFile)) {
                    return run(index, count, options, config, identity, cellData, cellDir, listener);
                }
            }
        }
        Cell cached = read(resultFile, options, config, cellDir);
        listener.update(
                index,
                count,
                "cached: "
                        + String.format(
                                Locale.ROOT, "%.2f %%", 100 * cached.result().mean()));
        return cached;
    }

    private Cell run(
            int index,
            int count,
            Map<String, Object> options,
            Map<String, Object> config,
            Map<String, Object> identity,
            DatasetSplits cellData,
            Path cellDir,
            Listener listener)
            throws IOException {
        Path resultFile = cellDir.resolve(RESULT);
        AtomicFiles.write(cellDir.resolve("cell.json"), GSON.toJson(identity).getBytes(StandardCharsets.UTF_8));
        String label = label(options);
        Runner.Outcome o = Runner.distil(
                methodConfig(config),
                cellData,
                cellDir,
                Runner.Checkpoints.every(checkpointEvery),
                Map.of(),
                (d, r) -> {
                    afterStep.accept(cellDir);
                    listener.update(
                            index,
                            count,
                            String.format(
                                    Locale.ROOT,
                                    "%s: distilling %d/%d, loss %.4f",
                                    label,
                                    r.step(),
                                    d.totalSteps(),
                                    r.loss()));
                    return true;
                });
        long steps = o.stepsDone();
        double seconds = o.seconds();
        EvalResult result = Runner.evaluate(
                o.set(),
                label,
                cellData,
                cellData.validation(),
                protocol,
                architecture,
                (done, total, status) -> listener.update(index, count, label + ": evaluating, " + status));
        Map<String, Object> saved = new LinkedHashMap<>();
        saved.put("options", options);
        saved.put("config", config);
        saved.put("identity", identity);
        saved.put("steps", steps);
        saved.put("distill_seconds", seconds);
        saved.put("resumed_from", o.resumedFrom());
        saved.put("accuracies", result.accuracies());
        saved.put("train_seconds", result.trainSeconds());
        saved.put("train_images_per_second", result.imagesPerSecond());
        AtomicFiles.write(resultFile, GSON.toJson(saved).getBytes(StandardCharsets.UTF_8));
        Files.deleteIfExists(cellDir.resolve(FAILED));
        afterStep.accept(cellDir);
        return new Cell(options, config, result, steps, seconds, cellDir, false);
    }

    /** A configuration without its data keys: what {@link Methods} reads. */
    private static Map<String, Object> methodConfig(Map<String, Object> config) {
        Map<String, Object> m = new LinkedHashMap<>(config);
        m.remove("dataset");
        m.remove("preprocessing");
        return m;
    }

    private Cell read(Path file, Map<String, Object> options, Map<String, Object> config, Path cellDir)
            throws IOException {
        return read(file, options, config, cellDir, architecture);
    }

    private static Cell read(
            Path file, Map<String, Object> options, Map<String, Object> config, Path cellDir, String architecture)
            throws IOException {
        Map<String, Object> m =
                GSON.fromJson(Files.readString(file), new TypeToken<LinkedHashMap<String, Object>>() {}.getType());
        try {
            double[] acc = doubles(m.get("accuracies"));
            double[] secs = doubles(m.get("train_seconds"));
            EvalResult r = new EvalResult(
                    label(options), architecture, acc, secs, ((Number) m.get("train_images_per_second")).doubleValue());
            return new Cell(
                    options,
                    config,
                    r,
                    ((Number) m.get("steps")).longValue(),
                    ((Number) m.get("distill_seconds")).doubleValue(),
                    cellDir,
                    true);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + " is not a finished cell's result (" + e.getMessage()
                    + "); delete it to run the cell again");
        }
    }

    private static double[] doubles(Object o) {
        List<?> list = (List<?>) o;
        return list.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
    }

    /** A short name of a cell from its options, e.g. {@code frepo pool_size=5}. */
    public static String label(Map<String, Object> options) {
        StringBuilder b = new StringBuilder(String.valueOf(options.getOrDefault("method", Methods.DEFAULT)));
        options.forEach((k, v) -> {
            if (!k.equals("method")) {
                b.append(' ').append(k).append('=').append(text(v));
            }
        });
        return b.toString();
    }

    /**
     * A tidy table of a grid's cells: one column per varied option, then mean and std of the score
     * (in %), the runs, distillation steps and seconds, and whether the cell came from the cache.
     */
    public static Table table(AblationGrid grid, List<Cell> cells, String scoredOn) {
        List<StringColumn> varied = new ArrayList<>();
        for (String k : grid.vary().keySet()) {
            varied.add(StringColumn.create(k));
        }
        DoubleColumn mean = DoubleColumn.create("mean %");
        DoubleColumn std = DoubleColumn.create("std %");
        IntColumn runs = IntColumn.create("runs");
        DoubleColumn steps = DoubleColumn.create("steps");
        DoubleColumn seconds = DoubleColumn.create("distill s");
        StringColumn cached = StringColumn.create("cached");
        for (Cell c : cells) {
            int i = 0;
            for (String k : grid.vary().keySet()) {
                varied.get(i++).append(text(c.options().get(k)));
            }
            mean.append(Math.round(10000 * c.result().mean()) / 100.0);
            std.append(Math.round(10000 * c.result().std()) / 100.0);
            runs.append(c.result().runs());
            steps.append(c.steps());
            seconds.append(Math.round(c.distillSeconds()));
            cached.append(c.cached() ? "yes" : "no");
        }
        Table t = Table.create(grid.name() + " (" + scoredOn + ")");
        varied.forEach(t::addColumns);
        t.addColumns(mean, std, runs, steps, seconds, cached);
        return t;
    }

    /**
     * An option's value as the tables, charts and findings write it: whole numbers without a decimal
     * point, small and large ones as {@code 1e-6}, others as they are ({@code 0.01}, {@code true}).
     */
    public static String text(Object value) {
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                return String.valueOf(d);
            }
            if (d == Math.rint(d) && Math.abs(d) < 1e6) {
                return String.valueOf((long) d);
            }
            if (d != 0 && (Math.abs(d) < 1e-3 || Math.abs(d) >= 1e6)) {
                String[] parts = String.format(Locale.ROOT, "%.6e", d).split("e");
                String mantissa = parts[0].replaceAll("0+$", "").replaceAll("\\.$", "");
                return mantissa + "e" + Integer.parseInt(parts[1]);
            }
            return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
        return String.valueOf(value);
    }

    /**
     * A chart of a grid's scores (in %): the first varied option's values along the x axis, in the
     * grid's order, one line per combination of the other varied options (one line for a one-option
     * grid), error bars of ±1 std over evaluation runs, each point labelled.
     */
    public static Chart chart(AblationGrid grid, List<Cell> cells, String scoredOn) {
        List<String> varied = new ArrayList<>(grid.vary().keySet());
        if (varied.isEmpty()) {
            throw new IllegalArgumentException("grid '" + grid.name() + "' varies nothing; there is nothing to chart");
        }
        String x = varied.get(0);
        Map<String, Map<String, double[]>> series = new LinkedHashMap<>();
        for (Cell c : cells) {
            List<String> rest = new ArrayList<>();
            for (String k : varied.subList(1, varied.size())) {
                rest.add(k + "=" + text(c.options().get(k)));
            }
            String line = rest.isEmpty() ? grid.name() : String.join(", ", rest);
            series.computeIfAbsent(line, k -> new LinkedHashMap<>())
                    .put(text(c.options().get(x)), new double[] {
                        100 * c.result().mean(), 100 * c.result().std()
                    });
        }
        // Categories in the grid's order even when the first line lacks some (a partly finished grid).
        Map<String, Map<String, double[]>> ordered = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, double[]>> e : series.entrySet()) {
            Map<String, double[]> byValue = new LinkedHashMap<>();
            for (Object v : grid.vary().get(x)) {
                double[] ms = e.getValue().get(text(v));
                if (ms != null) {
                    byValue.put(text(v), ms);
                }
            }
            ordered.put(e.getKey(), byValue);
        }
        return Charts.meanStd(grid.name(), x, "accuracy on " + scoredOn + " (%)", ordered);
    }

    /**
     * What a cache directory written by another run (the CLI's {@code ablate}, say) holds for a grid.
     *
     * @param cells     the grid's finished cells found there, in the grid's order (missing ones left out)
     * @param protocol  the evaluation protocol that scored them
     * @param evaluatedWith the evaluation network
     * @param scoredOn  what they were scored on
     * @param expected  cells in the grid
     */
    public record Finished(List<Cell> cells, String protocol, String evaluatedWith, String scoredOn, int expected) {
        public Finished {
            cells = List.copyOf(cells);
        }

        /** Whether every cell of the grid was found. */
        public boolean complete() {
            return cells.size() == expected;
        }
    }

    /**
     * The finished cells of {@code grid} in the cache directory {@code dir}, whatever protocol, network
     * and split scored them — read only, nothing is run. A cell matches when its complete configuration
     * equals the grid cell's ({@link #configure} with {@code defaultSteps} and {@code data});
     * when cells scored under
     * several protocols match, the protocol that covers most of the grid wins (then the newest).
     * An absent directory gives no cells.
     */
    public static Finished finished(Path dir, AblationGrid grid, long defaultSteps, DatasetSplits data)
            throws IOException {
        List<Map<String, Object>> options = grid.cells();
        List<JsonElement> wanted = new ArrayList<>();
        for (Map<String, Object> o : options) {
            wanted.add(GSON.toJsonTree(new TreeMap<>(configure(o, defaultSteps, data))));
        }
        record Found(int index, Path file, JsonObject saved, long modified) {}
        Map<String, List<Found>> byProtocol = new LinkedHashMap<>();
        if (Files.isDirectory(dir)) {
            try (var subdirs = Files.list(dir)) {
                for (Path cellDir : subdirs.sorted().toList()) {
                    Path file = cellDir.resolve(RESULT);
                    if (!Files.isRegularFile(file)) {
                        continue;
                    }
                    JsonObject saved;
                    try {
                        saved = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
                    } catch (RuntimeException e) {
                        continue; // not a cell's result; the run that wrote it will say so
                    }
                    if (!saved.has("config") || !saved.has("identity")) {
                        continue;
                    }
                    int index = wanted.indexOf(saved.get("config"));
                    if (index < 0 || !scoredByThisCode(saved.getAsJsonObject("identity"))) {
                        continue;
                    }
                    JsonObject identity = saved.getAsJsonObject("identity").deepCopy();
                    identity.remove("config");
                    byProtocol
                            .computeIfAbsent(identity.toString(), k -> new ArrayList<>())
                            .add(new Found(
                                    index,
                                    file,
                                    identity,
                                    Files.getLastModifiedTime(file).toMillis()));
                }
            }
        }
        List<Found> best = byProtocol.values().stream()
                .max(java.util.Comparator.<List<Found>>comparingLong(l ->
                                l.stream().mapToInt(Found::index).distinct().count())
                        .thenComparingLong(
                                l -> l.stream().mapToLong(Found::modified).max().orElse(0)))
                .orElse(List.of());
        if (best.isEmpty()) {
            return new Finished(List.of(), "", "", "", options.size());
        }
        JsonObject identity = best.get(0).saved();
        String arch = string(identity, "evaluated_with");
        Cell[] cells = new Cell[options.size()];
        for (Found f : best) {
            cells[f.index()] = read(
                            f.file(),
                            options.get(f.index()),
                            configure(options.get(f.index()), defaultSteps, data),
                            f.file().getParent(),
                            arch)
                    .asCached();
        }
        return new Finished(
                java.util.Arrays.stream(cells)
                        .filter(java.util.Objects::nonNull)
                        .toList(),
                string(identity, "protocol"),
                arch,
                string(identity, "scored_on"),
                options.size());
    }

    /** Whether a cell's score came from this build's evaluation code (cells from before the version have none). */
    private static boolean scoredByThisCode(JsonObject identity) {
        return identity.has(EVALUATION_CODE)
                && identity.get(EVALUATION_CODE).getAsInt() == EvaluationProtocol.CODE_VERSION;
    }

    private static String string(JsonObject o, String key) {
        return o.has(key) ? o.get(key).getAsString() : "";
    }
}
