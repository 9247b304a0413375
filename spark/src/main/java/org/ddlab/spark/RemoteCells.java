package org.ddlab.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.ddlab.ablate.Ablation;
import org.ddlab.distill.Caches;

/**
 * A grid's cache on a file system named by a URI ({@code hdfs://…}, {@code s3a://…}, {@code file:///…}) through
 * Hadoop's FileSystem API. ddlab's runs read and write local files, so a worker runs its cell in a local copy: it
 * fetches the cell's directory (checkpoints included), runs it there, and after every step copies what is new —
 * each checkpoint as it is written, the set, the result or the failure — so a retry on another worker resumes from the
 * newest checkpoint that reached the file system. Every file arrives under a temporary name and is renamed into place,
 * so a reader never sees half a result. The driver keeps a mirror of the results and failures only.
 */
final class RemoteCells {

    /** The prefix of a file or checkpoint on its way: renamed into place when complete, ignored when fetched. */
    private static final String PARTIAL = ".ddlab-partial-";

    private final URI root;
    private final FileSystem fs;
    /** Files of the local copy already on the file system, with their size and modification time. */
    private final Map<Path, String> copied = new HashMap<>();

    RemoteCells(String uri) {
        this.root = URI.create(uri.replaceAll("/+$", "") + "/");
        try {
            this.fs = FileSystem.get(root, new Configuration());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach the file system of --out " + uri + ": " + e.getMessage(), e);
        }
    }

    /** A local folder for this URI's cells in this JVM (the same for every call). */
    static Path localFolder(String uri, String purpose) throws IOException {
        Path dir = Path.of(
                System.getProperty("java.io.tmpdir"), "ddlab-" + purpose + "-" + Caches.hash(Map.of("uri", uri), 8));
        Files.createDirectories(dir);
        return dir;
    }

    private org.apache.hadoop.fs.Path remote(String relative) {
        return new org.apache.hadoop.fs.Path(root.resolve(relative));
    }

    /** Replaces {@code local} (a cell's directory) with the cell's files on the file system, if it has any. */
    void fetch(Path local) throws IOException {
        delete(local);
        Files.createDirectories(local);
        copied.clear();
        org.apache.hadoop.fs.Path from = remote(local.getFileName().toString());
        if (fs.exists(from)) {
            fetchTree(from, local);
        }
    }

    private void fetchTree(org.apache.hadoop.fs.Path from, Path to) throws IOException {
        for (FileStatus s : fs.listStatus(from)) {
            Path target = to.resolve(s.getPath().getName());
            if (s.getPath().getName().startsWith(PARTIAL)) {
                continue; // a copy cut short by a lost worker
            }
            if (s.isDirectory()) {
                Files.createDirectories(target);
                fetchTree(s.getPath(), target);
            } else {
                fs.copyToLocalFile(false, s.getPath(), new org.apache.hadoop.fs.Path(target.toUri()), true);
                copied.put(target, stamp(target));
            }
        }
    }

