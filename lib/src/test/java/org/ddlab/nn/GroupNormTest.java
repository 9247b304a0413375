package org.ddlab.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

class GroupNormTest {

    @Test
    void instanceNormGivesZeroMeanUnitVariancePerSampleAndChannel() {
        try (NDManager m = NDManager.newBaseManager()) {
            GroupNorm norm = GroupNorm.instance(3);
            norm.initialize(m, DataType.FLOAT32, new Shape(1, 3, 6, 5));
            // Per-channel offsets and scales that the norm must remove.
            NDArray x = m.randomNormal(new Shape(2, 3, 6, 5))
                    .mul(m.create(new float[] {1f, 5f, 0.2f}).reshape(1, 3, 1, 1))
                    .add(m.create(new float[] {-3f, 10f, 0.5f}).reshape(1, 3, 1, 1));
            NDArray y = norm.forward(new ParameterStore(m, false), new NDList(x), true)
                    .singletonOrThrow();
            assertEquals(x.getShape(), y.getShape());
            NDArray rows = y.reshape(6, 30);
            NDArray mean = rows.mean(new int[] {1});
            NDArray var = rows.sub(mean.reshape(6, 1)).square().mean(new int[] {1});
            for (float v : mean.toFloatArray()) {
                assertEquals(0f, v, 1e-4f);
            }
            for (float v : var.toFloatArray()) {
                assertEquals(1f, v, 1e-3f); // biased variance, eps 1e-5
            }
        }
    }

    @Test
    void layerNormNormalisesEachSampleOverAllChannels() {
        try (NDManager m = NDManager.newBaseManager()) {
            GroupNorm norm = GroupNorm.layer(4);
            norm.initialize(m, DataType.FLOAT32, new Shape(1, 4, 3, 3));
            NDArray x = m.randomNormal(new Shape(2, 4, 3, 3)).mul(7).add(2);
            NDArray rows = norm.forward(new ParameterStore(m, false), new NDList(x), true)
                    .singletonOrThrow()
                    .reshape(2, 36);
            NDArray mean = rows.mean(new int[] {1});
            NDArray var = rows.sub(mean.reshape(2, 1)).square().mean(new int[] {1});
            assertArrayEquals(new float[] {0f, 0f}, mean.toFloatArray(), 1e-4f);
            assertArrayEquals(new float[] {1f, 1f}, var.toFloatArray(), 1e-3f);
        }
    }

    @Test
    void affineIsPerChannel() {
        try (NDManager m = NDManager.newBaseManager()) {
            GroupNorm norm = GroupNorm.instance(2);
            norm.initialize(m, DataType.FLOAT32, new Shape(1, 2, 4, 4));
            norm.getParameters().get("gamma").getArray().set(new float[] {2f, 3f});
            norm.getParameters().get("beta").getArray().set(new float[] {-1f, 4f});
            NDArray x = m.randomNormal(new Shape(1, 2, 4, 4));
            NDArray y = norm.forward(new ParameterStore(m, false), new NDList(x), false)
                    .singletonOrThrow()
                    .reshape(2, 16);
            NDArray mean = y.mean(new int[] {1});
            NDArray std = y.sub(mean.reshape(2, 1)).square().mean(new int[] {1}).sqrt();
            assertArrayEquals(new float[] {-1f, 4f}, mean.toFloatArray(), 1e-4f);
            assertArrayEquals(new float[] {2f, 3f}, std.toFloatArray(), 1e-2f);
        }
    }

    /** The fused batch-norm route of instance norm against the formula, with several samples and a gradient. */
    @Test
    void instanceNormMatchesTheFormulaForABatchAndItsGammaGradient() {
        try (NDManager m = NDManager.newBaseManager()) {
            GroupNorm norm = GroupNorm.instance(2);
            norm.initialize(m, DataType.FLOAT32, new Shape(1, 2, 3, 3));
            NDArray gamma = norm.getParameters().get("gamma").getArray();
            gamma.set(new float[] {2f, 3f});
            norm.getParameters().get("beta").getArray().set(new float[] {-1f, 4f});
            NDArray x = m.randomNormal(new Shape(3, 2, 3, 3)).mul(4).add(1);
            NDArray y;
            try (ai.djl.training.GradientCollector gc =
                    ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                y = norm.forward(new ParameterStore(m, false), new NDList(x), true)
                        .singletonOrThrow();
                gc.backward(y.sum());
            }
            NDArray rows = x.reshape(6, 9);
            NDArray mean = rows.mean(new int[] {1}).reshape(6, 1);
            NDArray normalised = rows.sub(mean)
                    .div(rows.sub(mean)
                            .square()
                            .mean(new int[] {1})
                            .add(1e-5f)
                            .sqrt()
                            .reshape(6, 1));
            NDArray expected = normalised
                    .reshape(3, 2, 9)
                    .mul(m.create(new float[] {2f, 3f}).reshape(1, 2, 1))
                    .add(m.create(new float[] {-1f, 4f}).reshape(1, 2, 1))
                    .reshape(3, 2, 3, 3);
            assertArrayEquals(expected.toFloatArray(), y.toFloatArray(), 1e-4f);
            // d(sum y)/d gamma_c = sum of the normalised values of channel c, which is zero per sample.
            assertArrayEquals(new float[] {0f, 0f}, gamma.getGradient().toFloatArray(), 1e-4f);
        }
    }

    @Test
    void groupsMustDivideChannels() {
        assertThrows(IllegalArgumentException.class, () -> new GroupNorm(3, 4));
    }
}
