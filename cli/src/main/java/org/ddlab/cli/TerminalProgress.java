package org.ddlab.cli;

import java.io.PrintWriter;
import org.ddlab.viz.Progress;

/**
 * Draws a {@link Progress} on one terminal line (carriage return, at most a few times a second), or
 * prints a plain line now and then when the output is not a terminal (logs, CI).
 */
final class TerminalProgress {

    private final Progress progress;
    private final PrintWriter err;
    private final boolean terminal = System.console() != null;
    private long lastDraw;

    TerminalProgress(Progress progress, PrintWriter err) {
        this.progress = progress;
        this.err = err;
    }

    void update(long done, String status) {
        progress.update(done, status);
        long now = System.nanoTime();
        boolean finished = progress.done() == progress.total();
        long interval = terminal ? 200_000_000L : 30_000_000_000L;
        if (finished || now - lastDraw > interval) {
            lastDraw = now;
            err.print(terminal ? "\r" + progress + "\033[K" : progress + "\n");
            if (finished && terminal) {
                err.print("\n");
            }
            err.flush();
        }
    }
}
