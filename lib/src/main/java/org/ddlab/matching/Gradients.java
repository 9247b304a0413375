package org.ddlab.matching;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.JniUtils;
import org.ddlab.engine.GradMode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

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
 * tensors, graph and all. DJL's public {@code runMethod} runs modules under no-grad, so the module is
 * invoked through the engine's native entry point with grad mode on; that reflective call is the
 * only engine internal ddlab touches, and it is here alone.
 */
public final class Gradients {

    private static final String RESOURCE = "autograd_grad.pt";

    private Gradients() {
    }

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
        try (GradMode.Scope off = GradMode.off()) {
            for (NDArray p : arrays) {
                if (p.hasGradient()) {
                    try (NDArray g = p.getGradient()) {
                        g.subi(g);
                    }
                }
            }
        }
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
        IValue[] args = {IValue.from((PtNDArray) loss), IValue.listFrom(xs), IValue.from(createGraph)};
        IValue result = null;
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(true); // a graph of the gradients is only recorded in grad mode
        try {
            result = Module.INSTANCE.run(args);
            NDList grads = result.toNDList(manager); // owned by the loss's manager, like any other result
            return new ArrayList<>(grads);
        } finally {
            JniUtils.setGradMode(previous);
            for (IValue a : args) {
                a.close();
            }
            if (result != null) {
                result.close();
            }
        }
    }

    /** The loaded module and the engine entry point that runs it with gradients enabled; loaded once. */
    private enum Module {
        INSTANCE;

        private final PtSymbolBlock block;
        private final Object library;
        private final Method runMethod;
        private final Constructor<IValue> ivalue;

        Module() {
            try (InputStream in = Gradients.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("the TorchScript resource " + RESOURCE + " is missing from the ddlab jar");
                }
                // A manager of the engine's lifetime: the module is shared by every computation.
                PtNDManager owner = (PtNDManager) ai.djl.ndarray.NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch");
                block = JniUtils.loadModule(owner, in, true, false);
                Class<?> lib = Class.forName("ai.djl.pytorch.jni.PyTorchLibrary");
                var field = lib.getDeclaredField("LIB");
                field.setAccessible(true);
                library = field.get(null);
                runMethod = lib.getDeclaredMethod("moduleRunMethod", long.class, String.class, long[].class, boolean.class, boolean.class);
                runMethod.setAccessible(true);
                ivalue = IValue.class.getDeclaredConstructor(long.class);
                ivalue.setAccessible(true);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the TorchScript resource " + RESOURCE, e);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("this DJL PyTorch engine has no moduleRunMethod(handle, name, inputs, isTrain, cudaStream);"
                        + " ddlab's second-order gradients need DJL 0.36's engine", e);
            }
        }

        IValue run(IValue[] args) {
            long[] handles = new long[args.length];
            for (int i = 0; i < args.length; i++) {
                handles[i] = args[i].getHandle();
            }
            try {
                // isTrain = true: the engine then runs the method without its no-grad guard.
                long out = (long) runMethod.invoke(library, block.getHandle(), "forward", handles, true, false);
                return ivalue.newInstance(out);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException("torch.autograd.grad failed", cause);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot call the engine's moduleRunMethod", e);
            }
        }
    }
}
