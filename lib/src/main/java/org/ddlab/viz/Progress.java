package org.ddlab.viz;

import java.time.Duration;
import java.util.Locale;

/**
 * A progress bar for long work (training, distillation, evaluation). It is a plain value the caller
 * advances; a notebook shows it with {@code String id = display(p)} and refreshes it in place with
 * {@code updateDisplay(id, p)} (the kernel renders it as HTML), a terminal prints {@link #toString()}.
 * Thread-safe: a worker may advance it while another thread renders it.
 */
public final class Progress {

    private final String label;
    private final long total;
    private final long startNanos;
    private long done;
    private String status = "";

    public Progress(String label, long total) {
        if (total <= 0) {
            throw new IllegalArgumentException("total must be positive, got " + total);
        }
        this.label = label;
        this.total = total;
        this.startNanos = System.nanoTime();
    }

    /** Moves to {@code done} units (clamped to [0, total]) with a short status such as "loss 0.12". */
    public synchronized Progress update(long done, String status) {
        this.done = Math.max(0, Math.min(total, done));
        this.status = status == null ? "" : status;
        return this;
    }

    public synchronized Progress step(String status) {
        return update(done + 1, status);
    }

    public synchronized long done() {
        return done;
    }

    public long total() {
        return total;
    }

    public String label() {
        return label;
    }

    public synchronized String status() {
        return status;
    }

    public synchronized double fraction() {
        return (double) done / total;
    }

    public Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** Remaining time extrapolated from the rate so far; null before the first unit is done. */
    public synchronized Duration remaining() {
        if (done == 0) {
            return null;
        }
        long nanos = System.nanoTime() - startNanos;
        return Duration.ofNanos((long) (nanos * (double) (total - done) / done));
    }

    /** One line for a terminal: {@code label [#####.....] 50/100 00:12<00:12 loss 0.1}. */
    @Override
    public synchronized String toString() {
        int width = 30;
        int filled = (int) Math.round(fraction() * width);
        return String.format(
                        Locale.ROOT,
                        "%s [%s%s] %d/%d %s<%s %s",
                        label,
                        "#".repeat(filled),
                        ".".repeat(width - filled),
                        done,
                        total,
                        clock(elapsed()),
                        clock(remaining()),
                        status)
                .trim();
    }

    /** An HTML bar with no scripts or external resources, so it renders offline and in exported HTML. */
    public synchronized String toHtml() {
        double pct = 100.0 * fraction();
        return String.format(
                Locale.ROOT,
                "<div class=\"ddlab-progress\" style=\"font-family:monospace\">"
                        + "<span>%s</span> "
                        + "<progress value=\"%d\" max=\"%d\" style=\"width:40%%;vertical-align:middle\"></progress> "
                        + "<span>%.0f%% (%d/%d) %s&lt;%s %s</span></div>",
                Tables.escape(label),
                done,
                total,
                pct,
                done,
                total,
                clock(elapsed()),
                clock(remaining()),
                Tables.escape(status));
    }

    private static String clock(Duration d) {
        if (d == null) {
            return "?";
        }
        long s = d.toSeconds();
        return s >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
    }
}
