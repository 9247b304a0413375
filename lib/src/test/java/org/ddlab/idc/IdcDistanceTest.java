package org.ddlab.idc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.List;
import org.ddlab.engine.GradMode;
import org.ddlab.matching.Gradients;
import org.ddlab.nn.Architectures;
import org.ddlab.nn.Network;
import org.junit.jupiter.api.Test;

class IdcDistanceTest {

    /** Hand-made gradients of a conv weight [2,1,1,2] and an fc weight [1,2]: the values are easy to sum. */
    private static List<NDArray> grads(NDManager m, float[] conv, float[] fc) {
        return List.of(m.create(conv, new Shape(2, 1, 1, 2)), m.create(fc, new Shape(1, 2)));
    }

    @Test
    void mseAndL1ArePlainSumsOverLayers() {
        try (NDManager m = NDManager.newBaseManager()) {
            List<NDArray> s = grads(m, new float[] {1, 2, 3, 4}, new float[] {0, 0});
            List<NDArray> r = grads(m, new float[] {0, 0, 5, 1}, new float[] {1, -2});
            // Differences: conv (1, 2, −2, 3), fc (−1, 2).
            assertEquals(
                    1 + 4 + 4 + 9 + 1 + 4,
                    IdcDistance.of(IdcDistance.Metric.MSE).between(s, r).getFloat(),
                    1e-6);
            assertEquals(
                    1 + 2 + 2 + 3 + 1 + 2,
                    IdcDistance.of(IdcDistance.Metric.L1).between(s, r).getFloat(),
                    1e-6);
            assertEquals(
                    18,
                    IdcDistance.of(IdcDistance.Metric.MSE)
                            .between(s.subList(0, 1), r.subList(0, 1))
                            .getFloat(),
                    1e-6);
        }
    }

    @Test
    void cosIsOneMinusCosinePerOutputRow() {
        try (NDManager m = NDManager.newBaseManager()) {
            // Row 0: (1,0)·(0,1) → cos 0 → 1; row 1: (3,4)·(6,8) → cos 1 → 0.
            NDArray s = m.create(new float[] {1, 0, 3, 4}, new Shape(2, 1, 1, 2));
            NDArray r = m.create(new float[] {0, 1, 6, 8}, new Shape(2, 1, 1, 2));
            assertEquals(
                    1.0,
                    IdcDistance.of(IdcDistance.Metric.COS)
                            .between(List.of(s), List.of(r))
                            .getFloat(),
                    1e-5);
            // Per row, not over the whole layer: the whole-layer cosine would be (0 + 50)/(5·10.05) ≈ 0.995.
        }
    }

    /** ConvNet-3: conv weight, conv bias, norm γ, β per block, then fc weight and bias. Only the three conv weights. */
    @Test
    void theReferenceMatchesConvolutionWeightsOnly() {
        try (NDManager m = NDManager.newBaseManager()) {
            Network net = Architectures.create("convnet:width=16", new Shape(1, 8, 8), 3)
                    .initialize(m, 1);
            List<Parameter> matched = IdcDistance.of(IdcDistance.Metric.MSE).matched(net);
            assertEquals(3, matched.size());
            for (Parameter p : matched) {
                assertEquals(4, p.getArray().getShape().dimension(), p.getName());
            }
            assertArrayEquals(
                    new long[] {16, 1, 3, 3},
                    matched.get(0).getArray().getShape().getShape());
            long all = net.parameters().stream()
                    .filter(Parameter::requiresGradient)
                    .count();
            assertEquals(
                    4,
                    new IdcDistance(IdcDistance.Metric.MSE, false, true)
                            .matched(net)
                            .size(),
                    "the fc weight joins, not its bias");
            assertEquals(
                    all - 1,
                    new IdcDistance(IdcDistance.Metric.MSE, true, false)
                            .matched(net)
                            .size(),
                    "biases and norm parameters, not the fc weight");
            assertEquals(
                    all,
                    new IdcDistance(IdcDistance.Metric.MSE, true, true)
                            .matched(net)
                            .size());
        }
    }

    @Test
    void aNetworkWithoutConvolutionsIsRefused() {
        try (NDManager m = NDManager.newBaseManager()) {
            Network mlp =
                    Architectures.create("mlp:width=6", new Shape(1, 8, 8), 4).initialize(m, 1);
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> IdcDistance.of(IdcDistance.Metric.L1).matched(mlp));
            assertEquals(
                    "IDC matches no parameter of this network: it has no convolution weights, and biases are off (bias)"
                            + ", and fully connected weights are off (fc).",
                    e.getMessage());
            assertEquals(
                    "IDC metric 'l2' is unknown; use mse, l1 or cos.",
                    assertThrows(IllegalArgumentException.class, () -> IdcDistance.Metric.parse("l2"))
                            .getMessage());
        }
    }

    /** d/ds of Σ(r − s)² is 2(s − r); of Σ|r − s| it is sign(s − r): the distance carries gradient to the synthetic side. */
    @Test
    void theDistanceIsDifferentiableInTheSyntheticGradients() {
        try (NDManager m = NDManager.newBaseManager();
                GradMode.Scope on = GradMode.on()) {
            NDArray s = m.create(new float[] {1, 2, 3, 4}, new Shape(2, 1, 1, 2));
            NDArray r = m.create(new float[] {0, 0, 5, 1}, new Shape(2, 1, 1, 2));
            s.setRequiresGradient(true);
            assertArrayEquals(
                    new float[] {2, 4, -4, 6},
                    Gradients.of(IdcDistance.of(IdcDistance.Metric.MSE).between(List.of(s), List.of(r)), s)
                            .toFloatArray(),
                    1e-6f);
            assertArrayEquals(
                    new float[] {1, 1, -1, 1},
                    Gradients.of(IdcDistance.of(IdcDistance.Metric.L1).between(List.of(s), List.of(r)), s)
                            .toFloatArray(),
                    1e-6f);
        }
    }
}
