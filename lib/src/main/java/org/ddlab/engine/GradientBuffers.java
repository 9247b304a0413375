package org.ddlab.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;

/**
 * Clears the gradients PyTorch accumulates in each array's {@code .grad} across backward passes (DJL never
 * clears them). The buffer is filled with 0 rather than reduced by itself: {@code g − g} and {@code 0·g}
 * keep a NaN or an infinity, so one bad step would poison every later one.
 */
public final class GradientBuffers {

    private GradientBuffers() {
    }

    /** Sets the accumulated gradient of every array that has one to zero, in place. */
    public static void zero(Iterable<NDArray> arrays) {
        try (GradMode.Scope off = GradMode.off()) {
            for (NDArray p : arrays) {
                if (p.hasGradient()) {
                    // getGradient() returns a fresh handle on the same buffer, attached to p's manager: close it.
                    try (NDArray g = p.getGradient()) {
                        clear(g);
                    }
                }
            }
        }
    }

    /** Fills {@code array} with 0 in place, whatever it held: gradients, and the optimiser moments built from them. */
    public static void clear(NDArray array) {
        // set() makes a scalar array on the target's manager, often a long-lived one: the scope frees it.
        try (GradMode.Scope off = GradMode.off(); NDScope scope = new NDScope()) {
            array.set(new NDIndex("..."), 0f);
        }
    }
}
