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

    private GradientBuffers() {}

    /** Sets the accumulated gradient of every array that has one to zero, in place. */
    public static void zero(Iterable<NDArray> arrays) {
        // One scope for the whole list (this runs every training step): it closes the fresh handles getGradient()
        // returns on each array's manager and the scalars set() makes there.
        try (GradMode.Scope off = GradMode.off();
                NDScope scope = new NDScope()) {
            for (NDArray p : arrays) {
                if (p.hasGradient()) {
                    fill(p.getGradient());
                }
            }
        }
    }

    /** Fills {@code array} with 0 in place, whatever it held: gradients, and the optimiser moments built from them. */
    public static void clear(NDArray array) {
        try (GradMode.Scope off = GradMode.off();
                NDScope scope = new NDScope()) {
            fill(array);
        }
    }

    /** In place, inside the caller's scope: set() makes a scalar array on the target's (often long-lived) manager. */
    private static void fill(NDArray array) {
        array.set(new NDIndex("..."), 0f);
    }
}
