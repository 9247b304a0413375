package org.ddlab.engine;

import java.util.concurrent.CancellationException;

/**
 * Lets long library loops stop when their thread is interrupted. The notebook kernel's interrupt
 * button interrupts the cell's thread, but only code that looks at the flag notices: JShell's stop
 * checks reach loops written in a cell, not loops compiled into this library.
 */
public final class Interrupts {

    private Interrupts() {}

    /** Throws {@link CancellationException} if the current thread has been interrupted. */
    public static void check() {
        if (Thread.currentThread().isInterrupted()) {
            throw new CancellationException("interrupted");
        }
    }
}
