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

    @Option(names = "--grid", required = true, description = "The grid file (JSON).")
    Path grid;

    @Option(names = "--out", required = true, description = "Cache directory: one sub-directory per cell.")
    Path out;

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

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        AblationGrid g = AblationGrid.load(grid);
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
        Ablation ablation =
                new Ablation(out, data.splits(), protocol, profile.pick(20, 1000, 20000)).evaluatingWith(arch);
        try {
            ablation.configure(g); // every cell's options checked before the first line
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    grid + (set.isEmpty() ? "" : " with --set " + String.join(" ", set)) + ": " + e.getMessage(), e);
        }
        String scoredOn = ablation.scoredOn();
        err.println(g.name() + ": " + g.cells().size() + " cells; protocol: " + protocol + "; scored on " + scoredOn);
        int cells = g.cells().size();
        TerminalProgress bar = new TerminalProgress(new Progress(g.name(), cells), err);
        List<Ablation.Cell> done = ablation.run(
                g, (cell, count, status) -> bar.update(cell, "cell " + (cell + 1) + "/" + count + " " + status));
        bar.update(cells, "done");
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
                m.put("protocol", protocol.toString());
                m.put("evaluated_with", arch);
                m.put("dir", c.dir().toString());
                stdout.println(gson.toJson(m));
            }
        } else {
            stdout.print(Tables.toText(Ablation.table(g, done, scoredOn), 1000));
            if (!g.vary().isEmpty()) {
                stdout.println();
                stdout.println(Findings.describe(g, done, Double.NaN));
            }
        }
        stdout.flush();
        return 0;
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
