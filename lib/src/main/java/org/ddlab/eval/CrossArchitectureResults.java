package org.ddlab.eval;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.ddlab.data.ImageSet;
import org.ddlab.train.LabeledSet;
import org.ddlab.viz.Charts;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Test accuracy of several training sets (rows) on several architectures (columns): the
 * cross-architecture table of the dataset-distillation papers, and the numbers derived from it that
 * answer "does a set distilled with one network train other networks?":
 *
 * <ul>
 *   <li>the <b>drop from the home architecture</b> (the one the sets were distilled with): home
 *       accuracy minus accuracy on each other network, in points. Every set drops somewhat on a weaker
 *       network — random real images too — so a drop alone does not prove over-fitting;</li>
 *   <li>the <b>gain over a baseline set</b> (random real images) on the same architecture, with the same
 *       schedule: a distilled set that transfers keeps beating real images on the new network. This is
 *       the fairer comparison when a short schedule under-trains some networks, since the baseline
 *       suffers the same under-training.</li>
 * </ul>
 *
 * Rows and columns keep the order in which results arrive. Accuracies are in [0, 1]; differences are
 * in percentage points.
 */
public final class CrossArchitectureResults {

    private final List<String> sets = new ArrayList<>();
    private final List<String> architectures = new ArrayList<>();
    private final Map<String, Map<String, EvalResult>> cells = new LinkedHashMap<>();

    private CrossArchitectureResults() {}

    /** Arranges results by their {@link EvalResult#set()} and {@link EvalResult#architecture()}; a pair may appear once. */
    public static CrossArchitectureResults of(List<EvalResult> results) {
        CrossArchitectureResults r = new CrossArchitectureResults();
        results.forEach(r::add);
        return r;
    }

    /**
     * Evaluates every set on every architecture with {@code protocol} (set by set, architecture by
     * architecture), reporting progress in training epochs over the whole grid.
     *
     * @param sets training sets by row name, in row order (normalised images, as the protocol trains)
     */
    public static CrossArchitectureResults evaluate(
            EvaluationProtocol protocol,
            Map<String, LabeledSet> sets,
            List<String> architectures,
            ImageSet test,
            long seed,
            EvaluationProtocol.Listener listener) {
        if (sets.isEmpty() || architectures.isEmpty()) {
            throw new IllegalArgumentException(
                    "need at least one set and one architecture, got " + sets.keySet() + " and " + architectures);
        }
        long perCell = (long) protocol.repeats() * protocol.schedule().epochs();
        long total = perCell * sets.size() * architectures.size();
        CrossArchitectureResults out = new CrossArchitectureResults();
        long cell = 0;
        for (Map.Entry<String, LabeledSet> e : sets.entrySet()) {
            for (String arch : architectures) {
                long offset = cell++ * perCell;
                String name = e.getKey();
                EvalResult r = protocol.evaluate(
                        arch,
                        e.getValue(),
                        test,
                        seed,
                        (done, t, status) -> listener.onProgress(offset + done, total, name + ", " + status));
                // The row is named by the map key, whatever the images' own name says.
                out.add(new EvalResult(name, arch, r.accuracies(), r.trainSeconds(), r.imagesPerSecond()));
            }
        }
        return out;
    }

