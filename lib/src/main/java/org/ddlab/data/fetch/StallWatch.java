package org.ddlab.data.fetch;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Closes a response body that has delivered nothing for too long. {@code HttpClient}'s request
 * timeout ends when the headers arrive; a body read has no timeout of its own and would wait forever
 * on a connection that a flaky Wi-Fi or a proxy silently dropped. Closing the stream wakes the
 * blocked read, and {@link #stalled()} tells that apart from a connection the server closed.
 */
final class StallWatch implements AutoCloseable {

    private final ScheduledExecutorService timer;
    private volatile long lastProgress = System.nanoTime();
    private volatile boolean stalled;

    StallWatch(Duration limit, Closeable body) {
        long limitNanos = limit.toNanos();
        long period = Math.max(10, limit.toMillis() / 4);
        timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "ddlab-fetch-stall-watch");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(
                () -> {
                    if (!stalled && System.nanoTime() - lastProgress > limitNanos) {
                        stalled = true;
                        try {
                            body.close();
                        } catch (IOException ignored) {
                            // the reader fails or ends either way; stalled() says why
                        }
                    }
                },
                period,
                period,
                TimeUnit.MILLISECONDS);
    }

    /** Bytes arrived: the stall clock starts again. */
    void progress() {
        lastProgress = System.nanoTime();
    }

    /** Whether the body was closed because nothing arrived within the limit. */
    boolean stalled() {
        return stalled;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
