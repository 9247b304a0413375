package org.ddlab.engine;

import ai.djl.ndarray.NDList;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * A TorchScript module shipped as a resource and run on DJL's own tensors: how ddlab reaches the few
 * PyTorch functions DJL does not expose ({@code torch.autograd.grad}, {@code torch.linalg.eigh}). Each
 * module is a few lines of Python under {@code lib/src/main/torchscript/}, saved with Debian's
 * python3-torch; a test checks that the committed archive holds the code its script writes.
 *
 * <p>DJL's public {@code runMethod} runs a module under no-grad, so the module is invoked through the
 * engine's native entry point, with the caller's choice of grad mode. That reflective call is the only
 * engine internal ddlab touches, and it is here alone.
 */
public final class TorchScript {

    private final String resource;
    private final PtSymbolBlock block;
    private final Object library;
    private final Method runMethod;
    private final Constructor<IValue> ivalue;

    /** Loads the module {@code resource} next to {@code anchor}'s class file; once per module, then shared. */
    public TorchScript(Class<?> anchor, String resource) {
        this.resource = resource;
        try (InputStream in = anchor.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(
                        "the TorchScript resource " + resource + " is missing from the ddlab jar");
            }
            // A manager of the engine's lifetime: the module is shared by every computation.
            PtNDManager owner = (PtNDManager) ai.djl.ndarray.NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch");
            block = JniUtils.loadModule(owner, in, true, false);
            Class<?> lib = Class.forName("ai.djl.pytorch.jni.PyTorchLibrary");
            var field = lib.getDeclaredField("LIB");
            field.setAccessible(true);
            library = field.get(null);
            runMethod = lib.getDeclaredMethod(
                    "moduleRunMethod", long.class, String.class, long[].class, boolean.class, boolean.class);
            runMethod.setAccessible(true);
            ivalue = IValue.class.getDeclaredConstructor(long.class);
            ivalue.setAccessible(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the TorchScript resource " + resource, e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(
                    "this DJL PyTorch engine has no moduleRunMethod(handle, name, inputs, isTrain, cudaStream);"
                            + " ddlab's TorchScript modules need DJL 0.36's engine",
                    e);
        }
    }

    /**
     * Runs {@code forward(args…)}. With {@code recordGraph} the call runs in grad mode, so its results
     * carry a graph (the engine's grad mode is set for the call and put back after). The caller closes
     * the arguments and the result.
     */
    public IValue run(boolean recordGraph, IValue... args) {
        long[] handles = new long[args.length];
        for (int i = 0; i < args.length; i++) {
            handles[i] = args[i].getHandle();
        }
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(recordGraph);
        try {
            // isTrain = true: the engine then runs the method without its own no-grad guard.
            long out = (long) runMethod.invoke(library, block.getHandle(), "forward", handles, true, false);
            return ivalue.newInstance(out);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("the TorchScript module " + resource + " failed", cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot call the engine's moduleRunMethod", e);
        } finally {
            JniUtils.setGradMode(previous);
        }
    }

    /** {@link #run} whose result is a tuple or list of tensors, owned by {@code manager}; closes the arguments. */
    public NDList runToList(PtNDManager manager, boolean recordGraph, IValue... args) {
        IValue result = null;
        try {
            result = run(recordGraph, args);
            return result.toNDList(manager);
        } finally {
            for (IValue a : args) {
                a.close();
            }
            if (result != null) {
                result.close();
            }
        }
    }
}
