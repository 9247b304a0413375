package org.ddlab.matching;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import org.ddlab.engine.GradMode;

import java.util.ArrayList;
import java.util.List;

/**
 * The one place ddlab takes gradients that are themselves differentiable — gradient matching needs
 * d/dx of a distance between weight gradients. DJL's {@code GradientCollector} has no
 * {@code create_graph}; PyTorch's backward through {@link JniUtils#backward} does.
 *
 * <p>Like every backward pass, these also accumulate into the {@code .grad} of every other leaf that
 * requires gradients (the synthetic images, for one); {@link GradientMatching} accounts for that.
 * Each call first zeroes the parameters' gradients in place, which is safe only when no pending graph
 * still uses them: call it after the previous second-order backward has run.
 */
public final class Gradients {

    private Gradients() {
    }

    /** ∂loss/∂p for each p, as copies that record no graph (the real batch's side of gradient matching). */
    public static List<NDArray> of(NDArray loss, List<NDArray> parameters) {
        zero(parameters);
        backward(loss, false);
        List<NDArray> out = new ArrayList<>();
        try (GradMode.Scope off = GradMode.off()) {
            for (NDArray p : parameters) {
                try (NDArray g = p.getGradient()) {
                    out.add(g.duplicate());
                }
            }
        }
        return out;
    }

    /**
     * ∂loss/∂p for each p, recording their own graph ({@code create_graph=True}; the forward graph is
     * kept), so a function of them can be back-propagated to whatever the loss depended on.
     */
    public static List<NDArray> differentiable(NDArray loss, List<NDArray> parameters) {
        zero(parameters);
        backward(loss, true);
        List<NDArray> out = new ArrayList<>();
        for (NDArray p : parameters) {
            out.add(p.getGradient());
        }
        return out;
    }

    /** Plain backward of a scalar loss (no graph kept), accumulating into every leaf's gradient. */
    public static void backward(NDArray loss) {
        backward(loss, false);
    }

    /** Sets the gradients of {@code arrays} to zero in place (arrays without one are skipped). */
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

    private static void backward(NDArray loss, boolean createGraph) {
        if (loss.getShape().size() != 1) {
            throw new IllegalArgumentException("backward needs a scalar loss, got shape " + loss.getShape());
        }
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(true); // a graph of the gradients is only recorded in grad mode
        try (NDArray ones = loss.onesLike()) {
            JniUtils.backward((PtNDArray) loss, (PtNDArray) ones, createGraph, createGraph);
        } finally {
            JniUtils.setGradMode(previous);
        }
    }
}
