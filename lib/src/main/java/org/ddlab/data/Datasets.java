package org.ddlab.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ddlab.data.fetch.Download;

/**
 * The registry of datasets: every dataset ddlab reads is named here and nowhere else.
 *
 * <table>
 *   <caption>Entries</caption>
 *   <tr><th>name</th><th>images</th><th>classes</th><th>default preprocessing</th></tr>
 *   <tr><td>{@code fashion-mnist} (default)</td><td>1×28×28</td><td>10</td><td>normalize</td></tr>
 *   <tr><td>{@code mnist}</td><td>1×28×28</td><td>10</td><td>normalize</td></tr>
 *   <tr><td>{@code cifar10}</td><td>3×32×32</td><td>10</td><td>zca</td></tr>
 *   <tr><td>{@code cifar100}, {@code cifar100-coarse}</td><td>3×32×32</td><td>100 fine / 20 coarse</td><td>zca</td></tr>
 *   <tr><td>{@code svhn}</td><td>3×32×32</td><td>10</td><td>zca</td></tr>
 *   <tr><td>{@code folder:PATH}</td><td>as the images</td><td>sub-folders</td><td>normalize</td></tr>
 *   <tr><td>{@code npz:PATH}</td><td>as the arrays</td><td>as the labels</td><td>normalize</td></tr>
 * </table>
 *
 * <p>Files are looked for in {@code $DDLAB_DATA/<name>/}, then in {@code ~/.local/share/ddlab/data/<name>/}
 * (where {@code ddlab data fetch} puts them when {@code DDLAB_DATA} is not set), then in fixed system
 * folders (Fashion-MNIST: the Debian package {@code dataset-fashion-mnist}). Nothing is ever downloaded
 * implicitly: a missing dataset is an error that says how to get it.
 */
public final class Datasets {

    /** The dataset used when none is named. */
    public static final String DEFAULT = "fashion-mnist";
    /** Environment variable: the folder holding datasets, one sub-folder each. */
    public static final String DATA_ENV = "DDLAB_DATA";
    /** Environment variable: the dataset notebooks use ({@link #fromEnvironment()}). */
    public static final String DATASET_ENV = "DDLAB_DATASET";

    private final Path envRoot;
    private final Path home;
    private final Map<String, FileDataset> builtIn = new LinkedHashMap<>();

    private Datasets(Path envRoot, Path home) {
        this.envRoot = envRoot;
        this.home = home;
        register(BuiltIns.all(this));
    }

    private void register(List<FileDataset> entries) {
        for (FileDataset d : entries) {
            builtIn.put(d.name(), d);
        }
    }

    /** The registry as this process's environment sets it up. */
    public static Datasets standard() {
        return of(System.getenv(DATA_ENV), Path.of(System.getProperty("user.home")));
    }

    /** A registry with this {@code DDLAB_DATA} (null or blank: unset) and home folder; for tests. */
    public static Datasets of(String dataEnv, Path userHome) {
        Path env = dataEnv == null || dataEnv.isBlank()
                ? null
                : Path.of(dataEnv.trim()).toAbsolutePath();
        return new Datasets(env, userHome.resolve(".local/share/ddlab/data"));
    }

    /** {@link #get} on the {@link #standard()} registry. */
    public static Dataset named(String spec) {
        return standard().get(spec);
    }

    /** The dataset {@code $DDLAB_DATASET} names, else {@link #DEFAULT}: what the notebooks run on. */
    public static Dataset fromEnvironment() {
        String env = System.getenv(DATASET_ENV);
        return named(env == null || env.isBlank() ? DEFAULT : env.trim());
    }

    /**
     * The dataset {@code spec} names: a built-in name (case and {@code _} / {@code -} do not matter),
     * {@code folder:PATH} or {@code npz:PATH}.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public Dataset get(String spec) {
        String s = spec == null ? "" : spec.trim();
        int colon = s.indexOf(':');
        if (colon > 0) {
            String kind = s.substring(0, colon).toLowerCase(Locale.ROOT);
            String path = s.substring(colon + 1);
            if (path.isBlank()) {
                throw new IllegalArgumentException("dataset '" + spec + "' names no path; write " + kind + ":PATH");
            }
            return switch (kind) {
                case "folder" -> new FolderDataset(Path.of(path));
                case "npz" -> new NpzDataset(Path.of(path));
                default -> throw unknown(spec);
            };
        }
        FileDataset d = builtIn.get(s.toLowerCase(Locale.ROOT).replace('_', '-'));
        if (d == null) {
            throw unknown(spec);
        }
        return d;
    }

    private IllegalArgumentException unknown(String spec) {
        return new IllegalArgumentException(
                "unknown dataset '" + spec + "'; known: " + String.join(", ", builtIn.keySet())
                        + ", folder:PATH (train/ and test/ with a sub-folder per class), npz:PATH (x_train, y_train, x_test, y_test)");
    }

    /**
     * A dataset of images already in memory (pixels), e.g. arrays a notebook made or a test's. It is
     * not in the registry: pass it where a {@link Dataset} is taken ({@link DatasetSplits#of}).
     */
    public static Dataset inMemory(String name, ImageSet train, ImageSet test) {
        return new InMemoryDataset(name, train, test);
    }

    /** The built-in datasets, in the order of the table above. */
    public List<Dataset> builtIn() {
        return List.copyOf(builtIn.values());
    }

    /** Where {@code ddlab data fetch} puts datasets: {@code $DDLAB_DATA}, else {@code ~/.local/share/ddlab/data}. */
    public Path dataRoot() {
        return envRoot != null ? envRoot : home;
    }

    /** Folders a dataset's files are looked for in, in order. */
    List<Path> searchPath(String folder) {
        List<Path> dirs = new ArrayList<>();
        if (envRoot != null) {
            dirs.add(envRoot.resolve(folder));
            if (folder.equals(DEFAULT)) {
                dirs.add(envRoot); // Fashion-MNIST's files directly in $DDLAB_DATA, as the course has always accepted
            }
        }
        dirs.add(home.resolve(folder));
        dirs.addAll(BuiltIns.systemFolders(folder));
        return dirs;
    }

    static Download download(String file, String url, String sha256, long size, boolean unpack) {
        return unpack ? Download.unpack(file, url, sha256, size) : Download.keep(file, url, sha256, size);
    }
}
