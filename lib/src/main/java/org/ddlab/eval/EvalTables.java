package org.ddlab.eval;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Evaluation results as tidy Tablesaw tables: one row per (set, architecture). */
public final class EvalTables {

    private EvalTables() {}

    public static Table of(String title, List<EvalResult> results) {
        StringColumn set = StringColumn.create("set");
        StringColumn arch = StringColumn.create("architecture");
        IntColumn runs = IntColumn.create("runs");
        DoubleColumn mean = DoubleColumn.create("mean %");
        DoubleColumn std = DoubleColumn.create("std %");
        StringColumn each = StringColumn.create("per run %");
        DoubleColumn speed = DoubleColumn.create("train images/s");
        for (EvalResult r : results) {
            set.append(r.set());
            arch.append(r.architecture());
            runs.append(r.runs());
            mean.append(round(100 * r.mean()));
            std.append(round(100 * r.std()));
            each.append(Arrays.stream(r.accuracies())
                    .mapToObj(a -> String.format(Locale.ROOT, "%.2f", 100 * a))
                    .collect(Collectors.joining(" ")));
            speed.append(Math.round(r.imagesPerSecond()));
        }
        return Table.create(title, set, arch, runs, mean, std, each, speed);
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
