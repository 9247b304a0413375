package org.ddlab.kernel.eval;

import java.util.List;

/**
 * Code in a cell threw. The message names the original exception class (the JVM object itself
 * lives in the snippet's world and is only known to JShell by name), the traceback shows the
 * stack trace mapped to cell lines.
 */
public class CellException extends KernelException {

    private final String exceptionClassName;

    public CellException(String exceptionClassName, String message, List<String> traceback) {
        super(message, traceback);
        this.exceptionClassName = exceptionClassName;
    }

    public String exceptionClassName() {
        return exceptionClassName;
    }
}
