package org.ddlab.data.fetch;

import java.io.IOException;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Gets dataset files from their publishers into a folder — only when asked to: nothing else in
 * ddlab downloads, because the course runs offline and a classroom must not fetch 170 MB per seat
 * by surprise.
 *
 * <pre>{@code
 * Fetcher.fromEnvironment().command("ddlab data fetch cifar10")
 *         .fetch(List.of(cifar10), Path.of("data/cifar10"), (file, phase, done, total) -> bar.set(done, total));
 * }</pre>
 *
 * <p>For each download, in order:
 * <ol>
 *   <li><b>Already there?</b> A file in the folder whose SHA-256 matches is kept (no request). An
 *       unpacked archive is recognised by its {@code <file>.unpacked} note: its SHA-256 and the
 *       entries it created (delete the note, or an entry it lists, and the next fetch gets it again).
 *       A file in the folder that does not match is taken as an unfinished download: it moves to the
 *       partial folder and is resumed, so a browser download cut short and copied in is completed,
 *       and a wrong file fails the verification below with a message saying so.</li>
 *   <li><b>Download</b> into {@code <folder>/.partial/<file>.part}, resuming what is there with an
 *       HTTP range request (a server that ignores ranges sends it all again, and the part starts
 *       over). Connect timeout 15 s; a response that delivers nothing for 60 s fails and keeps the
 *       part.</li>
 *   <li><b>Verify</b> the SHA-256. A mismatch deletes the part (resuming a wrong prefix can never
 *       succeed) and says to download again.</li>
 *   <li><b>Place</b> it by an atomic rename, so the folder never holds an unverified file under the
 *       real name.</li>
 *   <li><b>Unpack</b> ({@link Download.After#UNPACK}) into {@code .partial/<file>.unpacking}, then
 *       rename each top-level entry into the folder, so an interrupted unpack leaves nothing
 *       half-done under a real name; write the note; delete the archive. The archive is deleted
 *       rather than kept because the unpacked files are what every reader uses and keeping both
 *       doubles the disk the dataset takes (CIFAR-10: 170 MB more); the note is what lets a second
 *       fetch skip it. An entry of the same name already in the folder (left by an unpack whose note
 *       was never written, or an older version) is replaced. An archive whose source serves another
 *       layout of the same images is converted ({@link Download#conversion()}) in the staging folder,
 *       before anything is moved, and the note lists what the conversion left.</li>
 * </ol>
 *
 * <p>Failures are {@link FetchException}s whose message is the whole story for the user, one
 * paragraph: an unreachable host lists every URL still needed and the exact folder to put the files
 * in (the next run verifies them like downloads); an HTTP error names URL and status; a transfer that
 * ended early says how far it got and that running the command again resumes it.
 *
 * <p>{@value #MIRROR_ENV} (a base URL, see {@link #fromEnvironment(Map)}) makes every file come from
 * {@code <mirror>/<file>}: a classroom behind a firewall hosts the files once. Java's proxy system
 * properties ({@code -Dhttps.proxyHost=…}) are honoured.
 *
 * <p>Instances are immutable; one fetch at a time per folder (a second one finds the part locked).
 */
public final class Fetcher {

    /** Environment variable with a base URL that serves every file as {@code <base>/<file>}. */
    public static final String MIRROR_ENV = "DDLAB_MIRROR";

    /** Scratch folder inside the target folder: on the same file system, so renames out of it are atomic. */
    public static final String PARTIAL_DIR = ".partial";

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
    static final Duration STALL_LIMIT = Duration.ofSeconds(60);

    /** What a fetch is doing to a file. */
    public enum Phase {
        /** Bytes arriving; {@code done} includes the part kept from an earlier run. */
        DOWNLOADING,
        /** Hashing the file (a complete download, or one already present). */
        VERIFYING,
        /** Reading the archive; {@code done} counts its compressed bytes, {@code total} is its size. */
        UNPACKING
    }

    /** Progress, for a bar: {@code done} never decreases within a phase of a file. */
    @FunctionalInterface
    public interface Listener {
        /** Reports nothing. */
        Listener NONE = (file, phase, done, total) -> {};

        /**
         * @param total the bytes the phase will reach, or -1 when the server does not say and no size is pinned
         */
        void progress(String file, Phase phase, long done, long total);
    }

    private final Function<Download, URI> source;
    private final String command;
    private final Duration connectTimeout;
    private final Duration stallLimit;

    /**
     * @param source where each download comes from: {@link Download#uri()}, or {@link #mirror(String)}
     */
    public Fetcher(Function<Download, URI> source) {
        this(source, "ddlab data fetch", CONNECT_TIMEOUT, STALL_LIMIT);
    }

    private Fetcher(Function<Download, URI> source, String command, Duration connectTimeout, Duration stallLimit) {
        this.source = Objects.requireNonNull(source, "source");
        this.command = Objects.requireNonNull(command, "command");
        this.connectTimeout = connectTimeout;
        this.stallLimit = stallLimit;
    }

    /** From the publishers, or from {@value #MIRROR_ENV} when this process's environment sets it. */
    public static Fetcher fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /**
     * From the publishers, or from the mirror {@code env} names in {@value #MIRROR_ENV}.
     *
     * @throws IllegalArgumentException when the mirror is not an http(s) URL
     */
    public static Fetcher fromEnvironment(Map<String, String> env) {
        String mirror = env.get(MIRROR_ENV);
        return new Fetcher(mirror == null || mirror.isBlank() ? Download::uri : mirror(mirror.trim()));
    }

    /** Every file from {@code <base>/<file>}. */
    public static Function<Download, URI> mirror(String base) {
        String trimmed = base.replaceAll("/+$", "");
        URI check;
        try {
            check = URI.create(trimmed + "/");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(MIRROR_ENV + " is not a URL: " + base, e);
        }
        String scheme = check.getScheme() == null ? "" : check.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || check.getHost() == null) {
            throw new IllegalArgumentException(MIRROR_ENV + " must be an http(s) base URL, got: " + base);
        }
        return download -> URI.create(trimmed + "/" + download.file());
    }

    /**
     * The same fetcher, naming {@code command} in its messages ("running ddlab data fetch cifar10
     * again resumes it"); the default is {@code ddlab data fetch}.
     */
    public Fetcher command(String command) {
        return new Fetcher(source, command, connectTimeout, stallLimit);
    }

    /** The same fetcher with other timeouts; tests use short ones. */
    Fetcher timeouts(Duration connect, Duration stall) {
        return new Fetcher(source, command, connect, stall);
    }

    /** Where this fetcher gets {@code download} from. */
    URI uriOf(Download download) {
        return source.apply(download);
    }

    /**
     * Makes every download present and verified in {@code targetDir} (created if missing). Downloads
     * are done in order; the first failure stops the fetch, leaving the files before it in place.
     *
     * @throws FetchException when a file cannot be fetched; its message is meant for the user as it is
     * @throws IOException    when the folder cannot be written
     */
    public void fetch(List<Download> downloads, Path targetDir, Listener listener) throws IOException {
        Path dir = targetDir.toAbsolutePath().normalize();
        Files.createDirectories(dir);
        try (Transfer transfer = new Transfer(connectTimeout, stallLimit, command)) {
            for (int i = 0; i < downloads.size(); i++) {
                try {
                    fetchOne(downloads.get(i), dir, transfer, listener);
                } catch (Transfer.Unreachable e) {
                    throw unreachable(e, downloads.subList(i, downloads.size()), dir);
                }
            }
        } finally {
            deleteIfEmpty(dir.resolve(PARTIAL_DIR));
        }
    }

    /**
     * Makes one of several alternative sources present in {@code targetDir}: the first whose host
     * answers, as torchvision falls back from one MNIST mirror to the next. Only an unreachable host
     * moves on to the next source; a server's error or a file that fails its SHA-256 stops here, because
     * another source would hide what is wrong with this one. What a source left (parts, files) stays.
     *
     * @param sources alternatives, each a complete list of downloads, in the order to try them
     * @throws FetchException when no source's host can be reached (the message lists each source's URLs
     *                        as alternatives, and the folder), or as {@link #fetch}
     */
    public void fetchAny(List<List<Download>> sources, Path targetDir, Listener listener) throws IOException {
        if (sources.size() == 1) {
            fetch(sources.getFirst(), targetDir, listener);
            return;
        }
        Path dir = targetDir.toAbsolutePath().normalize();
        // A source already here is verified without asking any host: an offline machine that fetched from the
        // second source once must not need the first one's host, nor wait for it, to check its files again.
        for (List<Download> downloads : sources) {
            if (downloads.stream().allMatch(d -> isHere(d, dir))) {
                fetch(downloads, dir, listener);
                return;
            }
        }
        List<String> tried = new ArrayList<>();
        List<String> ways = new ArrayList<>();
        for (List<Download> downloads : sources) {
            try {
                fetch(downloads, dir, listener);
                return;
            } catch (FetchException e) {
                if (!(e.getCause() instanceof Transfer.Unreachable u)) {
                    throw e;
                }
                tried.add(u.host + " (" + u.reason + ")");
                ways.add(String.join(" ", urlsStillNeeded(downloads, dir)));
            }
        }
        throw new FetchException(
                "Could not reach " + String.join(", nor ", tried) + ". Download either of these yourself: "
                        + String.join("; or ", ways) + " — and put the files in " + dir
                        + " (an archive as it is), then run " + command + " again; it verifies and unpacks them.");
    }

    /** Whether {@code download} needs no request: an archive unpacked here, or a file of the pinned size here. */
    private static boolean isHere(Download download, Path dir) {
        if (download.after() == Download.After.UNPACK) {
            return UnpackMarker.isDone(dir, download);
        }
        Path f = dir.resolve(download.file());
        try {
            return Files.isRegularFile(f) && sizeMatches(f, download);
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether {@code file} has the download's pinned size (any size when none is pinned). */
    private static boolean sizeMatches(Path file, Download download) throws IOException {
        return download.size() < 0 || Files.size(file) == download.size();
    }

    private void fetchOne(Download download, Path dir, Transfer transfer, Listener listener) throws IOException {
        boolean unpack = download.after() == Download.After.UNPACK;
        if (unpack && UnpackMarker.isDone(dir, download)) {
            return;
        }
        Path target = dir.resolve(download.file());
        Path partial = dir.resolve(PARTIAL_DIR);
        Path part = partial.resolve(download.file() + ".part");
        if (Files.isRegularFile(target)) {
            if (hashMatches(target, download, listener)) {
                if (unpack) {
                    unpack(download, target, dir, listener);
                }
                return;
            }
            Files.createDirectories(partial);
            Files.move(target, part, StandardCopyOption.REPLACE_EXISTING);
        }
        URI uri = uriOf(download);
        transfer.download(uri, download, part, listener);
        long size = Files.size(part);
        String actual = Sha256.of(part, done -> listener.progress(download.file(), Phase.VERIFYING, done, size));
        if (!actual.equals(download.sha256())) {
            Files.delete(part);
            throw new FetchException(download.file() + " from " + uri + " does not match its pinned SHA-256: expected "
                    + download.sha256() + " (" + describeSize(download.size()) + "), got " + actual + " (" + size
                    + " bytes). The file was deleted; download it again (" + command + ").");
        }
        move(part, target);
        if (unpack) {
            unpack(download, target, dir, listener);
        }
    }

    private static boolean hashMatches(Path file, Download download, Listener listener) throws IOException {
        if (!sizeMatches(file, download)) {
            return false;
        }
        long size = Files.size(file);
        return Sha256.of(file, done -> listener.progress(download.file(), Phase.VERIFYING, done, size))
                .equals(download.sha256());
    }

    private static void unpack(Download download, Path archive, Path dir, Listener listener) throws IOException {
        Path partial = dir.resolve(PARTIAL_DIR);
        Path staging = partial.resolve(download.file() + ".unpacking");
        Path replaced = partial.resolve(download.file() + ".replaced");
        deleteTree(staging);
        deleteTree(replaced);
        Files.createDirectories(staging);
        try {
            long size = Files.size(archive);
            List<String> entries = TarGzArchive.unpack(
                    archive,
                    staging,
                    download.from(),
                    done -> listener.progress(download.file(), Phase.UNPACKING, done, size));
            if (entries.isEmpty()) {
                throw new FetchException(download.file() + " holds nothing"
                        + (download.from().isEmpty() ? "" : " under '" + download.from() + "/'")
                        + "; it is not the archive this dataset needs. It stays at " + archive + ".");
            }
            if (download.conversion() != Conversion.NONE) {
                entries = convert(download, staging, archive);
            }
            for (String entry : entries) {
                if (entry.equals(PARTIAL_DIR)
                        || entry.equals(download.file())
                        || entry.equals(
                                UnpackMarker.path(dir, download).getFileName().toString())) {
                    throw new FetchException(download.file() + ": the entry '" + entry
                            + "' would replace ddlab's own bookkeeping in " + dir + "; refusing to unpack it.");
                }
            }
            for (String entry : entries) {
                Path dest = dir.resolve(entry);
                if (Files.exists(dest, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(replaced);
                    move(dest, replaced.resolve(entry));
                }
                move(staging.resolve(entry), dest);
            }
            UnpackMarker.write(dir, download, entries);
            Files.delete(archive);
        } finally {
            deleteTree(staging);
            deleteTree(replaced);
        }
    }

    /**
     * Runs the download's conversion in the staging folder and returns the top-level entries it leaves,
     * sorted; a conversion that fails is the user's one paragraph, with the archive kept for a rerun.
     */
    private static List<String> convert(Download download, Path staging, Path archive) throws IOException {
        try {
            download.conversion().convert(staging);
        } catch (IOException | RuntimeException e) {
            // The staging folder is gone when the user reads this: name the files as the archive does.
            String why = e.getMessage() == null
                    ? e.getClass().getSimpleName()
                    : e.getMessage().replace(staging + java.io.File.separator, "");
            throw new FetchException(
                    download.file() + " unpacked, but its files could not be converted into the dataset's own: " + why
                            + ". The archive stays at " + archive + "; nothing was placed.",
                    e);
        }
        List<String> entries;
        try (var list = Files.list(staging)) {
            entries = list.map(p -> p.getFileName().toString()).sorted().toList();
        }
        if (entries.isEmpty()) {
            throw new FetchException(
                    download.file() + ": converting its files left nothing. The archive stays at " + archive + ".");
        }
        return entries;
    }

    /** One paragraph: which host, every URL still needed, the exact folder, and that a rerun verifies. */
    private FetchException unreachable(Transfer.Unreachable e, List<Download> remaining, Path dir) {
        List<String> urls = urlsStillNeeded(remaining, dir);
        String files = urls.size() == 1 ? "this file" : "these " + urls.size() + " files";
        return new FetchException(
                "Could not reach " + e.host + " (" + e.reason + "). Download " + files
                        + " yourself: " + String.join(" ", urls) + " and put " + (urls.size() == 1 ? "it" : "them")
                        + " in " + dir + ", then run " + command + " again; it verifies "
                        + (urls.size() == 1 ? "it" : "them")
                        + ".",
                e);
    }

    /** The URLs of {@code remaining} for an offline message: the first always, the others unless already here. */
    private List<String> urlsStillNeeded(List<Download> remaining, Path dir) {
        List<String> urls = new ArrayList<>();
        for (Download download : remaining) {
            if (urls.isEmpty() || !looksPresent(download, dir)) {
                urls.add(uriOf(download).toString());
            }
        }
        return urls;
    }

    /** A cheap guess (no hashing) for the offline message: is this download already in the folder? */
    private static boolean looksPresent(Download download, Path dir) {
        if (download.after() == Download.After.UNPACK && UnpackMarker.isDone(dir, download)) {
            return true;
        }
        Path file = dir.resolve(download.file());
        try {
            return Files.isRegularFile(file) && (download.size() < 0 || Files.size(file) == download.size());
        } catch (IOException e) {
            return false;
        }
    }

    private static String describeSize(long size) {
        return size >= 0 ? size + " bytes" : "size not pinned";
    }

    /** Renames within the target folder's file system, atomically where it can. */
    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to); // rare on one file system (some network mounts); the best left
        }
    }

    private static void deleteIfEmpty(Path dir) {
        try {
            Files.deleteIfExists(dir);
        } catch (DirectoryNotEmptyException e) {
            // a part kept for resuming
        } catch (IOException e) {
            // an empty scratch folder left behind is harmless
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
