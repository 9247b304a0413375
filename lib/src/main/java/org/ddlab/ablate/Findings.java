package org.ddlab.ablate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * What an ablation found, computed from its cells rather than written beside them: which value of the
 * varied setting scored best, by how much, the trend over numeric values, and whether the gap is larger
 * than the noise. A notebook prints these sentences under its table, so the prose cannot contradict the
 * numbers, and a re-run with other results says something else.
 *
 * <p>The effect described is that of the grid's <em>last</em> varied option, once for each combination
 * of the others (a grid varying {@code ipc} then {@code learn_labels} gives the effect of learning the
 * labels at each IPC).
 */
public final class Findings {

    private Findings() {}

    /**
     * How one option moved the score with the grid's other varied options fixed.
     *
     * @param option the option whose values differ between these cells
     * @param fixed  the other varied options' values shared by these cells (empty for a one-option grid)
     * @param values the option's values, in the grid's order
     * @param means  mean score of each value, in % (NaN where the cell is missing)
     * @param stds   std of each value's score over evaluation runs, in % (0 with one run)
     * @param runs   fewest evaluation runs of a cell
     */
    public record Effect(
            String option, Map<String, Object> fixed, List<Object> values, double[] means, double[] stds, int runs) {

        public Effect {
            fixed = new LinkedHashMap<>(fixed);
            values = List.copyOf(values);
            if (means.length != values.size() || stds.length != values.size()) {
                throw new IllegalArgumentException("need a mean and a std per value of '" + option + "'");
            }
            means = means.clone();
            stds = stds.clone();
        }

        @Override
        public double[] means() {
            return means.clone();
        }

        @Override
        public double[] stds() {
            return stds.clone();
        }

        private int[] present() {
            return IntStream.range(0, means.length)
                    .filter(i -> !Double.isNaN(means[i]))
                    .toArray();
        }

        /** The value that scored highest (the first of equal ones). */
        public Object best() {
            return values.get(Arrays.stream(present())
                    .boxed()
                    .max(Comparator.comparingDouble(i -> means[i]))
                    .orElseThrow(() -> new IllegalStateException("no finished cell for '" + option + "'")));
        }

        /** The value that scored lowest. */
        public Object worst() {
            return values.get(Arrays.stream(present())
                    .boxed()
                    .min(Comparator.comparingDouble(i -> means[i]))
                    .orElseThrow(() -> new IllegalStateException("no finished cell for '" + option + "'")));
        }

        /** Best minus worst, in percentage points. */
        public double gap() {
            return mean(best()) - mean(worst());
        }

        /** The mean score (in %) of {@code value} (compared as text, so 10, 10L and "10" are one value). */
        public double mean(Object value) {
            for (int i = 0; i < values.size(); i++) {
                if (String.valueOf(values.get(i)).equals(String.valueOf(value))) {
                    return means[i];
                }
            }
            throw new IllegalArgumentException(
                    "'" + option + "' took no value " + value + "; its values are " + values);
        }

        /** {@code mean(a) - mean(b)}, in points. */
        public double difference(Object a, Object b) {
            return mean(a) - mean(b);
        }

        /**
         * "pool_size = 10 scored 3.2 points above pool_size = 1, 2.5× the seed-to-seed spread (1.3 points)":
         * how {@code a} compared with {@code b}, and the difference against {@code noise} as in {@link #sentence}.
         */
        public String compare(Object a, Object b, double noise) {
            double d = difference(a, b);
            StringBuilder s = new StringBuilder(option + " = " + Ablation.text(a) + " scored ");
            if (Double.isNaN(d)) {
                return s.append("— (a cell is missing)").toString();
            }
            boolean same = Math.abs(d) < 0.05; // equal to the 0.1 points written
            s.append(
                            same
                                    ? "the same as "
                                    : String.format(
                                            Locale.ROOT, "%.1f points %s ", Math.abs(d), d > 0 ? "above" : "below"))
                    .append(option)
                    .append(" = ")
                    .append(Ablation.text(b));
            String[] yardstick = yardstick(noise);
            if (yardstick != null && Double.parseDouble(yardstick[1]) > 0 && !same) {
                double n = Double.parseDouble(yardstick[1]);
                s.append(
                        Math.abs(d) >= n
                                ? String.format(
                                        Locale.ROOT, ", %.1f× %s (%.1f points)", Math.abs(d) / n, yardstick[0], n)
                                : String.format(Locale.ROOT, ", within %s (%.1f points)", yardstick[0], n));
            }
            return s.toString();
        }

        /** {what, points}: the noise to judge gaps by — {@code noise} if given, else the run-to-run std; null if neither. */
        private String[] yardstick(double noise) {
            if (!Double.isNaN(noise)) {
                return new String[] {"the seed-to-seed spread", String.valueOf(noise)};
            }
            double r = runSpread();
            return Double.isNaN(r) ? null : new String[] {"the run-to-run std", String.valueOf(r)};
        }

        /** The cells' own run-to-run spread: the mean std over values, in points (NaN with one run per cell). */
        public double runSpread() {
            return runs > 1
                    ? Arrays.stream(present())
                            .mapToDouble(i -> stds[i])
                            .average()
                            .orElse(Double.NaN)
                    : Double.NaN;
        }

        /**
         * The shape of the score over numeric values, in ascending order: "rises with X", "falls with X",
         * "peaks at X = v", "is lowest at X = v", "has no steady trend over X"; empty for other values or
         * fewer than two.
         */
        public String trend() {
            int[] idx = present();
            if (idx.length < 2 || !Arrays.stream(idx).allMatch(i -> values.get(i) instanceof Number)) {
                return "";
            }
            Integer[] order = Arrays.stream(idx)
                    .boxed()
                    .sorted(Comparator.comparingDouble(i -> ((Number) values.get(i)).doubleValue()))
                    .toArray(Integer[]::new);
            int ups = 0;
            int downs = 0;
            for (int k = 1; k < order.length; k++) {
                double d = means[order[k]] - means[order[k - 1]];
                ups += d > 0 ? 1 : 0;
                downs += d < 0 ? 1 : 0;
            }
            if (downs == 0 && ups > 0) {
                return "rises with " + option;
            }
            if (ups == 0 && downs > 0) {
                return "falls with " + option;
            }
            if (ups == 0) {
                return "is the same for every " + option;
            }
            int top = 0;
            int bottom = 0;
            for (int k = 1; k < order.length; k++) {
                top = means[order[k]] > means[order[top]] ? k : top;
                bottom = means[order[k]] < means[order[bottom]] ? k : bottom;
            }
            if (unimodal(order, top, 1)) {
                return "peaks at " + option + " = " + Ablation.text(values.get(order[top]));
            }
            if (unimodal(order, bottom, -1)) {
                return "is lowest at " + option + " = " + Ablation.text(values.get(order[bottom]));
            }
            return "has no steady trend over " + option;
        }

        /** Whether the means go one way up to position {@code at} and the other way after it. */
        private boolean unimodal(Integer[] order, int at, int sign) {
            for (int k = 1; k < order.length; k++) {
                double d = sign * (means[order[k]] - means[order[k - 1]]);
                if (k <= at ? d < 0 : d > 0) {
                    return false;
                }
            }
            return true;
        }

        /**
         * One or two sentences: best and worst value and their gap, the trend, and how the gap compares
         * with {@code noise} — the spread of a cell's score when only the seed changes, in points. With
         * {@code noise} NaN the cells' own run-to-run spread is used, and with one run per cell the
         * sentence says that no spread was measured.
         */
        public String sentence(double noise) {
            StringBuilder b = new StringBuilder();
            if (!fixed.isEmpty()) {
                b.append("At ").append(assignments(fixed)).append(": ");
            }
            int[] idx = present();
            if (idx.length == 0) {
                return b.append("no finished cell.").toString();
            }
            if (idx.length == 1) {
                return b.append(option)
                        .append(" = ")
                        .append(Ablation.text(values.get(idx[0])))
                        .append(" scored ")
                        .append(pct(means[idx[0]]))
                        .append(" (the only finished cell).")
                        .toString();
            }
            Object best = best();
            Object worst = worst();
            if (gap() < 0.05) { // equal to the 0.1 points written
                return b.append("every value of ")
                        .append(option)
                        .append(" scored the same (")
                        .append(pct(mean(best)))
                        .append(").")
                        .toString();
            }
            b.append(option)
                    .append(" = ")
                    .append(Ablation.text(best))
                    .append(" scored best (")
                    .append(pct(mean(best)))
                    .append("), ")
                    .append(option)
                    .append(" = ")
                    .append(Ablation.text(worst))
                    .append(" worst (")
                    .append(pct(mean(worst)))
                    .append("), ")
                    .append(String.format(Locale.ROOT, "%.1f", gap()))
                    .append(gap() == 1.0 ? " point" : " points")
                    .append(" apart");
            String t = trend();
            if (!t.isEmpty() && !t.startsWith("is the same")) {
                b.append("; the score ").append(t);
            }
            b.append(". ");
            String[] yardstick = yardstick(noise);
            String what = yardstick == null ? "" : yardstick[0];
            double n = yardstick == null ? Double.NaN : Double.parseDouble(yardstick[1]);
            if (Double.isNaN(n)) {
                b.append("(One evaluation run per cell and no noise estimate: a gap of a point or two may be noise.)");
            } else if (n <= 0) {
                b.append(String.format(
                        Locale.ROOT, "(%s measured 0 points, too few runs to judge the gap.)", capitalise(what)));
            } else {
                double ratio = gap() / n;
                String spread = String.format(Locale.ROOT, "%s (%.1f points)", what, n);
                if (ratio >= 2) {
                    b.append(String.format(Locale.ROOT, "The gap is %.1f× %s: a clear difference.", ratio, spread));
                } else if (ratio >= 1) {
                    b.append(String.format(
                            Locale.ROOT, "The gap is %.1f× %s: suggestive, not conclusive.", ratio, spread));
                } else {
                    b.append(String.format(
                            Locale.ROOT,
                            "The gap is within %s: on this evidence %s makes no clear difference.",
                            spread,
                            option));
                }
            }
            return b.toString();
        }
    }

