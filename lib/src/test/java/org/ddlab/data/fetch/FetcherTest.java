package org.ddlab.data.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FetcherTest {

    /** A route of the test server: what it answers for one path. */
    @FunctionalInterface
    private interface Route {
        void serve(HttpExchange exchange) throws IOException;
    }

    private record Request(String path, String range) {}

    private record Event(String file, Fetcher.Phase phase, long done, long total) {}

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");
    private static final String COMMAND = "ddlab data fetch tiny";

    @TempDir
    Path tmp;

    private HttpServer server;
    private ExecutorService handlers;
    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final Fetcher.Listener listener =
            (file, phase, done, total) -> events.add(new Event(file, phase, done, total));
    private final Fetcher fetcher =
            new Fetcher(Download::uri).command(COMMAND).timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5));

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        handlers = Executors.newCachedThreadPool(task -> {
            Thread t = new Thread(task, "fetcher-test-server");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(handlers);
        server.createContext("/", exchange -> {
            requests.add(new Request(
                    exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Range")));
            Route route = routes.get(exchange.getRequestURI().getPath());
            try (exchange) {
                if (route == null) {
                    exchange.sendResponseHeaders(404, -1);
                } else {
                    route.serve(exchange);
                }
            }
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
        handlers.shutdownNow();
    }

    // ---- content and routes ----

    private static byte[] content(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private Download keep(String file, byte[] bytes) {
        return Download.keep(file, url("/files/" + file).toString(), sha256(bytes), bytes.length);
    }

    /** The whole file, or from the asked offset with 206 when {@code honourRange}. */
    private static Route serving(byte[] bytes, boolean honourRange) {
        return exchange -> {
            String range = exchange.getRequestHeaders().getFirst("Range");
            Matcher m = range == null ? null : RANGE.matcher(range);
            if (honourRange && m != null && m.matches()) {
                int from = Integer.parseInt(m.group(1));
                if (from >= bytes.length) {
                    exchange.getResponseHeaders().set("Content-Range", "bytes */" + bytes.length);
                    exchange.sendResponseHeaders(416, -1);
                    return;
                }
                exchange.getResponseHeaders()
                        .set("Content-Range", "bytes " + from + "-" + (bytes.length - 1) + "/" + bytes.length);
                exchange.sendResponseHeaders(206, bytes.length - from);
                exchange.getResponseBody().write(bytes, from, bytes.length - from);
            } else {
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
            }
        };
    }

    /** Promises the whole file, sends {@code sent} bytes, then drops the connection. */
    private static Route truncating(byte[] bytes, int sent) {
        return exchange -> {
            exchange.sendResponseHeaders(200, bytes.length);
            OutputStream body = exchange.getResponseBody();
            body.write(bytes, 0, sent);
            body.flush();
            throw new IOException("test server drops the connection"); // HttpServer then closes the socket
        };
    }

    private static byte[] tarGz(Map<String, byte[]> files) {
        return tarGz(tar -> {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(f.getKey(), true);
                entry.setSize(f.getValue().length);
                tar.putArchiveEntry(entry);
                tar.write(f.getValue());
                tar.closeArchiveEntry();
            }
        });
    }

    private interface TarWriter {
        void write(TarArchiveOutputStream tar) throws IOException;
    }

    private static byte[] tarGz(TarWriter writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            writer.write(tar);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private List<Event> events(Fetcher.Phase phase) {
        return events.stream().filter(e -> e.phase() == phase).toList();
    }

    private static void assertMonotone(List<Event> events) {
        for (int i = 1; i < events.size(); i++) {
            assertTrue(events.get(i).done() >= events.get(i - 1).done(), "progress went back: " + events);
        }
    }

    // ---- downloads ----

    @Test
    void plainFileIsDownloadedVerifiedAndPlaced() throws IOException {
        byte[] bytes = content(300_000, 1);
        routes.put("/files/tiny.bin", serving(bytes, true));
        Path dir = tmp.resolve("data");

        fetcher.fetch(List.of(keep("tiny.bin", bytes)), dir, listener);

        assertArrayEquals(bytes, Files.readAllBytes(dir.resolve("tiny.bin")));
        assertFalse(Files.exists(dir.resolve(Fetcher.PARTIAL_DIR)), "the partial folder goes once empty");
        assertEquals(1, requests.size());
        assertNull(requests.getFirst().range(), "nothing to resume: no range asked");
    }

    @Test
    void listenerSeesMonotoneProgressEndingAtTheSize() throws IOException {
        byte[] bytes = content(300_000, 2);
        routes.put("/files/tiny.bin", serving(bytes, true));

        fetcher.fetch(List.of(keep("tiny.bin", bytes)), tmp, listener);

        List<Event> downloading = events(Fetcher.Phase.DOWNLOADING);
        assertTrue(downloading.size() > 2, "several steps for 300 kB: " + downloading);
        assertEquals(0, downloading.getFirst().done());
        assertMonotone(downloading);
        assertEquals(
                new Event("tiny.bin", Fetcher.Phase.DOWNLOADING, bytes.length, bytes.length), downloading.getLast());
        downloading.forEach(e -> assertEquals(bytes.length, e.total()));
        List<Event> verifying = events(Fetcher.Phase.VERIFYING);
        assertMonotone(verifying);
        assertEquals(bytes.length, verifying.getLast().done());
        assertTrue(
                events.indexOf(downloading.getLast()) < events.indexOf(verifying.getFirst()),
                "verified after download");
    }

    @Test
    void presentFilesAreVerifiedWithoutARequest() throws IOException {
        byte[] bytes = content(50_000, 3);
        routes.put("/files/tiny.bin", serving(bytes, true));
        List<Download> downloads = List.of(keep("tiny.bin", bytes));
        fetcher.fetch(downloads, tmp, listener);
        assertEquals(1, requests.size());

        events.clear();
        fetcher.fetch(downloads, tmp, listener);

        assertEquals(1, requests.size(), "a present, matching file is not downloaded again");
        assertEquals(bytes.length, events(Fetcher.Phase.VERIFYING).getLast().done());
        assertTrue(events(Fetcher.Phase.DOWNLOADING).isEmpty());
    }

    @Test
    void corruptDownloadIsDeletedAndTheMessageSaysWhatDiffered() throws IOException {
        byte[] published = content(40_000, 4);
        byte[] served = published.clone();
        served[1234] ^= 1;
        routes.put("/files/tiny.bin", serving(served, true));
        Download download = keep("tiny.bin", published);

        FetchException e = assertThrows(FetchException.class, () -> fetcher.fetch(List.of(download), tmp, listener));

        String m = e.getMessage();
        assertTrue(m.contains("tiny.bin"), m);
        assertTrue(m.contains(download.uri().toString()), m);
        assertTrue(m.contains("expected " + sha256(published) + " (40000 bytes)"), m);
        assertTrue(m.contains("got " + sha256(served) + " (40000 bytes)"), m);
        assertTrue(m.contains("download it again (" + COMMAND + ")"), m);
        assertFalse(Files.exists(tmp.resolve("tiny.bin")));
        assertFalse(
                Files.exists(tmp.resolve(Fetcher.PARTIAL_DIR).resolve("tiny.bin.part")),
                "a wrong part is never resumed");
    }

    @Test
    void truncatedTransferKeepsThePartAndSaysHowFarItGot() throws IOException {
        byte[] bytes = content(200_000, 5);
        routes.put("/files/tiny.bin", truncating(bytes, 70_000));

        FetchException e = assertThrows(
                FetchException.class, () -> fetcher.fetch(List.of(keep("tiny.bin", bytes)), tmp, listener));

        // The client may drop the last bytes in flight when the connection breaks: the part holds
        // what was delivered, at most what was sent, and the message says exactly that much.
        Path part = tmp.resolve(Fetcher.PARTIAL_DIR).resolve("tiny.bin.part");
        long kept = Files.size(part);
        assertTrue(kept > 0 && kept <= 70_000, "part of " + kept + " bytes");
        assertArrayEquals(Arrays.copyOf(bytes, (int) kept), Files.readAllBytes(part));
        String m = e.getMessage();
        assertTrue(m.contains("stopped at " + kept + " of 200000 bytes"), m);
        assertTrue(m.contains("The part is kept in " + part.toAbsolutePath().normalize()), m);
        assertTrue(m.contains("running " + COMMAND + " again resumes it"), m);
        assertTrue(m.contains(url("/files/tiny.bin").toString()), m);
        assertFalse(Files.exists(tmp.resolve("tiny.bin")));
    }

    @Test
    void secondRunResumesWithARangeRequest() throws IOException {
        byte[] bytes = content(200_000, 6);
        AtomicInteger calls = new AtomicInteger();
        Route first = truncating(bytes, 70_000);
        Route then = serving(bytes, true);
        routes.put("/files/tiny.bin", exchange -> (calls.getAndIncrement() == 0 ? first : then).serve(exchange));
        List<Download> downloads = List.of(keep("tiny.bin", bytes));
        assertThrows(FetchException.class, () -> fetcher.fetch(downloads, tmp, listener));
        long kept = Files.size(tmp.resolve(Fetcher.PARTIAL_DIR).resolve("tiny.bin.part"));
        assertTrue(kept > 0, "something to resume");
        events.clear();

        fetcher.fetch(downloads, tmp, listener);

        assertEquals(
                List.of(new Request("/files/tiny.bin", null), new Request("/files/tiny.bin", "bytes=" + kept + "-")),
                requests);
        assertArrayEquals(bytes, Files.readAllBytes(tmp.resolve("tiny.bin")));
        List<Event> downloading = events(Fetcher.Phase.DOWNLOADING);
        assertEquals(kept, downloading.getFirst().done(), "progress starts where the part ends");
        assertMonotone(downloading);
        assertEquals(bytes.length, downloading.getLast().done());
        assertFalse(Files.exists(tmp.resolve(Fetcher.PARTIAL_DIR)));
    }

    @Test
    void serverIgnoringTheRangeStartsOver() throws IOException {
        byte[] bytes = content(100_000, 7);
        routes.put("/files/tiny.bin", serving(bytes, false));
        Path part = tmp.resolve(Fetcher.PARTIAL_DIR).resolve("tiny.bin.part");
        Files.createDirectories(part.getParent());
        Files.write(part, content(30_000, 99)); // a prefix that is not the file's: appending would fail

        fetcher.fetch(List.of(keep("tiny.bin", bytes)), tmp, listener);

        assertEquals("bytes=30000-", requests.getFirst().range());
        assertArrayEquals(bytes, Files.readAllBytes(tmp.resolve("tiny.bin")));
        assertEquals(0, events(Fetcher.Phase.DOWNLOADING).getFirst().done(), "started over");
    }

    @Test
    void rangePastTheEndGoesStraightToVerification() throws IOException {
        byte[] bytes = content(10_000, 8);
        routes.put("/files/tiny.bin", serving(bytes, true));
        Path part = tmp.resolve(Fetcher.PARTIAL_DIR).resolve("tiny.bin.part");
        Files.createDirectories(part.getParent());
        Files.write(part, bytes);
        Download unsized = new Download("tiny.bin", url("/files/tiny.bin"), sha256(bytes), -1, Download.After.KEEP);

        fetcher.fetch(List.of(unsized), tmp, listener);

        assertEquals(List.of(new Request("/files/tiny.bin", "bytes=10000-")), requests); // answered 416
        assertArrayEquals(bytes, Files.readAllBytes(tmp.resolve("tiny.bin")));
    }

    @Test
    void wrongFileInTheFolderIsResumedAndThenRefused() throws IOException {
        byte[] bytes = content(20_000, 9);
        routes.put("/files/tiny.bin", serving(bytes, true));
        byte[] handMade = content(20_000, 10); // the right size, the wrong bytes
        Files.write(tmp.resolve("tiny.bin"), handMade);

        FetchException e = assertThrows(
                FetchException.class, () -> fetcher.fetch(List.of(keep("tiny.bin", bytes)), tmp, listener));

        assertTrue(e.getMessage().contains("got " + sha256(handMade)), e.getMessage());
        assertTrue(requests.isEmpty(), "a full-size part needs no request: verification decides");
        fetcher.fetch(List.of(keep("tiny.bin", bytes)), tmp, listener);
        assertArrayEquals(bytes, Files.readAllBytes(tmp.resolve("tiny.bin")));
    }

    @Test
    void serverOfferingAnotherSizeIsRefusedBeforeWriting() {
        byte[] bytes = content(10_000, 11);
        routes.put("/files/tiny.bin", serving(Arrays.copyOf(bytes, 12_000), true));

        FetchException e = assertThrows(
                FetchException.class, () -> fetcher.fetch(List.of(keep("tiny.bin", bytes)), tmp, listener));

        assertTrue(e.getMessage().contains("offers 12000 bytes, but the pinned file has 10000 bytes"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve(Fetcher.PARTIAL_DIR)), "not a byte written");
    }

    @Test
    void stalledTransferFailsAndKeepsThePart() throws IOException {
        byte[] bytes = content(100_000, 12);
        routes.put("/files/tiny.bin", exchange -> {
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes, 0, 40_000);
            exchange.getResponseBody().flush();
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException stop) {
                Thread.currentThread().interrupt();
            }
        });
        Fetcher impatient = fetcher.timeouts(Duration.ofSeconds(2), Duration.ofMillis(300));

        long start = System.nanoTime();
        FetchException e = assertThrows(
                FetchException.class, () -> impatient.fetch(List.of(keep("tiny.bin", bytes)), tmp, listener));

        assertTrue(System.nanoTime() - start < 5_000_000_000L, "gave up on the stall");
        assertTrue(e.getMessage().contains("stopped at 40000 of 100000 bytes (no data for 300 ms)"), e.getMessage());
        assertEquals(40_000, Files.size(tmp.resolve(Fetcher.PARTIAL_DIR).resolve("tiny.bin.part")));
    }

    // ---- HTTP errors and unreachable hosts ----

    @Test
    void missingFileNamesTheUrlAndTheStatus() {
        byte[] bytes = content(1_000, 13);
        Download download = keep("gone.bin", bytes); // no route: 404

        FetchException e = assertThrows(FetchException.class, () -> fetcher.fetch(List.of(download), tmp, listener));

        assertTrue(e.getMessage().contains(download.uri() + " answered HTTP 404"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve(Fetcher.PARTIAL_DIR)), "no empty part left behind");
        routes.put("/files/gone.bin", exchange -> exchange.sendResponseHeaders(503, -1));
        e = assertThrows(FetchException.class, () -> fetcher.fetch(List.of(download), tmp, listener));
        assertTrue(e.getMessage().contains(download.uri() + " answered HTTP 503"), e.getMessage());
    }

    @Test
    void unreachableHostListsEveryUrlAndTheExactFolder() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String base = "http://127.0.0.1:" + closedPort + "/cifar/";
        List<Download> downloads = List.of(
                Download.keep("a.bin", base + "a.bin", sha256(new byte[1]), 1),
                Download.unpack("b.tar.gz", base + "b.tar.gz", sha256(new byte[2]), 2));
        Path dir = tmp.resolve("data").resolve("cifar10");

        FetchException e = assertThrows(FetchException.class, () -> fetcher.fetch(downloads, dir, listener));

        String m = e.getMessage();
        assertTrue(m.startsWith("Could not reach 127.0.0.1 ("), m);
        assertTrue(m.contains(base + "a.bin " + base + "b.tar.gz"), m);
        assertTrue(m.contains(" in " + dir + ", then run " + COMMAND + " again; it verifies them."), m);
        assertFalse(m.contains("\n"), "one paragraph");
    }

    @Test
    void unknownHostIsReportedTheSameWay() {
        Download download = Download.keep("a.bin", "http://files.ddlab.invalid/a.bin", sha256(new byte[1]), 1);

        FetchException e = assertThrows(FetchException.class, () -> fetcher.fetch(List.of(download), tmp, listener));

        String m = e.getMessage();
        assertTrue(m.startsWith("Could not reach files.ddlab.invalid (host name not found)"), m);
        assertTrue(
                m.contains("http://files.ddlab.invalid/a.bin and put it in "
                        + tmp.toAbsolutePath().normalize() + ", then run " + COMMAND + " again; it verifies it."),
                m);
    }

    @Test
    void offlineMessageLeavesOutFilesAlreadyThere() throws IOException {
        byte[] present = content(10, 14);
        Files.write(tmp.resolve("a.bin"), present);
        String base = "http://files.ddlab.invalid/";
        List<Download> downloads = List.of(
                Download.keep("a.bin", base + "a.bin", sha256(present), present.length),
                Download.keep("b.bin", base + "b.bin", sha256(new byte[2]), 2));

        FetchException e = assertThrows(FetchException.class, () -> fetcher.fetch(downloads, tmp, listener));

        assertFalse(e.getMessage().contains(base + "a.bin"), e.getMessage());
        assertTrue(e.getMessage().contains("this file yourself: " + base + "b.bin and put it in"), e.getMessage());
    }

    @Test
    void mirrorServesEveryFileUnderItsBaseUrl() throws IOException {
        byte[] bytes = content(5_000, 15);
        routes.put("/mirror/ddlab/tiny.bin", serving(bytes, true));
        Download publisher =
                Download.keep("tiny.bin", "http://files.ddlab.invalid/x/tiny.bin", sha256(bytes), bytes.length);
        Fetcher mirrored = Fetcher.fromEnvironment(Map.of(Fetcher.MIRROR_ENV, url("/mirror/ddlab/") + "/"));

        mirrored.fetch(List.of(publisher), tmp, listener);

        assertEquals(List.of(new Request("/mirror/ddlab/tiny.bin", null)), requests);
        assertArrayEquals(bytes, Files.readAllBytes(tmp.resolve("tiny.bin")));
        assertThrows(
                IllegalArgumentException.class,
                () -> Fetcher.fromEnvironment(Map.of(Fetcher.MIRROR_ENV, "/srv/files")));
        assertEquals(publisher.uri(), Fetcher.fromEnvironment(Map.of()).uriOf(publisher));
    }

    // ---- archives ----

    @Test
    void archiveIsUnpackedThenDeletedAndNotFetchedAgain() throws IOException {
        byte[] a = content(70_000, 16);
        byte[] archive = tarGz(Map.of(
                "tiny/a.bin",
                a,
                "tiny/sub/b.txt",
                "b".getBytes(StandardCharsets.UTF_8),
                "README",
                "r".getBytes(StandardCharsets.UTF_8)));
        routes.put("/files/tiny.tar.gz", serving(archive, true));
        Download download =
                Download.unpack("tiny.tar.gz", url("/files/tiny.tar.gz").toString(), sha256(archive), archive.length);

        fetcher.fetch(List.of(download), tmp, listener);

        assertArrayEquals(a, Files.readAllBytes(tmp.resolve("tiny/a.bin")));
        assertEquals("b", Files.readString(tmp.resolve("tiny/sub/b.txt")));
        assertEquals("r", Files.readString(tmp.resolve("README")));
        assertFalse(Files.exists(tmp.resolve("tiny.tar.gz")), "the archive goes once unpacked");
        assertTrue(Files.readString(tmp.resolve("tiny.tar.gz.unpacked")).contains(sha256(archive)));
        assertFalse(Files.exists(tmp.resolve(Fetcher.PARTIAL_DIR)));
        List<Event> unpacking = events(Fetcher.Phase.UNPACKING);
        assertMonotone(unpacking);
        assertEquals(
                new Event("tiny.tar.gz", Fetcher.Phase.UNPACKING, archive.length, archive.length), unpacking.getLast());

        fetcher.fetch(List.of(download), tmp, listener);
        assertEquals(1, requests.size(), "the note says it is unpacked: no second download");

        Files.delete(tmp.resolve("README")); // an entry gone: unpack again
        fetcher.fetch(List.of(download), tmp, listener);
        assertEquals(2, requests.size());
        assertEquals("r", Files.readString(tmp.resolve("README")));
        assertArrayEquals(a, Files.readAllBytes(tmp.resolve("tiny/a.bin")));
    }

    @Test
    void archiveFolderIsUnpackedAloneIntoTheTarget() throws IOException {
        byte[] a = content(3_000, 21);
        byte[] archive = tarGz(Map.of(
                "package/data/a.bin",
                a,
                "package/data/sub/b.txt",
                "b".getBytes(StandardCharsets.UTF_8),
                "package/readme.md",
                "r".getBytes(StandardCharsets.UTF_8)));
        routes.put("/files/pkg.tgz", serving(archive, true));
        Download download = Download.unpack(
                        "pkg.tgz", url("/files/pkg.tgz").toString(), sha256(archive), archive.length)
                .from("package/data/");

        fetcher.fetch(List.of(download), tmp, listener);

        assertArrayEquals(a, Files.readAllBytes(tmp.resolve("a.bin")));
        assertEquals("b", Files.readString(tmp.resolve("sub/b.txt")));
        assertFalse(Files.exists(tmp.resolve("package")), "what lies outside the folder is not unpacked");
        assertFalse(Files.exists(tmp.resolve("readme.md")));
        List<String> note = Files.readAllLines(tmp.resolve("pkg.tgz.unpacked"));
        assertEquals(
                List.of("a.bin", "sub"),
                note.subList(note.size() - 2, note.size()).stream().sorted().toList());
        assertTrue(UnpackMarker.isDone(tmp.toAbsolutePath().normalize(), download));

        byte[] other = tarGz(Map.of("package/readme.md", "r".getBytes(StandardCharsets.UTF_8)));
        routes.put("/files/other.tgz", serving(other, true));
        Download empty = Download.unpack("other.tgz", url("/files/other.tgz").toString(), sha256(other), other.length)
                .from("package/data");
        FetchException e = assertThrows(FetchException.class, () -> fetcher.fetch(List.of(empty), tmp, listener));
        assertTrue(e.getMessage().startsWith("other.tgz holds nothing under 'package/data/'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> download.from("../x"));
        assertThrows(IllegalArgumentException.class, () -> download.from("/etc"));
        assertThrows(IllegalArgumentException.class, () -> keep("a.bin", a).from("package"));
    }

    @Test
    void archiveIsConvertedBeforeAnythingIsPlaced() throws IOException {
        byte[] archive = tarGz(Map.of(
                "package/a.txt", "abc".getBytes(StandardCharsets.UTF_8),
                "package/package.json", "{}".getBytes(StandardCharsets.UTF_8)));
        routes.put("/files/pkg.tgz", serving(archive, true));
        Download plain = Download.unpack("pkg.tgz", url("/files/pkg.tgz").toString(), sha256(archive), archive.length)
                .from("package");
        Download failing = plain.then(dir -> {
            Files.writeString(dir.resolve("half.bin"), "x");
            throw new IOException("a.txt is not a sprite");
        });

        FetchException e = assertThrows(FetchException.class, () -> fetcher.fetch(List.of(failing), tmp, listener));

        assertTrue(
                e.getMessage()
                        .startsWith("pkg.tgz unpacked, but its files could not be converted into the dataset's"
                                + " own: a.txt is not a sprite. The archive stays at "),
                e.getMessage());
        assertTrue(Files.exists(tmp.resolve("pkg.tgz")));
        assertFalse(Files.exists(tmp.resolve("half.bin")), "a failed conversion places nothing");
        assertFalse(Files.exists(tmp.resolve("a.txt")));

        Download converting = plain.then(dir -> {
            Files.createDirectories(dir.resolve("out"));
            Files.writeString(
                    dir.resolve("out/A.TXT"),
                    Files.readString(dir.resolve("a.txt")).toUpperCase());
            Files.delete(dir.resolve("a.txt"));
            Files.delete(dir.resolve("package.json"));
        });
        requests.clear();
        fetcher.fetch(List.of(converting), tmp, listener);

        assertEquals(List.of(), requests, "the archive left by the failed conversion is used again");
        assertEquals("ABC", Files.readString(tmp.resolve("out/A.TXT")));
        assertFalse(Files.exists(tmp.resolve("a.txt")));
        assertFalse(Files.exists(tmp.resolve("pkg.tgz")));
        List<String> note = Files.readAllLines(tmp.resolve("pkg.tgz.unpacked"));
        assertEquals("out", note.getLast(), "the note lists what the conversion left");
        assertTrue(UnpackMarker.isDone(tmp.toAbsolutePath().normalize(), converting));
        assertThrows(
                IllegalArgumentException.class, () -> keep("a.bin", new byte[1]).then(dir -> {}));
    }

    // ---- alternative sources ----

    private static String closedBase(String path) throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort() + path;
        }
    }

    @Test
    void unreachableSourceFallsBackToTheNext() throws IOException {
        byte[] bytes = content(2_000, 22);
        routes.put("/files/b.bin", serving(bytes, true));
        String down = closedBase("/mnist/");
        List<Download> first = List.of(Download.keep("a.bin", down + "a.bin", sha256(bytes), bytes.length));
        List<Download> second = List.of(keep("b.bin", bytes));

        fetcher.fetchAny(List.of(first, second), tmp, listener);

        assertArrayEquals(bytes, Files.readAllBytes(tmp.resolve("b.bin")));
        assertEquals(List.of(new Request("/files/b.bin", null)), requests);
    }

    @Test
    void aSourceAlreadyHereIsCheckedWithoutAskingAnyHost() throws IOException {
        byte[] archive = tarGz(Map.of("package/a.bin", content(300, 5)));
        routes.put("/files/pkg.tgz", serving(archive, true));
        Download npm = Download.unpack("pkg.tgz", url("/files/pkg.tgz").toString(), sha256(archive), archive.length)
                .from("package");
        fetcher.fetch(List.of(npm), tmp, listener);
        byte[] first = content(2_000, 6);
        routes.put("/files/a.gz", serving(first, true));
        requests.clear();

        fetcher.fetchAny(List.of(List.of(keep("a.gz", first)), List.of(npm)), tmp, listener);

        assertEquals(List.of(), requests, "the unpacked second source needs no host, the first one's included");
        assertFalse(Files.exists(tmp.resolve("a.gz")));
    }

    @Test
    void everySourceUnreachableListsEachAsAnAlternative() throws IOException {
        String one = closedBase("/one/");
        List<Download> first = List.of(
                Download.keep("a.bin", one + "a.bin", sha256(new byte[1]), 1),
                Download.keep("b.bin", one + "b.bin", sha256(new byte[2]), 2));
        List<Download> second =
                List.of(Download.unpack("c.tgz", "http://files.ddlab.invalid/c.tgz", sha256(new byte[3]), 3));

        FetchException e =
                assertThrows(FetchException.class, () -> fetcher.fetchAny(List.of(first, second), tmp, listener));

        String m = e.getMessage();
        assertTrue(m.startsWith("Could not reach 127.0.0.1 ("), m);
        assertTrue(m.contains(", nor files.ddlab.invalid (host name not found)"), m);
        assertTrue(m.contains(one + "a.bin " + one + "b.bin; or http://files.ddlab.invalid/c.tgz"), m);
        assertTrue(m.contains(" in " + tmp.toAbsolutePath().normalize() + " "), m);
        assertFalse(m.contains("\n"), "one paragraph");
    }

    @Test
    void aServerErrorIsNotHiddenByAnotherSource() {
        byte[] bytes = content(1_000, 23);
        routes.put("/files/b.bin", serving(bytes, true));
        List<Download> first = List.of(keep("gone.bin", bytes)); // no route: 404
        List<Download> second = List.of(keep("b.bin", bytes));

        FetchException e =
                assertThrows(FetchException.class, () -> fetcher.fetchAny(List.of(first, second), tmp, listener));

        assertTrue(e.getMessage().contains("answered HTTP 404"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("b.bin")), "the second source is not tried");
    }

    @Test
    void archivePutInTheFolderByHandIsVerifiedAndUnpackedWithoutARequest() throws IOException {
        byte[] archive = tarGz(Map.of("tiny/a.txt", "a".getBytes(StandardCharsets.UTF_8)));
        Download download = Download.unpack(
                "tiny.tar.gz", "http://files.ddlab.invalid/tiny.tar.gz", sha256(archive), archive.length);
        Files.write(tmp.resolve("tiny.tar.gz"), archive);

        fetcher.fetch(List.of(download), tmp, listener);

        assertTrue(requests.isEmpty());
        assertEquals("a", Files.readString(tmp.resolve("tiny/a.txt")));
        assertTrue(UnpackMarker.isDone(tmp.toAbsolutePath().normalize(), download));
    }

    @Test
    void entryEscapingTheFolderIsRefused() throws IOException {
        byte[] archive = tarGz(Map.of("tiny/ok.txt", new byte[] {1}, "../evil", new byte[] {2}));
        assertRefused(archive, "'../evil'", "outside the folder");
        assertFalse(Files.exists(tmp.resolve("evil")));
        assertFalse(Files.exists(tmp.getParent().resolve("evil")));
    }

    @Test
    void absoluteEntryIsRefused() throws IOException {
        assertRefused(tarGz(Map.of("/tmp/ddlab-evil", new byte[] {2})), "'/tmp/ddlab-evil'", "absolute path");
    }

    @Test
    void symbolicLinkIsRefused() throws IOException {
        byte[] archive = tarGz(tar -> {
            TarArchiveEntry link = new TarArchiveEntry("tiny/link", TarConstants.LF_SYMLINK);
            link.setLinkName("/etc");
            tar.putArchiveEntry(link);
            tar.closeArchiveEntry();
        });
        assertRefused(archive, "'tiny/link'", "is a link");
    }

    /** The archive is refused with a message naming the entry, and nothing of it appears in the folder. */
    private void assertRefused(byte[] archive, String entry, String why) throws IOException {
        Path dir = tmp.resolve("data");
        Files.createDirectories(dir);
        Files.write(dir.resolve("tiny.tar.gz"), archive);
        Download download = Download.unpack(
                "tiny.tar.gz", "http://files.ddlab.invalid/tiny.tar.gz", sha256(archive), archive.length);

        FetchException e = assertThrows(FetchException.class, () -> fetcher.fetch(List.of(download), dir, listener));

        assertTrue(e.getMessage().contains(entry), e.getMessage());
        assertTrue(e.getMessage().contains(why), e.getMessage());
        List<String> left = new ArrayList<>();
        try (var files = Files.list(dir)) {
            files.forEach(f -> left.add(f.getFileName().toString()));
        }
        assertEquals(List.of("tiny.tar.gz"), left, "nothing unpacked under a real name, no note, no staging folder");
    }

    // ---- the record ----

    @Test
    void downloadRefusesNamesThatAreNotPlainFiles() {
        String sha = sha256(new byte[0]);
        for (String name : List.of("../x", "a/b", ".hidden", "", "a\\b")) {
            assertThrows(
                    IllegalArgumentException.class, () -> Download.keep(name, "https://example.org/x", sha, 1), name);
        }
        assertThrows(IllegalArgumentException.class, () -> Download.keep("x", "ftp://example.org/x", sha, 1));
        assertThrows(IllegalArgumentException.class, () -> Download.keep("x", "https://example.org/x", "abc", 1));
        assertThrows(IllegalArgumentException.class, () -> Download.unpack("x.zip", "https://example.org/x", sha, 1));
        assertEquals(
                sha,
                Download.keep("x", "https://example.org/x", sha.toUpperCase(), 1)
                        .sha256());
    }
}
