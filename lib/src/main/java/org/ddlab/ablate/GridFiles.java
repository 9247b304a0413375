package org.ddlab.ablate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The ablation grids committed with the course, {@code environment/measure/grids/NAME.json}: the files
 * {@code environment/measure/ablations} runs with the command line and notebook 06 scales to its
 * profile, so both ask the same questions. Found from the working directory upwards (a notebook runs
 * in {@code notebooks/}), then from {@code DDLAB_ROOT}.
 */
public final class GridFiles {

    /** Where the grids live, relative to the checkout's root. */
    public static final String DIRECTORY = "environment/measure/grids";

    private GridFiles() {}

    /** The checkout's root: the nearest directory at or above the working directory that holds the grids, else DDLAB_ROOT. */
    public static Path root() {
        Optional<Path> up = root(Path.of(System.getProperty("user.dir")));
        if (up.isPresent()) {
            return up.get();
        }
        String env = System.getenv("DDLAB_ROOT");
        if (env != null && Files.isDirectory(Path.of(env).resolve(DIRECTORY))) {
            return Path.of(env).toAbsolutePath();
        }
        throw new IllegalStateException("no " + DIRECTORY + " at or above " + System.getProperty("user.dir")
                + " (nor under DDLAB_ROOT); run from inside the ddlab checkout");
    }

    /** The nearest directory at or above {@code from} that holds {@link #DIRECTORY}. */
    static Optional<Path> root(Path from) {
        for (Path d = from.toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve(DIRECTORY))) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** The grids' directory. */
    public static Path directory() {
        return root().resolve(DIRECTORY);
    }

    /** The committed grid {@code name} (the file name without {@code .json}), e.g. {@code frepo-pool}. */
    public static AblationGrid load(String name) throws IOException {
        return AblationGrid.load(directory().resolve(name + ".json"));
    }

    /** The names of the committed grids, sorted. */
    public static List<String> names() throws IOException {
        try (var files = Files.list(directory())) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - ".json".length()))
                    .sorted()
                    .toList();
        }
    }
}
