package org.ddlab.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.ddlab.frepo.KernelRegression;
import org.ddlab.train.Loss;
import org.junit.jupiter.api.Test;

/**
 * Gradients do not change when the garbage collector runs between the forward and the backward pass
 * and the freed native memory is reused. With a Java-buffer scalar in the graph (DJL's
 * {@code x.mul(0.5f)}), it read 0x7F7F7F7F (3.4e38) instead of 0.5.
 */
class GraphConstantsTest {

    @Test
    void aScalarIsEngineMemoryOfTheRightTypeAndValue() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray like = m.zeros(new Shape(2), DataType.FLOAT64);
            NDArray s = GraphConstants.scalar(like, 0.25);
            assertEquals(DataType.FLOAT64, s.getDataType());
            assertEquals(new Shape(), s.getShape());
            assertEquals(0.25, s.getDouble(), 0);
            assertArrayEquals(
                    new float[] {1, 2, 3, 4},
                    GraphConstants.of(m, new float[] {1, 2, 3, 4}, new Shape(2, 2))
                            .toFloatArray());
        }
    }

    @Test
    void mseLossGradientSurvivesACollectionBeforeBackward() {
        assertStable(x -> Loss.MSE.compute(x, x.getManager().ones(x.getShape()).mul(0.3f)), new Shape(6, 10));
    }

    @Test
    void kernelRegressionGradientSurvivesACollectionBeforeBackward() {
        KernelRegression krr = new KernelRegression(1e-2);
        assertStable(
                x -> {
                    NDManager m = x.getManager();
                    NDArray query = x.stopGradient().get(":5").duplicate();
                    NDArray targets = m.ones(new Shape(8, 3));
                    return krr.predict(x, query, targets).sum();
                },
                new Shape(8, 12));
    }

    private static void assertStable(Function<NDArray, NDArray> loss, Shape shape) {
        float[][] grads = new float[2][];
        for (int pass = 0; pass < 2; pass++) {
            try (NDManager m = NDManager.newBaseManager();
                    GradMode.Scope on = GradMode.on()) {
                float[] v = new float[(int) shape.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) Math.sin(i * 0.7 + 0.3);
                }
                NDArray x = GraphConstants.of(m, v, shape);
                x.setRequiresGradient(true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray l = loss.apply(x);
                    if (pass == 1) {
                        recycleFreedNativeMemory();
                    }
                    gc.backward(l);
                }
                grads[pass] = x.getGradient().toFloatArray();
            }
        }
        assertArrayEquals(grads[0], grads[1], 1e-6f, Arrays.toString(grads[1]));
    }

    private static void recycleFreedNativeMemory() {
        System.gc();
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        byte[] fill = new byte[16];
        Arrays.fill(fill, (byte) 0x7F);
        List<ByteBuffer> reuse = new ArrayList<>();
        for (int k = 0; k < 2000; k++) {
            reuse.add(ByteBuffer.allocateDirect(fill.length).put(fill));
        }
    }
}
