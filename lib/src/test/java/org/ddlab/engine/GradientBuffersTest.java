package org.ddlab.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.Test;

class GradientBuffersTest {

    /** A backward pass through NaN and ∞ leaves non-finite gradients; zeroing must clear them, not keep them. */
    @Test
    void zeroClearsNanAndInfiniteGradients() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, 2, 3});
            x.setRequiresGradient(true);
            NDArray scale = m.create(new float[] {Float.NaN, Float.POSITIVE_INFINITY, 2});
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(x.mul(scale).sum());
            }
            float[] poisoned = x.getGradient().toFloatArray();
            assertTrue(Float.isNaN(poisoned[0]) && Float.isInfinite(poisoned[1]), java.util.Arrays.toString(poisoned));

            GradientBuffers.zero(List.of(x));
            assertArrayEquals(new float[] {0, 0, 0}, x.getGradient().toFloatArray());

            // The buffer is the one backward accumulates into: the next pass's gradient is its own, with no NaN left.
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(x.mul(m.create(new float[] {4, 5, 6})).sum());
            }
            assertArrayEquals(new float[] {4, 5, 6}, x.getGradient().toFloatArray());
        }
    }

    /** Clearing allocates nothing that outlives it on the (long-lived) manager of the arrays it clears. */
    @Test
    void clearingLeavesNoArraysBehind() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, 2, 3});
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(x.sum());
            }
            GradientBuffers.zero(List.of(x));
            int before = m.getManagedArrays().size();
            for (int i = 0; i < 50; i++) {
                GradientBuffers.zero(List.of(x));
                GradientBuffers.clear(x);
            }
            assertEquals(before, m.getManagedArrays().size());
        }
    }

    @Test
    void arraysWithoutAGradientAreSkipped() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray plain = m.create(new float[] {1, 2});
            GradientBuffers.zero(List.of(plain));
            assertArrayEquals(new float[] {1, 2}, plain.toFloatArray());
        }
    }
}
