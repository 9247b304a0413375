package org.ddlab.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.IValue;

/**
 * The eigendecomposition of a symmetric matrix, {@code torch.linalg.eigh}, which DJL does not expose: a TorchScript
 * module ({@code symmetric_eigen.pt}, written by {@code lib/src/main/torchscript/symmetric_eigen.py}) run on the
 * engine. ZCA whitening and the PCA of the pictures use it.
 */
public final class SymmetricEigen {

    /** Eigenvalues in ascending order, and the eigenvectors as the columns of {@code vectors}, in the matrix's type. */
    public record Result(NDArray values, NDArray vectors) {}

    private SymmetricEigen() {}

    /** Decomposes {@code symmetric} (n × n); the results belong to {@code manager}. */
    public static Result of(NDArray symmetric, NDManager manager) {
        NDList out = Module.INSTANCE.script.runToList((PtNDManager) manager, false, IValue.from((PtNDArray) symmetric));
        return new Result(out.get(0), out.get(1));
    }

    /** The module, loaded once. */
    private enum Module {
        INSTANCE;

        private final TorchScript script = new TorchScript(SymmetricEigen.class, "symmetric_eigen.pt");
    }
}