    /**
     * Results as {@code ddlab evaluate --json} prints them, one JSON object per line (what
     * {@code environment/measure/cross-arch} collects). A pair measured again later replaces the
     * earlier line, so re-running a measurement updates its table.
     */
    public static CrossArchitectureResults readJsonLines(Path file) throws IOException {
        Map<String, EvalResult> latest = new LinkedHashMap<>();
        int lineNumber = 0;
        for (String line : Files.readAllLines(file)) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonObject o = JsonParser.parseString(line).getAsJsonObject();
                double[] acc = doubles(o, "accuracies");
                double[] secs = o.has("train_seconds") ? doubles(o, "train_seconds") : new double[acc.length];
                double speed = o.has("train_images_per_second")
                        ? o.get("train_images_per_second").getAsDouble()
                        : Double.NaN;
                EvalResult r = new EvalResult(
                        o.get("set").getAsString(), o.get("architecture").getAsString(), acc, secs, speed);
                String key = r.set() + "\u0000" + r.architecture();
                latest.remove(key); // a re-measured pair moves to where it was measured last
                latest.put(key, r);
            } catch (JsonParseException
                    | IllegalStateException
                    | NullPointerException
                    | UnsupportedOperationException
                    | IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        file + " line " + lineNumber + " is not an evaluation result (" + e.getMessage() + "): " + line,
                        e);
            }
        }
        return of(new ArrayList<>(latest.values()));
    }

    private static double[] doubles(JsonObject o, String key) {
        List<Double> values = new ArrayList<>();
        for (JsonElement e : o.getAsJsonArray(key)) {
            values.add(e.getAsDouble());
        }
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private void add(EvalResult r) {
        Map<String, EvalResult> row = cells.computeIfAbsent(r.set(), k -> {
            sets.add(k);
            return new LinkedHashMap<>();
        });
        if (row.containsKey(r.architecture())) {
            throw new IllegalArgumentException("two results for set '" + r.set() + "' on " + r.architecture());
        }
        if (!architectures.contains(r.architecture())) {
            architectures.add(r.architecture());
        }
        row.put(r.architecture(), r);
    }

    /** Row names, in order. */
    public List<String> sets() {
        return List.copyOf(sets);
    }

    /** Column names (architecture specs), in order. */
    public List<String> architectures() {
        return List.copyOf(architectures);
    }

    /** Every result, row by row. */
    public List<EvalResult> results() {
        List<EvalResult> all = new ArrayList<>();
        cells.values().forEach(row -> all.addAll(row.values()));
        return all;
    }

    public Optional<EvalResult> result(String set, String architecture) {
        Map<String, EvalResult> row = cells.get(set);
        return Optional.ofNullable(row == null ? null : row.get(architecture));
    }

    /** Mean accuracy in [0, 1]; throws when the pair was not measured. */
    public double mean(String set, String architecture) {
        return result(set, architecture)
                .orElseThrow(() -> new IllegalArgumentException("no result for set '" + set + "' on " + architecture
                        + "; sets " + sets + ", architectures " + architectures))
                .mean();
    }

    /** Mean accuracy in % or NaN when not measured: the cell of a table or heat map. */
    private double percent(String set, String architecture) {
        return result(set, architecture).map(r -> 100 * r.mean()).orElse(Double.NaN);
    }

    /**
     * One row per set, one column per architecture, each cell "mean ± std" in % over the runs (just
     * the mean when there was one run); empty where a pair was not measured.
     */
    public Table table(String title) {
        Table t = Table.create(title, StringColumn.create("set", sets));
        for (String a : architectures) {
            StringColumn c = StringColumn.create(a);
            for (String s : sets) {
                c.append(result(s, a).map(CrossArchitectureResults::format).orElse(""));
            }
            t.addColumns(c);
        }
        return t;
    }

    static String format(EvalResult r) {
        return r.runs() == 1
                ? String.format(Locale.ROOT, "%.1f", 100 * r.mean())
                : String.format(Locale.ROOT, "%.1f ± %.1f", 100 * r.mean(), 100 * r.std());
    }

    /** Mean accuracies in % as a heat map: sets as rows, architectures as columns. */
    public BufferedImage heatMap(String title) {
        double[][] v = new double[sets.size()][architectures.size()];
        for (int i = 0; i < sets.size(); i++) {
            for (int j = 0; j < architectures.size(); j++) {
                v[i][j] = percent(sets.get(i), architectures.get(j));
            }
        }
        return Charts.heatMap(title, sets, architectures, v, "%.1f");
    }

    private void requireArchitecture(String architecture) {
        if (!architectures.contains(architecture)) {
            throw new IllegalArgumentException(
                    "'" + architecture + "' is not one of the architectures " + architectures);
        }
    }

    private void requireSet(String set) {
        if (!sets.contains(set)) {
            throw new IllegalArgumentException("'" + set + "' is not one of the sets " + sets);
        }
    }

    /** The architectures other than {@code home}, in column order. */
    public List<String> others(String home) {
        requireArchitecture(home);
        return architectures.stream().filter(a -> !a.equals(home)).toList();
    }

    /**
     * Drop from {@code home}, in points: for each set (row order) and each other architecture (column
     * order), home accuracy minus accuracy there. Positive = worse away from home; NaN where a pair is
     * missing.
     */
    public Map<String, Map<String, Double>> drops(String home) {
        List<String> others = others(home);
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        for (String s : sets) {
            Map<String, Double> row = new LinkedHashMap<>();
            double h = percent(s, home);
            for (String a : others) {
                row.put(a, h - percent(s, a));
            }
            out.put(s, row);
        }
        return out;
    }

    /** A set's drop from {@code home} averaged over the other architectures it was measured on (NaN if none). */
    public double meanDrop(String set, String home) {
        requireSet(set);
        return drops(home).get(set).values().stream()
                .filter(d -> !d.isNaN())
                .mapToDouble(Double::doubleValue)
                .average()
                .orElse(Double.NaN);
    }

    /**
     * Gain over {@code baseline} in points, per set and architecture: accuracy of the set minus the
     * baseline's on the same network. The baseline's own row is all zeros.
     */
    public Map<String, Map<String, Double>> gainsOver(String baseline) {
        requireSet(baseline);
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        for (String s : sets) {
            Map<String, Double> row = new LinkedHashMap<>();
            for (String a : architectures) {
                row.put(a, percent(s, a) - percent(baseline, a));
            }
            out.put(s, row);
        }
        return out;
    }

    /**
     * A numeric table of {@link #drops} (set, then one column per other architecture, then the mean
     * drop), rounded to 0.1 point.
     */
    public Table dropTable(String home, String title) {
        Map<String, Map<String, Double>> drops = drops(home);
        Table t = Table.create(title, StringColumn.create("set", sets));
        for (String a : others(home)) {
            DoubleColumn c = DoubleColumn.create(a);
            sets.forEach(s -> c.append(round1(drops.get(s).get(a))));
            t.addColumns(c);
        }
        DoubleColumn mean = DoubleColumn.create("mean drop");
        sets.forEach(s -> mean.append(round1(meanDrop(s, home))));
        t.addColumns(mean);
        return t;
    }

    /** As {@link #dropTable} for gains over {@code baseline}, every architecture a column. */
    public Table gainTable(String baseline, String title) {
        Map<String, Map<String, Double>> gains = gainsOver(baseline);
        Table t = Table.create(title, StringColumn.create("set", sets));
        for (String a : architectures) {
            DoubleColumn c = DoubleColumn.create(a);
            sets.forEach(s -> c.append(round1(gains.get(s).get(a))));
            t.addColumns(c);
        }
        return t;
    }

    private static double round1(double v) {
        return Double.isNaN(v) ? Double.NaN : Math.round(v * 10) / 10.0;
    }

    /** Mean training throughput (images/s) of each architecture over the sets: what each column cost. */
    public Map<String, Double> trainingSpeed() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String a : architectures) {
            out.put(
                    a,
                    sets.stream()
                            .map(s -> result(s, a))
                            .flatMap(Optional::stream)
                            .mapToDouble(EvalResult::imagesPerSecond)
                            .filter(Double::isFinite)
                            .average()
                            .orElse(Double.NaN));
        }
        return out;
    }

    /**
     * The drop of each set from {@code home}, in words — one sentence per set: its home accuracy, the
     * mean drop over the other networks with the smallest and largest, and (when {@code baseline} is
     * given and is another row) on how many networks it still beats the baseline.
     */
    public List<String> dropsInWords(String home, String baseline) {
        Map<String, Map<String, Double>> drops = drops(home);
        Map<String, Map<String, Double>> gains = baseline == null ? null : gainsOver(baseline);
        List<String> out = new ArrayList<>();
        for (String s : sets) {
            StringBuilder b = new StringBuilder();
            double h = percent(s, home);
            b.append(String.format(Locale.ROOT, "%s: %.1f %% on %s", s, h, home));
            List<Map.Entry<String, Double>> measured = drops.get(s).entrySet().stream()
                    .filter(e -> !e.getValue().isNaN())
                    .toList();
            if (Double.isNaN(h) || measured.isEmpty()) {
                out.add(b.append("; no drop to report (not measured on ")
                        .append(Double.isNaN(h) ? home : "other networks")
                        .append(")")
                        .toString());
                continue;
            }
            Map.Entry<String, Double> least =
                    measured.stream().min(Map.Entry.comparingByValue()).orElseThrow();
            Map.Entry<String, Double> most =
                    measured.stream().max(Map.Entry.comparingByValue()).orElseThrow();
            double mean = meanDrop(s, home);
            b.append(String.format(
                    Locale.ROOT,
                    "; on the %d other network%s %s %.1f points on average",
                    measured.size(),
                    measured.size() == 1 ? "" : "s",
                    mean >= 0 ? "it loses" : "it gains",
                    Math.abs(mean)));
            if (measured.size() > 1) {
                b.append(String.format(
                        Locale.ROOT,
                        ", from %s on %s to %s on %s",
                        signed(least.getValue()),
                        least.getKey(),
                        signed(most.getValue()),
                        most.getKey()));
            }
            if (gains != null && !s.equals(baseline)) {
                long ahead = architectures.stream()
                        .filter(a -> gains.get(s).get(a) > 0)
                        .count();
                long compared = architectures.stream()
                        .filter(a -> !gains.get(s).get(a).isNaN())
                        .count();
                b.append(String.format(Locale.ROOT, "; it beats %s on %d of %d networks", baseline, ahead, compared));
            }
            out.add(b.append('.').toString());
        }
        return out;
    }

    /** A drop as words: "12.3 lost" or "0.4 gained". */
    private static String signed(double drop) {
        return String.format(Locale.ROOT, drop >= 0 ? "%.1f lost" : "%.1f gained", Math.abs(drop));
    }

    /** The table as GitHub markdown (sets as rows, "mean ± std %" cells), for a README. */
    public String toMarkdown() {
        StringBuilder b = new StringBuilder("| set |");
        architectures.forEach(a -> b.append(' ').append(a).append(" |"));
        b.append("\n|---|");
        architectures.forEach(a -> b.append("---|"));
        for (String s : sets) {
            b.append("\n| ").append(s).append(" |");
            for (String a : architectures) {
                b.append(' ')
                        .append(result(s, a).map(r -> format(r) + " %").orElse("—"))
                        .append(" |");
            }
        }
        return b.append('\n').toString();
    }

    @Override
    public String toString() {
        return sets.size() + " sets × " + architectures.size() + " architectures: " + sets + " on " + architectures;
    }
}
