package org.ddlab.kernel.eval;

/** The user interrupted the running cell or widget listener (Jupyter's interrupt button). */
public class EvaluationInterruptedException extends KernelException {
    public EvaluationInterruptedException() {
        this("Evaluation interrupted: the cell was stopped; the kernel keeps its state and is ready.");
    }

    public EvaluationInterruptedException(String message) {
        super(message);
    }
}
