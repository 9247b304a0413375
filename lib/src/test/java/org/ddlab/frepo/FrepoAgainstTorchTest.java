package org.ddlab.frepo;

import static org.ddlab.engine.AgainstTorch.assertClose;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Map;
import org.ddlab.distill.NpyArray;
import org.ddlab.engine.AgainstTorch;
import org.ddlab.nn.Architectures;
import org.ddlab.nn.Network;
import org.ddlab.nn.TorchWeights;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * FRePo against PyTorch: {@code frepo_fixtures.npz} is written by {@code bench/loss_fixtures.py} — kernel ridge
 * regression with the linear kernel and the ridge scaled by tr(K)/n ({@code bench/common.py}), and ddlab's outer
 * loss (½‖prediction − centred one-hot‖² per image, averaged, plus the learned labels' margin) through a ConvNet with
 * fixed weights, with its gradients with respect to the synthetic images and the learned labels, in float64. Here
 * the same inputs run through {@link KernelRegression#predict} and {@link FrepoDistiller#outerLoss}.
 */
class FrepoAgainstTorchTest {

    /**
     * Kernel regression alone: ddlab solves in float64 like the reference, from the same float32 features, so the
     * two agree to the float32 rounding of the stored answer (6e-8); 1e-6 of the largest prediction leaves room for
     * a different order of operations in the solve.
     */
    static final double REGRESSION_TOLERANCE = 1e-6;

    /**
     * The outer loss and its gradients, relative to each array's largest magnitude: the features are float32 (the
     * network), the regression float64. PyTorch's own float32 network is off by up to 1.2e-6 of that scale
     * (bench/loss_fixtures.py prints it); a ridge without the tr(K)/n scale, a sum where the mean belongs or a
     * margin on the wrong pair of classes is off by far more than 1e-5.
     */
    static final double TOLERANCE = 1e-5;

    private static NDManager manager;
    private static Map<String, NpyArray> fx;

    @BeforeAll
    static void load() throws Exception {
        manager = NDManager.newBaseManager();
        fx = AgainstTorch.fixtures(FrepoAgainstTorchTest.class, "frepo_fixtures.npz");
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static float[] floats(NDArray a) {
        return a.toType(DataType.FLOAT32, false).toFloatArray();
    }

    @Test
    void kernelRegressionPredictsAsTorch() {
        for (String c : new String[] {"krr_a_", "krr_b_"}) {
            try (NDManager m = manager.newSubManager()) {
                KernelRegression regression =
                        new KernelRegression(fx.get(c + "ridge").floats()[0]);
                NDArray prediction = regression.predict(
                        fx.get(c + "support").toNDArray(m),
                        fx.get(c + "query").toNDArray(m),
                        fx.get(c + "targets").toNDArray(m));
                assertClose(
                        fx.get(c + "prediction"),
                        prediction.getShape().getShape(),
                        floats(prediction),
                        REGRESSION_TOLERANCE,
                        c + "prediction");
            }
        }
    }

    /** ddlab's outer loss on the fixture: its parts, and the gradients with respect to images and labels. */
    private static Map<String, float[]> outer() {
        try (NDManager m = manager.newSubManager()) {
            Network net = Architectures.create("convnet:width=8,depth=3", new Shape(1, 28, 28), 4)
                    .initialize(m, 0);
            TorchWeights.load(net, fx, "frepo");
            NDArray images = fx.get("frepo_syn").toNDArray(m);
            NDArray labels = fx.get("frepo_labels").toNDArray(m);
            images.setRequiresGradient(true);
            labels.setRequiresGradient(true);
            NDArray realTargets =
                    FrepoDistiller.targets(fx.get("frepo_real_labels").toNDArray(m), 4);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                FrepoDistiller.OuterLoss loss = FrepoDistiller.outerLoss(
                        net,
                        new KernelRegression(KernelRegression.DEFAULT_RIDGE),
                        images,
                        labels,
                        fx.get("frepo_real").toNDArray(m),
                        realTargets,
                        true);
                gc.backward(loss.total());
                return Map.of(
                        "frepo_prediction",
                        floats(loss.prediction()),
                        "frepo_kernel_loss",
                        floats(loss.kernel()),
                        "frepo_margin_loss",
                        floats(loss.margin()),
                        "frepo_loss",
                        floats(loss.total()),
                        "frepo_grad_syn",
                        images.getGradient().toFloatArray(),
                        "frepo_grad_labels",
                        labels.getGradient().toFloatArray());
            }
        }
    }

    @Test
    void outerLossAndItsGradientsForImagesAndLabelsAreTorchs() {
        Map<String, float[]> ours = outer();
        for (String name : new String[] {
            "frepo_prediction",
            "frepo_kernel_loss",
            "frepo_margin_loss",
            "frepo_loss",
            "frepo_grad_syn",
            "frepo_grad_labels"
        }) {
            assertClose(fx.get(name).floats(), ours.get(name), TOLERANCE, name);
        }
    }

    /** The comparisons reject an error of three times their tolerance in one ordinary element. */
    @Test
    void theComparisonSeesAToleranceSizedError() {
        Map<String, float[]> ours = outer();
        for (String name : new String[] {"frepo_grad_syn", "frepo_grad_labels"}) {
            float[] torch = fx.get(name).floats();
            float[] wrong = AgainstTorch.perturbed(torch, AgainstTorch.medianElement(torch), TOLERANCE);
            assertThrows(
                    AssertionError.class,
                    () -> assertClose(wrong, ours.get(name), TOLERANCE, name + ", one element off"));
        }
        try (NDManager m = manager.newSubManager()) {
            NDArray prediction = new KernelRegression(fx.get("krr_a_ridge").floats()[0])
                    .predict(
                            fx.get("krr_a_support").toNDArray(m),
                            fx.get("krr_a_query").toNDArray(m),
                            fx.get("krr_a_targets").toNDArray(m));
            float[] torch = fx.get("krr_a_prediction").floats();
            float[] wrong = AgainstTorch.perturbed(torch, AgainstTorch.medianElement(torch), REGRESSION_TOLERANCE);
            assertThrows(
                    AssertionError.class,
                    () -> assertClose(
                            wrong, floats(prediction), REGRESSION_TOLERANCE, "kernel regression, one element off"));
        }
    }
}
