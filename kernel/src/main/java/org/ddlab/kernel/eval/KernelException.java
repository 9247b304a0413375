package org.ddlab.kernel.eval;

import java.util.List;

/**
 * An error a cell produced, already formatted for the notebook: the kernel sends
 * {@link #traceback()} as the Jupyter traceback instead of a Java stack trace of the kernel itself.
 */
public class KernelException extends RuntimeException {

    private final List<String> traceback;

    public KernelException(String message, List<String> traceback) {
        super(message);
        this.traceback = List.copyOf(traceback);
    }

    public KernelException(String message) {
        this(message, List.of(message));
    }

    public List<String> traceback() {
        return traceback;
    }
}
