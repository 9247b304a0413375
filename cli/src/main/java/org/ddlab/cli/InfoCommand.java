package org.ddlab.cli;

import com.google.gson.GsonBuilder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ddlab.data.Dataset;
import org.ddlab.data.Datasets;
import org.ddlab.engine.EngineInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ddlab info}: engine, version, device, threads, and whether the data was found. */
@Command(
        name = "info",
        mixinStandardHelpOptions = true,
        description = "Show the engine, device, threads and where each dataset is.")
final class InfoCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Map<String, Object> facts = new LinkedHashMap<>(EngineInfo.current().asMap());
        facts.put("java", Runtime.version().toString());
        Datasets registry = Datasets.standard();
        facts.put("data folder", registry.dataRoot() + " ($" + Datasets.DATA_ENV + ")");
        for (Dataset d : registry.builtIn()) {
            facts.put(
                    d.name(),
                    d.location().map(Path::toString).orElse("not here ('ddlab data list' says how to get it)"));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new GsonBuilder().disableHtmlEscaping().create().toJson(facts));
        } else {
            int width = facts.keySet().stream().mapToInt(String::length).max().orElse(0);
            facts.forEach((k, v) -> out.printf("%-" + width + "s  %s%n", k, v));
        }
        out.flush();
        return 0;
    }
}
