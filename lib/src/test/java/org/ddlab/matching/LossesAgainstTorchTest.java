package org.ddlab.matching;

import static org.ddlab.engine.AgainstTorch.assertClose;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.Map;
import org.ddlab.distill.NpyArray;
import org.ddlab.engine.AgainstTorch;
import org.ddlab.engine.GradMode;
import org.ddlab.nn.Architectures;
import org.ddlab.nn.Network;
import org.ddlab.nn.TorchWeights;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DC's gradient distances and DM's loss against PyTorch: {@code loss_fixtures.npz} is written by
 * {@code bench/loss_fixtures.py}, which re-implements ddlab's ConvNet with fixed weights and the reference
 * definitions (DC's {@code match_loss} with {@code distance_wb}; DM's mean-embedding distance) and computes each
 * objective and its gradient with respect to the synthetic images in float64 with autograd. Here the same weights
 * go into ddlab's network and the objectives run through ddlab's own code: {@link GradientMatching#classDistance}
 * followed by {@link Gradients#of} (DC), {@link DistributionMatching#classLoss} and a backward pass (DM).
 */
class LossesAgainstTorchTest {

    /**
     * Relative to the largest magnitude of each array. PyTorch's own float32 computation of these objectives is
     * off from the float64 answer by up to 1e-6 of that scale (bench/loss_fixtures.py prints it), and so is ddlab,
     * which runs in float32 through other kernels (instance norm as batch norm, pooling as a convolution, filters
     * padded to 16) and, for DC, differentiates twice, where rounding is amplified. 1e-5 leaves ten times that;
     * an error in the algorithm (a layer or bias counted that should not be, a missing mean, a cosine over the
     * wrong axis) moves the results by far more.
     */
    static final double TOLERANCE = 1e-5;

    private static NDManager manager;
    private static Map<String, NpyArray> fx;

    @BeforeAll
    static void load() throws Exception {
        manager = NDManager.newBaseManager();
        fx = AgainstTorch.fixtures(LossesAgainstTorchTest.class, "loss_fixtures.npz");
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static Network network(String name, String spec, Shape input) {
        Network net = Architectures.create(spec, input, 4).initialize(manager, 0);
        TorchWeights.load(net, fx, name);
        return net;
    }

    /** DC's distance of the fixture's class and its gradient with respect to the synthetic images, through ddlab. */
    private static float[][] dc(GradientDistance distance) {
        try (NDManager m = manager.newSubManager();
                GradMode.Scope on = GradMode.on()) {
            Network net = network("dc", "convnet:width=8,depth=2", new Shape(1, 28, 28));
            List<NDArray> weights = net.parameters().stream()
                    .filter(Parameter::requiresGradient)
                    .map(Parameter::getArray)
                    .toList();
            NDArray real = fx.get("dc_real").toNDArray(m);
            NDArray syn = fx.get("dc_syn").toNDArray(m);
            syn.setRequiresGradient(true);
            int c = (int) fx.get("dc_class").longs()[0];
            NDArray d = GradientMatching.classDistance(net, weights, real, syn, c, distance::between);
            return new float[][] {{d.getFloat()}, Gradients.of(d, syn).toFloatArray()};
        }
    }

    private static void assertDc(GradientDistance distance, String name) {
        float[][] ours = dc(distance);
        assertClose(fx.get(name).floats(), ours[0], TOLERANCE, name);
        assertClose(fx.get(name + "_grad"), fx.get("dc_syn").shape(), ours[1], TOLERANCE, name + " gradient");
    }

    /** DC's own distance ('ours'): per output channel 1 − cosine, summed over layers; biases and norm parameters add 0. */
    @Test
    void dcLayerwiseCosineAndItsSecondOrderGradientAreTorchs() {
        assertDc(GradientDistance.LAYERWISE_COSINE, "dc_ours");
    }

    @Test
    void dcMseAndCosineOverAllGradientsAreTorchs() {
        assertDc(GradientDistance.MSE, "dc_mse");
        assertDc(GradientDistance.COSINE, "dc_cos");
    }

    private static float[][] dm() {
        try (NDManager m = manager.newSubManager()) {
            Network net = network("dm", "convnet:width=8,depth=3", new Shape(3, 32, 32));
            NDArray real = fx.get("dm_real").toNDArray(m);
            NDArray syn = fx.get("dm_syn").toNDArray(m);
            syn.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = DistributionMatching.classLoss(net, real, syn);
                gc.backward(loss);
                return new float[][] {{loss.getFloat()}, syn.getGradient().toFloatArray()};
            }
        }
    }

    @Test
    void dmLossAndItsGradientAreTorchs() {
        float[][] ours = dm();
        assertClose(fx.get("dm_loss").floats(), ours[0], TOLERANCE, "DM loss");
        assertClose(fx.get("dm_loss_grad"), fx.get("dm_syn").shape(), ours[1], TOLERANCE, "DM gradient");
    }

    /** The comparison rejects an error of three times the tolerance in one ordinary element of a gradient. */
    @Test
    void theComparisonSeesAToleranceSizedError() {
        float[] ours = dc(GradientDistance.LAYERWISE_COSINE)[1];
        float[] torch = fx.get("dc_ours_grad").floats();
        float[] wrong = AgainstTorch.perturbed(torch, AgainstTorch.medianElement(torch), TOLERANCE);
        assertThrows(AssertionError.class, () -> assertClose(wrong, ours, TOLERANCE, "DC gradient, one element off"));
        float[] dmOurs = dm()[1];
        float[] dmTorch = fx.get("dm_loss_grad").floats();
        float[] dmWrong = AgainstTorch.perturbed(dmTorch, AgainstTorch.medianElement(dmTorch), TOLERANCE);
        assertThrows(
                AssertionError.class, () -> assertClose(dmWrong, dmOurs, TOLERANCE, "DM gradient, one element off"));
    }
}
