package org.ddlab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.ddlab.nn.Architectures;
import org.ddlab.nn.Network;
import org.junit.jupiter.api.Test;

class SgdAndLossTest {

    @Test
    void crossEntropyOfUniformLogitsIsLogK() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.zeros(new Shape(3, 5));
            NDArray labels = m.create(new int[] {0, 2, 4});
            assertEquals(Math.log(5), Loss.CROSS_ENTROPY.compute(logits, labels).getFloat(), 1e-5);
            NDArray uniform = m.ones(new Shape(3, 5)).div(5);
            assertEquals(
                    Math.log(5),
                    Loss.SOFT_CROSS_ENTROPY.compute(logits, uniform).getFloat(),
                    1e-5);
            assertEquals(0.5 * 5 * 0.04, Loss.MSE.compute(logits, uniform).getFloat(), 1e-5);
        }
    }

    /** Two steps of PyTorch's SGD rule by hand: v1 = g1 + λp0, p1 = p0 − lr·v1; v2 = μv1 + g2 + λp1, p2 = p1 − lr·v2. */
    @Test
    void updateFollowsPyTorchsRule() {
        double lr = 0.1;
        double mu = 0.9;
        double wd = 0.01;
        try (NDManager m = NDManager.newBaseManager()) {
            Network net =
                    Architectures.create("mlp:width=4", new Shape(1, 2, 2), 2).initialize(m, 0);
            Sgd sgd = new Sgd(net.parameters(), lr, mu, wd);
            Parameter first = net.parameters().get(0);
            float[] p0 = first.getArray().toFloatArray();
            float[] g1 = backward(net, m);
            sgd.step();
            net.zeroGradients();
            float[] p1 = first.getArray().toFloatArray();
            float[] g2 = backward(net, m);
            sgd.step();
            float[] p2 = first.getArray().toFloatArray();
            float[] expected1 = new float[p0.length];
            float[] expected2 = new float[p0.length];
            for (int i = 0; i < p0.length; i++) {
                double v1 = g1[i] + wd * p0[i];
                expected1[i] = (float) (p0[i] - lr * v1);
                double v2 = mu * v1 + g2[i] + wd * p1[i];
                expected2[i] = (float) (p1[i] - lr * v2);
            }
            assertArrayEquals(expected1, p1, 1e-6f);
            assertArrayEquals(expected2, p2, 1e-6f);
        }
    }

    private static float[] backward(Network net, NDManager m) {
        try (NDManager step = m.newSubManager()) {
            NDArray x = step.create(new float[] {1, 2, 3, 4, -1, 0, 1, 0}, new Shape(2, 1, 2, 2));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(Loss.CROSS_ENTROPY.compute(net.logits(x, true), step.create(new int[] {0, 1})));
            }
            List<Parameter> ps = net.parameters();
            try (NDArray g = ps.get(0).getArray().getGradient()) {
                return g.toFloatArray();
            }
        }
    }

    @Test
    void theDefaultLossFitsTheTargets() {
        var set = TinySets.stripes(1, 2, 0);
        assertEquals(Loss.CROSS_ENTROPY, LabeledSet.hard(set).defaultLoss());
        assertEquals(Loss.SOFT_CROSS_ENTROPY, new LabeledSet(set, new float[] {0.9f, 0.1f, 0.2f, 0.8f}).defaultLoss());
        // FRePo's learned labels are regression targets: negative entries, rows not summing to one.
        assertEquals(Loss.MSE, new LabeledSet(set, new float[] {0.5f, -0.5f, -0.5f, 0.5f}).defaultLoss());
        assertEquals(Loss.MSE, new LabeledSet(set, new float[] {2f, 0f, 0f, 1f}).defaultLoss());
    }
}
