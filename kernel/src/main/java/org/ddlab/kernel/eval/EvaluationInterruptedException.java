package org.ddlab.kernel.eval;

/** The user interrupted the running cell (Jupyter's interrupt button). */
public class EvaluationInterruptedException extends KernelException {
    public EvaluationInterruptedException() {
        super("Evaluation interrupted: the cell was stopped; the kernel keeps its state and is ready.");
    }
}
