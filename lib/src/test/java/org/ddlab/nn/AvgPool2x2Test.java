package org.ddlab.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.ddlab.engine.GradMode;
import org.ddlab.matching.Gradients;
import org.junit.jupiter.api.Test;

/** The depthwise-convolution pooling is avg_pool2d: values, shapes (odd sizes floor), first and second derivatives. */
class AvgPool2x2Test {

    private static NDArray pool(NDArray x) {
        return new AvgPool2x2()
                .forward(new ParameterStore(x.getManager(), false), new NDList(x), false)
                .singletonOrThrow();
    }

    private static NDArray reference(NDArray x) {
        return Pool.avgPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false, true);
    }

    @Test
    void equalsAvgPoolForEvenAndOddSizes() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (Shape s : List.of(new Shape(3, 4, 8, 8), new Shape(2, 5, 7, 7), new Shape(1, 1, 3, 6))) {
                NDArray x = m.randomNormal(s);
                NDArray ours = pool(x);
                assertEquals(reference(x).getShape(), ours.getShape(), "shape for " + s);
                assertEquals(new AvgPool2x2().getOutputShapes(new Shape[] {s})[0], ours.getShape());
                assertArrayEquals(reference(x).toFloatArray(), ours.toFloatArray(), 1e-6f, "values for " + s);
            }
        }
    }

    @Test
    void gradientsEqualAvgPoolsToSecondOrder() {
        try (NDManager m = NDManager.newBaseManager();
                GradMode.Scope on = GradMode.on()) {
            NDArray x = m.randomNormal(new Shape(2, 3, 7, 7));
            NDArray w = m.randomNormal(new Shape(2, 3, 3, 3));
            x.setRequiresGradient(true);
            // f(x) = Σ (pool(x) ⊙ w)², so ∂f/∂x is linear in pool's adjoint and ∂²f/∂x² involves it twice.
            float[] first = null;
            float[] second = null;
            for (boolean ours : new boolean[] {true, false}) {
                NDArray y = ours ? pool(x) : reference(x);
                NDArray f = y.mul(w).square().sum();
                NDArray g = Gradients.differentiable(f, List.of(x)).get(0);
                NDArray gg = Gradients.of(g.square().sum(), x);
                if (ours) {
                    first = g.toFloatArray();
                    second = gg.toFloatArray();
                } else {
                    assertArrayEquals(g.toFloatArray(), first, 1e-5f, "first derivative");
                    assertArrayEquals(gg.toFloatArray(), second, 1e-4f, "second derivative");
                }
            }
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(pool(x).sum());
            }
            assertArrayEquals(expectedSumGradient(2, 3, 7), x.getGradient().toFloatArray(), 1e-6f);
        }
    }

    /** d Σ pool(x) / dx: ¼ inside the pooled 6×6 corner of each 7×7 plane, 0 on the last row and column. */
    private static float[] expectedSumGradient(int n, int c, int size) {
        float[] g = new float[n * c * size * size];
        for (int p = 0; p < n * c; p++) {
            for (int i = 0; i < size - 1; i++) {
                for (int j = 0; j < size - 1; j++) {
                    g[p * size * size + i * size + j] = 0.25f;
                }
            }
        }
        return g;
    }

    @Test
    void aTooSmallInputIsNamed() {
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> pool(m.zeros(new Shape(1, 2, 1, 4))));
            assertEquals("AvgPool2x2 expects [N, C, H, W] with H, W ≥ 2, got (1, 2, 1, 4)", e.getMessage());
        }
    }
}