    /** A difference in points as the findings write it: "+1.2 points", "-0.4 points", "+0.0 points" (never "-0.0"). */
    public static String signed(double points) {
        double rounded = Math.round(points * 10) / 10.0;
        return String.format(Locale.ROOT, "%+.1f points", rounded == 0 ? 0.0 : rounded);
    }

    /** The effects of the grid's last varied option, one per combination of the others, in the grid's order. */
    public static List<Effect> of(AblationGrid grid, List<Ablation.Cell> cells) {
        List<String> varied = new ArrayList<>(grid.vary().keySet());
        if (varied.isEmpty()) {
            throw new IllegalArgumentException(
                    "grid '" + grid.name() + "' varies nothing; there is no effect to describe");
        }
        String last = varied.get(varied.size() - 1);
        List<Object> values = grid.vary().get(last);
        AblationGrid others = AblationGrid.of(grid.name(), Map.of());
        for (String k : varied.subList(0, varied.size() - 1)) {
            others = others.vary(k, grid.vary().get(k).toArray());
        }
        List<Effect> out = new ArrayList<>();
        for (Map<String, Object> fixed : others.cells()) {
            double[] means = new double[values.size()];
            double[] stds = new double[values.size()];
            int runs = Integer.MAX_VALUE;
            for (int v = 0; v < values.size(); v++) {
                Map<String, Object> want = new LinkedHashMap<>(fixed);
                want.put(last, values.get(v));
                Ablation.Cell c = find(cells, want);
                means[v] = c == null ? Double.NaN : 100 * c.result().mean();
                stds[v] = c == null ? Double.NaN : 100 * c.result().std();
                if (c != null) {
                    runs = Math.min(runs, c.result().runs());
                }
            }
            out.add(new Effect(last, fixed, values, means, stds, runs == Integer.MAX_VALUE ? 0 : runs));
        }
        return out;
    }

