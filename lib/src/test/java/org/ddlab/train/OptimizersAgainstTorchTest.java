package org.ddlab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.ddlab.distill.NpyArray;
import org.ddlab.distill.Npz;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Adam and SGD against torch.optim: {@code optimizer_fixtures.npz} is written by {@code bench/optimizer_fixtures.py}
 * (five steps on fixed parameters and gradients whose magnitudes span 1e-4 to 10). Every step's parameters must agree
 * to float32 rounding; an error in a moment, the bias correction, ε's place or the weight decay's is far larger.
 */
class OptimizersAgainstTorchTest {

    /** Relative to max(1, |torch's value|): float32 rounding of five steps, with room for the order of operations. */
    static final float TOLERANCE = 2e-6f;

    static Map<String, NpyArray> fx;

    @BeforeAll
    static void load() throws Exception {
        fx = Npz.read(Path.of(OptimizersAgainstTorchTest.class
                .getResource("optimizer_fixtures.npz")
                .toURI()));
    }

    private static float[] step(String name, int t) {
        float[] all = fx.get(name).floats();
        return Arrays.copyOfRange(all, t * 12, (t + 1) * 12);
    }

    static void assertClose(float[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            float allowed = TOLERANCE * Math.max(1f, Math.abs(expected[i]));
            assertTrue(
                    Math.abs(expected[i] - actual[i]) <= allowed,
                    what + ", element " + i + ": torch " + expected[i] + ", ours " + actual[i]);
        }
    }

    @Test
    void adamFollowsTorchStepByStep() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray p = m.create(fx.get("p0").floats(), new Shape(3, 4));
            p.setRequiresGradient(true);
            Adam adam = new Adam(List.of(p));
            for (int t = 0; t < 5; t++) {
                // The gradient arrives as in training, by a backward pass: d/dp sum(p * g) = g.
                adam.zeroGradients();
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(
                            p.mul(m.create(step("grads", t), new Shape(3, 4))).sum());
                }
                adam.step(0.01);
                assertClose(step("adam", t), p.toFloatArray(), "Adam step " + (t + 1));
            }
        }
    }

    @Test
    void sgdWithMomentumAndDecayFollowsTorch() {
        for (String name : List.of("sgd", "sgd_plain")) {
            boolean plain = name.equals("sgd_plain");
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray p = m.create(fx.get("p0").floats(), new Shape(3, 4));
                Sgd sgd = Sgd.ofArrays(List.of(p), 0.1, plain ? 0 : 0.9, plain ? 0 : 5e-4);
                for (int t = 0; t < 5; t++) {
                    sgd.stepWith(List.of(m.create(step("grads", t), new Shape(3, 4))));
                    assertClose(step(name, t), p.toFloatArray(), name + " step " + (t + 1));
                }
            }
        }
    }

    /**
     * A checkpoint's optimiser: stopped after two steps, its moments and step count saved and loaded into a fresh
     * optimiser over a copy of the parameters, the next three steps still follow torch. A reset Adam starts over.
     */
    @Test
    void aSavedAndLoadedOptimiserContinuesExactly() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray p = m.create(fx.get("p0").floats(), new Shape(3, 4));
            p.setRequiresGradient(true);
            Adam adam = new Adam(List.of(p));
            Sgd sgd = Sgd.ofArrays(List.of(m.create(fx.get("p0").floats(), new Shape(3, 4))), 0.1, 0.9, 5e-4);
            NDArray q = m.create(fx.get("p0").floats(), new Shape(3, 4));
            Sgd sgdBefore = Sgd.ofArrays(List.of(q), 0.1, 0.9, 5e-4);
            for (int t = 0; t < 2; t++) {
                adamStep(m, adam, p, t);
                sgdBefore.stepWith(List.of(m.create(step("grads", t), new Shape(3, 4))));
            }
            assertEquals(2, adam.steps());
            NDArray p2 = m.create(p.toFloatArray(), new Shape(3, 4));
            p2.setRequiresGradient(true);
            Adam resumed = new Adam(List.of(p2));
            resumed.load("adam.", floats(adam.state("adam.")), adam.steps());
            NDArray q2 = m.create(q.toFloatArray(), new Shape(3, 4));
            Sgd sgdResumed = Sgd.ofArrays(List.of(q2), 0.1, 0.9, 5e-4);
            sgdResumed.load("sgd.", floats(sgdBefore.state("sgd.")));
            for (int t = 2; t < 5; t++) {
                adamStep(m, resumed, p2, t);
                assertClose(step("adam", t), p2.toFloatArray(), "resumed Adam step " + (t + 1));
                sgdResumed.stepWith(List.of(m.create(step("grads", t), new Shape(3, 4))));
                assertClose(step("sgd", t), q2.toFloatArray(), "resumed SGD step " + (t + 1));
            }
            assertThrows(IllegalArgumentException.class, () -> resumed.load("other.", floats(adam.state("adam.")), 2));
            assertThrows(IllegalArgumentException.class, () -> sgd.load("other.", floats(sgdBefore.state("sgd."))));
            resumed.reset();
            assertEquals(0, resumed.steps());
            p2.set(fx.get("p0").floats());
            adamStep(m, resumed, p2, 0);
            assertClose(step("adam", 0), p2.toFloatArray(), "Adam's first step after a reset");
        }
    }

    private static void adamStep(NDManager m, Adam adam, NDArray p, int t) {
        adam.zeroGradients();
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(p.mul(m.create(step("grads", t), new Shape(3, 4))).sum());
        }
        adam.step(0.01);
    }

    private static Map<String, float[]> floats(Map<String, NDArray> state) {
        Map<String, float[]> out = new java.util.HashMap<>();
        state.forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    /** A reset optimiser starts again from zero moments, even after a NaN gradient poisoned them. */
    @Test
    void resetForgetsPoisonedMoments() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray p = m.create(fx.get("p0").floats(), new Shape(3, 4));
            Sgd sgd = Sgd.ofArrays(List.of(p), 0.1, 0.9, 5e-4);
            float[] nan = new float[12];
            Arrays.fill(nan, Float.NaN);
            sgd.stepWith(List.of(m.create(nan, new Shape(3, 4))));
            sgd.reset();
            p.set(fx.get("p0").floats());
            sgd.stepWith(List.of(m.create(step("grads", 0), new Shape(3, 4))));
            assertClose(step("sgd", 0), p.toFloatArray(), "SGD's first step after a reset");
        }
    }

    /** The tolerance is tight enough to see an error: Adam without bias correction differs at the first step. */
    @Test
    void theToleranceSeesABiasCorrectionError() {
        float[] p0 = fx.get("p0").floats();
        float[] g = step("grads", 0);
        float[] uncorrected = new float[12];
        for (int i = 0; i < 12; i++) {
            float mt = 0.1f * g[i];
            float vt = 0.001f * g[i] * g[i];
            uncorrected[i] = p0[i] - 0.01f * mt / ((float) Math.sqrt(vt) + 1e-8f);
        }
        AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(
                AssertionError.class, () -> assertClose(step("adam", 0), uncorrected, "uncorrected Adam"));
        assertTrue(e.getMessage().contains("uncorrected Adam"), e.getMessage());
    }
}
