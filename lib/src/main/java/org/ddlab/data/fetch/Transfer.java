package org.ddlab.data.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One HTTP GET into a {@code .part} file that survives interruption: a second call asks only for the
 * missing tail ({@code Range: bytes=N-}), because datasets are large and classroom networks drop.
 * The body streams to disk; nothing the size of the file is held in memory. Whether the bytes are
 * the right ones is not decided here — the caller verifies the SHA-256.
 */
final class Transfer implements AutoCloseable {

    /** The host could not be reached at all: offline, name not found, refused, no route, connect timeout. */
    static final class Unreachable extends IOException {
        final String host;
        final String reason;

        Unreachable(String host, String reason, Throwable cause) {
            super(host + ": " + reason, cause);
            this.host = host;
            this.reason = reason;
        }
    }

    private static final int BUFFER = 1 << 16;
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)");

    private final Duration connectTimeout;
    private final Duration stallLimit;
    private final String command;
    private HttpClient client;

    /**
     * @param command the command that runs the fetch again, named in messages ("running it again resumes")
     */
    Transfer(Duration connectTimeout, Duration stallLimit, String command) {
        this.connectTimeout = connectTimeout;
        this.stallLimit = stallLimit;
        this.command = command;
    }

    /**
     * Completes {@code part} from {@code uri}: resumes it when it holds bytes, starts over when the
     * server ignores the range, returns at once when the server says the range is past the end (416)
     * or the pinned size is already there.
     *
     * @throws Unreachable    when no connection could be made
     * @throws FetchException for an HTTP error, a size other than the pinned one, a stall or a
     *                        transfer that ended early (the part is kept for resuming)
     */
    void download(URI uri, Download download, Path part, Fetcher.Listener listener) throws IOException {
        Files.createDirectories(part.getParent());
        FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        boolean ours = false;
        try (ch;
                FileLock lock = lock(ch, part)) {
            ours = true;
            transfer(ch, uri, download, part, listener);
        } finally {
            if (ours && Files.size(part) == 0) {
                Files.delete(part); // nothing to resume: leave no trace of a request that failed at once
            }
        }
    }

    private void transfer(FileChannel ch, URI uri, Download download, Path part, Fetcher.Listener listener)
            throws IOException {
        long have = ch.size();
        if (download.size() >= 0 && have > download.size()) {
            ch.truncate(0); // longer than the file can be: not a prefix of it
            have = 0;
        }
        if (download.size() >= 0 && have == download.size()) {
            return;
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .GET()
                .timeout(stallLimit) // until the response headers arrive
                .header("User-Agent", "ddlab");
        if (have > 0) {
            request.header("Range", "bytes=" + have + "-");
        }
        HttpResponse<InputStream> response = send(request.build(), download);
        try (InputStream body = response.body()) {
            int status = response.statusCode();
            long start;
            if (status == 416 && have > 0) {
                return; // the part already reaches the end; verification decides
            } else if (status == 206 && have > 0) {
                start = rangeStart(response, have, uri, download);
            } else if (status == 200) {
                start = 0; // the server ignored the range (or none was asked): start over
            } else {
                throw new FetchException(
                        download.file() + ": " + uri + " answered HTTP " + status + explain(status, response) + ".");
            }
            long total = total(response, status, start);
            if (download.size() >= 0 && total >= 0 && total != download.size()) {
                throw new FetchException(download.file() + ": " + uri + " offers " + total
                        + " bytes, but the pinned file has " + download.size()
                        + " bytes; the publisher has changed it, or the URL serves something else.");
            }
            if (total < 0) {
                total = download.size();
            }
            ch.truncate(start);
            ch.position(start);
            long done = copy(body, ch, start, total, uri, download, part, listener);
            ch.force(true); // on disk before it is verified and renamed into place
            if (total >= 0 && done < total) {
                throw stopped(download, uri, part, done, total, "the connection ended early", null);
            }
        }
    }

    private long copy(
            InputStream body,
            FileChannel ch,
            long start,
            long total,
            URI uri,
            Download download,
            Path part,
            Fetcher.Listener listener)
            throws IOException {
        long done = start;
        listener.progress(download.file(), Fetcher.Phase.DOWNLOADING, done, total);
        byte[] buf = new byte[BUFFER];
        ByteBuffer wrapped = ByteBuffer.wrap(buf);
        try (StallWatch watch = new StallWatch(stallLimit, body)) {
            while (true) {
                int n;
                try {
                    n = body.read(buf);
                } catch (IOException e) {
                    throw watch.stalled()
                            ? stalled(download, uri, part, done, total)
                            : stopped(download, uri, part, done, total, "the connection broke", e);
                }
                if (watch.stalled()) {
                    throw stalled(download, uri, part, done, total);
                }
                if (n < 0) {
                    return done;
                }
                watch.progress();
                wrapped.clear().limit(n);
                while (wrapped.hasRemaining()) {
                    ch.write(wrapped);
                }
                done += n;
                listener.progress(download.file(), Fetcher.Phase.DOWNLOADING, done, total);
            }
        }
    }

    private HttpResponse<InputStream> send(HttpRequest request, Download download) throws IOException {
        String host = request.uri().getHost();
        try {
            return client().send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException e) {
            throw new Unreachable(host, "no connection within " + seconds(connectTimeout), e);
        } catch (HttpTimeoutException e) {
            throw new FetchException(
                    download.file() + ": " + request.uri() + " did not answer within " + seconds(stallLimit)
                            + "; running " + command + " again retries.",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException stop = new InterruptedIOException("interrupted while connecting to " + host);
            stop.initCause(e);
            throw stop;
        } catch (IOException e) {
            String reason = unreachableReason(e);
            if (reason != null) {
                throw new Unreachable(host, reason, e);
            }
            throw new FetchException(
                    download.file() + ": could not download " + request.uri() + ": " + e + "; running " + command
                            + " again retries.",
                    e);
        }
    }

    /** Why no connection could be made, or null when {@code e} is something else. */
    static String unreachableReason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
                return "host name not found";
            }
            if (t instanceof HttpConnectTimeoutException) {
                return "no connection within the timeout";
            }
            if (t instanceof NoRouteToHostException) {
                return "no route to host";
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return t.getMessage() == null ? "connection refused" : t.getMessage();
            }
        }
        return null;
    }

    private HttpClient client() {
        if (client == null) {
            client = HttpClient.newBuilder()
                    .connectTimeout(connectTimeout)
                    .followRedirects(HttpClient.Redirect.NORMAL) // never https -> http
                    .proxy(ProxySelector.getDefault()) // -Dhttps.proxyHost etc., for classrooms behind a proxy
                    .build();
        }
        return client;
    }

    private static FileLock lock(FileChannel ch, Path part) throws IOException {
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            throw new FetchException("another fetch is writing " + part + "; wait for it to finish.");
        }
        return lock;
    }

    private static long rangeStart(HttpResponse<?> response, long asked, URI uri, Download download)
            throws FetchException {
        String range = response.headers().firstValue("Content-Range").orElse("");
        Matcher m = CONTENT_RANGE.matcher(range.trim());
        if (!m.matches() || Long.parseLong(m.group(1)) != asked) {
            throw new FetchException(download.file() + ": asked " + uri + " for the bytes from " + asked
                    + " on, and it answered with the range '" + range + "'.");
        }
        return asked;
    }

    /** The size of the whole file as this response tells it, or -1. */
    private static long total(HttpResponse<?> response, int status, long start) {
        OptionalLong length = response.headers().firstValueAsLong("Content-Length");
        if (status == 206) {
            Matcher m = CONTENT_RANGE.matcher(
                    response.headers().firstValue("Content-Range").orElse("").trim());
            if (m.matches() && !m.group(3).equals("*")) {
                return Long.parseLong(m.group(3));
            }
        }
        return length.isPresent() ? start + length.getAsLong() : -1;
    }

    private static String explain(int status, HttpResponse<?> response) {
        if (status == 404) {
            return " (not found)";
        } else if (status == 403) {
            return " (forbidden)";
        } else if (status >= 500) {
            return " (a server error; try again later)";
        } else if (status >= 300 && status < 400) {
            return " (a redirect not followed: "
                    + response.headers().firstValue("Location").orElse("no location") + ")";
        }
        return "";
    }

    private FetchException stopped(
            Download download, URI uri, Path part, long done, long total, String why, Throwable cause) {
        String of = total >= 0 ? done + " of " + total + " bytes" : done + " bytes";
        return new FetchException(
                download.file() + ": the download from " + uri + " stopped at " + of
                        + " (" + why + "). The part is kept in " + part + "; running " + command
                        + " again resumes it.",
                cause);
    }

    private FetchException stalled(Download download, URI uri, Path part, long done, long total) {
        return stopped(download, uri, part, done, total, "no data for " + seconds(stallLimit), null);
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** Drops the connections at once: when a fetch returns, nothing in flight is wanted. */
    @Override
    public void close() {
        if (client != null) {
            client.shutdownNow();
        }
    }
}