    /**
     * Copies to the file system every file of {@code local} (a cell's directory) that is new or changed since the
     * last copy — a checkpoint as a whole directory, renamed into place once complete, so a retry never finds half
     * of one — then removes there the checkpoints the run has pruned here.
     */
    void push(Path local) {
        try {
            String cell = local.getFileName().toString();
            Path checkpoints = local.resolve("checkpoints");
            if (Files.isDirectory(checkpoints)) {
                try (Stream<Path> steps = Files.list(checkpoints)) {
                    for (Path step : steps.filter(Files::isDirectory).sorted().toList()) {
                        String stamp = treeStamp(step);
                        if (!stamp.equals(copied.get(step))) {
                            putTree(step, cell + "/checkpoints/" + step.getFileName());
                            copied.put(step, stamp);
                        }
                    }
                }
            }
            try (Stream<Path> files = Files.walk(local)) {
                for (Path f : files.filter(Files::isRegularFile)
                        .filter(f -> !f.startsWith(checkpoints))
                        .sorted(resultLast())
                        .toList()) {
                    String stamp = stamp(f);
                    if (!stamp.equals(copied.get(f))) {
                        put(f, cell + "/" + local.relativize(f).toString().replace('\\', '/'));
                        copied.put(f, stamp);
                    }
                }
            }
            org.apache.hadoop.fs.Path remoteCheckpoints = remote(cell + "/checkpoints");
            if (fs.exists(remoteCheckpoints)) {
                for (FileStatus step : fs.listStatus(remoteCheckpoints)) {
                    if (!Files.exists(checkpoints.resolve(step.getPath().getName()))) {
                        fs.delete(step.getPath(), true);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("copying " + local + " to " + root + " failed: " + e.getMessage(), e);
        }
    }

    /** Copies the directory {@code dir} whole under a temporary name, then renames it into place. */
    private void putTree(Path dir, String relative) throws IOException {
        org.apache.hadoop.fs.Path target = remote(relative);
        org.apache.hadoop.fs.Path partial =
                new org.apache.hadoop.fs.Path(target.getParent(), PARTIAL + target.getName());
        fs.delete(partial, true);
        fs.mkdirs(partial);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                fs.copyFromLocalFile(
                        false,
                        true,
                        new org.apache.hadoop.fs.Path(f.toUri()),
                        new org.apache.hadoop.fs.Path(partial, f.getFileName().toString()));
            }
        }
        fs.delete(target, true);
        if (!fs.rename(partial, target)) {
            throw new IOException("cannot rename " + partial + " to " + target);
        }
    }

    private static String treeStamp(Path dir) throws IOException {
        StringBuilder b = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                b.append(f.getFileName()).append(':').append(stamp(f)).append(';');
            }
        }
        return b.toString();
    }

    /** The result (or failure) after everything else: a cell is finished there only once its files are. */
    private static Comparator<Path> resultLast() {
        return Comparator.comparing((Path p) -> {
                    String n = p.getFileName().toString();
                    return n.equals(Ablation.RESULT) || n.equals(Ablation.FAILED);
                })
                .thenComparing(Path::toString);
    }

    private void put(Path file, String relative) throws IOException {
        org.apache.hadoop.fs.Path target = remote(relative);
        org.apache.hadoop.fs.Path partial =
                new org.apache.hadoop.fs.Path(target.getParent(), PARTIAL + target.getName());
        fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(file.toUri()), partial);
        fs.delete(target, false);
        if (!fs.rename(partial, target)) {
            throw new IOException("cannot rename " + partial + " to " + target);
        }
    }

    /**
     * Refreshes {@code mirror} with each cell's result and recorded failure (nothing else) found on the file system,
     * and removes from it what the file system no longer has.
     */
    void mirror(Path mirror) throws IOException {
        Set<String> cells = new HashSet<>();
        org.apache.hadoop.fs.Path top = remote("");
        if (fs.exists(top)) {
            for (FileStatus cell : fs.listStatus(top)) {
                if (!cell.isDirectory()) {
                    continue;
                }
                String name = cell.getPath().getName();
                cells.add(name);
                for (String file : new String[] {Ablation.RESULT, Ablation.FAILED}) {
                    org.apache.hadoop.fs.Path from = new org.apache.hadoop.fs.Path(cell.getPath(), file);
                    Path to = mirror.resolve(name).resolve(file);
                    if (fs.exists(from)) {
                        Files.createDirectories(to.getParent());
                        fs.copyToLocalFile(false, from, new org.apache.hadoop.fs.Path(to.toUri()), true);
                    } else {
                        Files.deleteIfExists(to);
                    }
                }
            }
        }
        try (Stream<Path> local = Files.list(mirror)) {
            for (Path p : local.toList()) {
                if (Files.isDirectory(p) && !cells.contains(p.getFileName().toString())) {
                    delete(p);
                }
            }
        }
    }

    private static String stamp(Path f) throws IOException {
        return Files.size(f) + "@" + Files.getLastModifiedTime(f).toMillis();
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