    /** The sentences of {@link #of} joined, one paragraph (see {@link Effect#sentence}). */
    public static String describe(AblationGrid grid, List<Ablation.Cell> cells, double noise) {
        return of(grid, cells).stream().map(e -> e.sentence(noise)).collect(Collectors.joining(" "));
    }

    /**
     * The spread of the cells' scores, in points: the sample standard deviation of their means (n − 1,
     * as the estimate from a few cells should be). Over a grid that varies only the seed, this is how
     * much a cell's score moves when nothing that matters changes — the yardstick for every other gap.
     * NaN for fewer than two cells.
     */
    public static double spread(List<Ablation.Cell> cells) {
        double[] m = cells.stream().mapToDouble(c -> 100 * c.result().mean()).toArray();
        if (m.length < 2) {
            return Double.NaN;
        }
        double mean = Arrays.stream(m).average().orElseThrow();
        return Math.sqrt(Arrays.stream(m).map(x -> (x - mean) * (x - mean)).sum() / (m.length - 1));
    }

    /** How a measured difference bears on a claim that it is positive. */
    public enum Verdict {
        /** Positive by at least the noise. */
        AGREES("agrees"),
        /** Negative by at least the noise. */
        DISAGREES("disagrees"),
        /** Smaller than the noise either way. */
        INCONCLUSIVE("is inconclusive (within the noise)"),
        /** Positive, but no noise estimate to judge it by. */
        LEANS_AGREE("leans towards agreeing (no noise estimate)"),
        /** Negative, no noise estimate. */
        LEANS_DISAGREE("leans towards disagreeing (no noise estimate)");

        private final String text;

        Verdict(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /**
     * The verdict of {@code difference} (in points; the claim is that it is positive) against {@code noise}
     * (points; NaN when unknown): outside ±noise it agrees or disagrees, inside it is inconclusive.
     */
    public static Verdict verdict(double difference, double noise) {
        if (Double.isNaN(difference)) {
            return Verdict.INCONCLUSIVE;
        }
        if (Double.isNaN(noise)) {
            return difference > 0
                    ? Verdict.LEANS_AGREE
                    : difference < 0 ? Verdict.LEANS_DISAGREE : Verdict.INCONCLUSIVE;
        }
        return difference >= noise && difference > 0
                ? Verdict.AGREES
                : difference <= -noise && difference < 0 ? Verdict.DISAGREES : Verdict.INCONCLUSIVE;
    }

    private static Ablation.Cell find(List<Ablation.Cell> cells, Map<String, Object> want) {
        for (Ablation.Cell c : cells) {
            boolean match = true;
            for (Map.Entry<String, Object> e : want.entrySet()) {
                match &= Objects.equals(String.valueOf(c.options().get(e.getKey())), String.valueOf(e.getValue()));
            }
            if (match) {
                return c;
            }
        }
        return null;
    }

    static String assignments(Map<String, Object> options) {
        return options.entrySet().stream()
                .map(e -> e.getKey() + " = " + Ablation.text(e.getValue()))
                .collect(Collectors.joining(", "));
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f %%", v);
    }

    private static String capitalise(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
