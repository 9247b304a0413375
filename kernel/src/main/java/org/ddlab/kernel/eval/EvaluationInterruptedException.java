package org.ddlab.kernel.eval;

/** The user interrupted the running cell or widget listener (Jupyter's interrupt button). */
public class EvaluationInterruptedException extends KernelException {
    public EvaluationInterruptedException() {
        this("Evaluation interrupted: the cell was stopped; the kernel keeps its state and is ready.");
    }

    public EvaluationInterruptedException(String message) {
        super(message);
    }

    /**
     * Whether {@code e} is JShell's stop: the ThreadDeath its woven stop checks throw, as it is or wrapped
     * (by a reflective call, or by the notebook's own code around a listener).
     */
    @SuppressWarnings("removal")
    public static boolean isStop(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof ThreadDeath) {
                return true;
            }
        }
        return false;
    }
}
