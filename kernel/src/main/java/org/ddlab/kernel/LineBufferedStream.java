package org.ddlab.kernel;

import java.io.OutputStream;
import java.io.PrintStream;

/**
 * Sends a cell's output to Jupyter a line at a time. jjava's stream publishes on every flush, and an
 * auto-flushing PrintStream flushes on every write — so {@code printf("%d images, %d classes")}
 * arrived as five separate stream messages, stored as five outputs in the notebook file. Feeding the
 * target byte by byte lets its auto-flush fire on newlines only; the rest goes at the end of the cell.
 */
final class LineBufferedStream extends OutputStream {

    private final PrintStream target;

    LineBufferedStream(PrintStream target) {
        this.target = target;
    }

    @Override
    public void write(int b) {
        target.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            target.write(b[i]);
        }
    }

    @Override
    public void flush() {
        target.flush();
    }
}
