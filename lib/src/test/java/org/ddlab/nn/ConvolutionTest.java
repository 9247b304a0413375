package org.ddlab.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Convolution is DJL's conv2d — outputs, shapes and gradients — whether or not its filters are padded to 16.
 * The reference runs in float64, which libtorch computes without oneDNN: DJL's float32 conv2d with fewer than
 * 16 filters is the very thing that returns wrong input gradients on AVX-512 (garbage, sometimes NaN).
 */
class ConvolutionTest {

    @ParameterizedTest
    @CsvSource({"6, 1, 5, 1, 2, true", "4, 3, 3, 2, 1, false", "16, 2, 3, 1, 1, true", "24, 8, 1, 2, 0, false"})
    void equalsDjlConv2dInValuesShapesAndGradients(
            int filters, int channels, int k, int stride, int pad, boolean bias) {
        try (NDManager m = NDManager.newBaseManager()) {
            Convolution conv = new Convolution(filters, k, stride, pad, bias);
            Shape in = new Shape(3, channels, 9, 9);
            conv.initialize(m, DataType.FLOAT32, in);
            Parameter w = conv.getParameters().get("weight");
            NDArray wRef = w.getArray().toType(DataType.FLOAT64, true);
            NDArray bRef = bias ? conv.getParameters().get("bias").getArray().toType(DataType.FLOAT64, true) : null;
            wRef.setRequiresGradient(true);
            NDArray x = m.randomNormal(in);
            NDArray weights =
                    m.randomNormal(new Shape(1, filters, 1, 1)); // a loss that weights every output channel differently
            x.setRequiresGradient(true);
            NDArray ours;
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                ours = conv.forward(new ParameterStore(m, false), new NDList(x), true)
                        .singletonOrThrow();
                c.backward(ours.mul(weights).sum());
            }
            float[] gxOurs = x.getGradient().toFloatArray();
            float[] gwOurs = w.getArray().getGradient().toFloatArray();

            NDArray x2 = x.toType(DataType.FLOAT64, true);
            x2.setRequiresGradient(true);
            NDArray ref;
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                ref = Conv2d.conv2d(x2, wRef, bRef, new Shape(stride, stride), new Shape(pad, pad), new Shape(1, 1), 1)
                        .singletonOrThrow();
                c.backward(ref.mul(weights.toType(DataType.FLOAT64, true)).sum());
            }
            assertEquals(ref.getShape(), ours.getShape());
            assertEquals(conv.getOutputShapes(new Shape[] {in})[0], ours.getShape());
            assertArrayEquals(floats(ref), ours.toFloatArray(), 1e-4f, "outputs");
            assertArrayEquals(floats(x2.getGradient()), gxOurs, 1e-4f, "input gradients");
            assertArrayEquals(floats(wRef.getGradient()), gwOurs, 1e-3f, "weight gradients");
        }
    }

    private static float[] floats(NDArray a) {
        return a.toType(DataType.FLOAT32, true).toFloatArray();
    }
}
