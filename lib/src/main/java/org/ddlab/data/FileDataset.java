package org.ddlab.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ddlab.data.fetch.Download;

/**
 * A dataset of the registry read from fixed files in a folder of its own (the publisher's files, as
 * {@code ddlab data fetch} leaves them). It looks in each of its candidate folders in turn and takes
 * the first that holds every file it needs.
 */
final class FileDataset implements Dataset {

    /** Reads one split from the folder that holds the files. */
    @FunctionalInterface
    interface Reader {
        ImageSet read(Path dir, Split split) throws IOException;
    }

    private final String name;
    private final String folder;
    private final Datasets registry;
    private final String title;
    private final int[] shape;
    private final int classes;
    private final Preprocessing.Kind preprocessing;
    private final List<String> files;
    private final Reader reader;
    private final List<List<Download>> sources;
    private final String source;
    private final String licence;
    private final String otherWay;

    /**
     * @param folder   the folder's name under a data root (datasets that share files share it)
     * @param files    paths relative to the folder, every one required (for a choice between a name and
     *                 its {@code .gz}, list the plain name: either satisfies it)
     * @param sources  what {@code ddlab data fetch} downloads: alternatives, each a complete list of files, tried in
     *                 order while their hosts cannot be reached ({@link Dataset#sources()}); empty: not fetched
     * @param otherWay another way to get the files than {@code ddlab data fetch} (e.g. a Debian package), or null
     */
    FileDataset(
            Datasets registry,
            String name,
            String folder,
            String title,
            int[] shape,
            int classes,
            Preprocessing.Kind preprocessing,
            List<String> files,
            Reader reader,
            List<List<Download>> sources,
            String source,
            String licence,
            String otherWay) {
        this.registry = registry;
        this.name = name;
        this.folder = folder;
        this.title = title;
        this.shape = shape.clone();
        this.classes = classes;
        this.preprocessing = preprocessing;
        this.files = List.copyOf(files);
        this.reader = reader;
        this.sources = sources.stream().map(List::copyOf).toList();
        this.source = source;
        this.licence = licence;
        this.otherWay = otherWay;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String title() {
        return title;
    }

    @Override
    public Optional<int[]> imageShape() {
        return Optional.of(shape.clone());
    }

    @Override
    public Optional<Integer> numClasses() {
        return Optional.of(classes);
    }

    @Override
    public Preprocessing.Kind defaultPreprocessing() {
        return preprocessing;
    }

    @Override
    public ImageSet load(Split split) throws IOException {
        Path dir = location().orElseThrow(() -> new MissingDatasetException(whereToGetIt()));
        ImageSet set = reader.read(dir, split);
        if (set.channels() != shape[0]
                || set.height() != shape[1]
                || set.width() != shape[2]
                || set.numClasses() != classes) {
            throw new DataFormatException(
                    dir,
                    "holds " + set.channels() + "x" + set.height() + "x" + set.width() + " images of "
                            + set.numClasses() + " classes, but " + title + " has " + shape[0] + "x" + shape[1] + "x"
                            + shape[2] + " images of "
                            + classes + "; these are not " + title + "'s files");
        }
        return set;
    }

    /** The folders looked in, in order ({@link Datasets#searchPath}). */
    List<Path> candidates() {
        return registry.searchPath(folder);
    }

    @Override
    public Optional<Path> location() {
        return candidates().stream().filter(this::complete).findFirst();
    }

    private boolean complete(Path dir) {
        return files.stream().allMatch(f -> exists(dir, f));
    }

    private static boolean exists(Path dir, String file) {
        return Files.isRegularFile(dir.resolve(file)) || Files.isRegularFile(dir.resolve(file + ".gz"));
    }

    @Override
    public String whereToGetIt() {
        StringBuilder msg = new StringBuilder(title + " (dataset '" + name + "') is not on this machine. Looked in:");
        for (Path dir : candidates()) {
            msg.append("\n  ").append(dir);
            if (!Files.isDirectory(dir)) {
                msg.append(" — no such folder");
            } else {
                List<String> missing = new ArrayList<>();
                for (String f : files) {
                    if (!exists(dir, f)) {
                        missing.add(f);
                    }
                }
                msg.append(" — missing ").append(String.join(", ", missing));
            }
        }
        if (!sources.isEmpty()) {
            msg.append("\nGet it with 'ddlab data fetch ").append(name).append("', or download");
            for (int i = 0; i < sources.size(); i++) {
                if (i > 0) {
                    msg.append("\n or");
                }
                for (Download d : sources.get(i)) {
                    msg.append("\n  ").append(d.uri());
                }
            }
            msg.append("\nyourself and put the files in ")
                    .append(fetchTarget())
                    .append(" (unpack .tar.gz archives there), then run 'ddlab data fetch ")
                    .append(name)
                    .append("' to check them.");
        }
        if (otherWay != null) {
            msg.append("\nOr: ").append(otherWay).append('.');
        }
        return msg.toString();
    }

    @Override
    public List<Download> downloads() {
        return sources.isEmpty() ? List.of() : sources.getFirst();
    }

    @Override
    public List<List<Download>> sources() {
        return sources;
    }

    @Override
    public Path fetchTarget() {
        return registry.dataRoot().resolve(folder);
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public String licence() {
        return licence;
    }

    @Override
    public String toString() {
        return name;
    }
}
