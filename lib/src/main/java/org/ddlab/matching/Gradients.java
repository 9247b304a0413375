package org.ddlab.matching;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.IValue;
import java.util.ArrayList;
import java.util.List;
import org.ddlab.engine.GradientBuffers;
import org.ddlab.engine.TorchScript;

/**
 * The one place ddlab takes gradients as values — PyTorch's {@code torch.autograd.grad}, which DJL
 * does not expose. Gradient matching needs d/dx of a distance between weight gradients, so the
 * synthetic side's weight gradients must themselves be differentiable ({@code create_graph}).
 *
 * <p>Why not DJL's backward: it accumulates into every leaf's {@code .grad}, and with
 * {@code create_graph} a leaf then holds a gradient whose graph holds the leaf — the reference cycle
 * PyTorch warns about. PyTorch's cure is {@code p.grad = None}, which DJL cannot do either, so every
 * matching leaked its forward pass (DC at IPC 1, ConvNet-32: ~11 MB per iteration; at IPC 10 with ten
 * outer loops that would be ~1 GB). {@code autograd.grad} returns the gradients and stores nothing on
 * the leaves: no cycle, and no stray first-order deposits on other leaves to subtract.
 *
 * <p>How: a four-line TorchScript module ({@code autograd_grad.pt}, written by
 * {@code lib/src/main/torchscript/autograd_grad.py}) runs {@code torch.autograd.grad} on DJL's own
 * tensors, graph and all, through {@link TorchScript} with grad mode on.
 */
public final class Gradients {

    private static final String RESOURCE = "autograd_grad.pt";

    private Gradients() {}

    /** ∂loss/∂x for each x, as plain arrays that record no graph (e.g. the real batch's weight gradients). */
    public static List<NDArray> of(NDArray loss, List<NDArray> inputs) {
        return grad(loss, inputs, false);
    }

    /**
     * ∂loss/∂x for each x, recording their own graph ({@code create_graph=True}, the forward graph is
     * kept), so a function of them can be differentiated again with {@link #of}.
     */
    public static List<NDArray> differentiable(NDArray loss, List<NDArray> inputs) {
        return grad(loss, inputs, true);
    }

    /** ∂loss/∂x of one input. */
    public static NDArray of(NDArray loss, NDArray input) {
        return of(loss, List.of(input)).get(0);
    }

    /** Sets the accumulated {@code .grad} of {@code arrays} to zero in place (arrays without one are skipped). */
    public static void zero(List<NDArray> arrays) {
        GradientBuffers.zero(arrays);
    }

    private static List<NDArray> grad(NDArray loss, List<NDArray> inputs, boolean createGraph) {
        if (loss.getShape().size() != 1) {
            throw new IllegalArgumentException("a gradient needs a scalar loss, got shape " + loss.getShape());
        }
        if (inputs.isEmpty()) {
            return List.of();
        }
        PtNDManager manager = (PtNDManager) loss.getManager();
        PtNDArray[] xs = inputs.stream().map(x -> (PtNDArray) x).toArray(PtNDArray[]::new);
        // Grad mode on: a graph of the gradients is only recorded in grad mode. Results belong to the loss's manager.
        NDList grads = Module.INSTANCE.script.runToList(
                manager, true, IValue.from((PtNDArray) loss), IValue.listFrom(xs), IValue.from(createGraph));
        return new ArrayList<>(grads);
    }

    /** The module, loaded once. */
    private enum Module {
        INSTANCE;

        private final TorchScript script = new TorchScript(Gradients.class, RESOURCE);
    }
}
