package org.ddlab.kernel.eval;

import java.util.List;

/** A cell did not compile; the traceback shows each diagnostic with its cell line and a caret. */
public class CompilationException extends KernelException {
    public CompilationException(String message, List<String> traceback) {
        super(message, traceback);
    }
}
