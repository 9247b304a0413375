package org.ddlab.mtt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ddlab.distill.NpyArray;
import org.ddlab.distill.Npz;
import org.ddlab.engine.GradMode;
import org.ddlab.matching.Gradients;
import org.ddlab.nn.Architectures;
import org.ddlab.nn.Network;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One MTT outer step against PyTorch: {@code mtt_fixtures.npz} is written by {@code bench/mtt_fixtures.py}
 * (distill.py's unrolled student on ddlab's mlp:width=8, in float64), and ddlab's loss and its gradients with
 * respect to the images and the learned rate must match it.
 */
class TrajectoryMatchingTest {

    private static Map<String, NpyArray> fx;

    @BeforeAll
    static void load() throws Exception {
        fx = Npz.read(Path.of(
                TrajectoryMatchingTest.class.getResource("mtt_fixtures.npz").toURI()));
    }

    @Test
    void allImagesEveryStepMatchesPyTorch() {
        check("a");
    }

    @Test
    void minibatchesInChunksMatchPyTorch() {
        check("b");
    }

    private static void check(String c) {
        try (NDManager m = NDManager.newBaseManager();
                GradMode.Scope on = GradMode.on()) {
            Network net =
                    Architectures.create("mlp:width=8", new Shape(1, 8, 8), 4).initialize(m, 0);
            List<Long> sizes = net.parameters().stream()
                    .filter(Parameter::requiresGradient)
                    .map(p -> p.getArray().size())
                    .toList();
            assertEquals(
                    List.of(512L, 8L, 64L, 8L, 32L, 4L),
                    sizes,
                    "the fixture's flat order: weight [out, in], bias, layer by layer");
            TrajectoryMatching matching = new TrajectoryMatching(net);
            NpyArray imgs = fx.get("images_" + c);
            NDArray images = m.create(imgs.floats(), new Shape(imgs.shape()));
            images.setRequiresGradient(true);
            NDArray rate = m.create(fx.get("lr_" + c).floats(), new Shape(1));
            rate.setRequiresGradient(true);
            NpyArray b = fx.get("batches_" + c);
            int[] flat = b.ints();
            int width = (int) b.shape()[1];
            List<int[]> batches = new ArrayList<>();
            for (int s = 0; s < b.shape()[0]; s++) {
                batches.add(java.util.Arrays.copyOfRange(flat, s * width, (s + 1) * width));
            }
            NDArray loss = matching.loss(
                    images,
                    fx.get("labels_" + c).ints(),
                    rate,
                    fx.get("start_" + c).floats(),
                    fx.get("target_" + c).floats(),
                    batches,
                    TrajectoryMatching.Augment.NONE);
            List<NDArray> g = Gradients.of(loss, List.of(images, rate));
            float expected = fx.get("loss_" + c).floats()[0];
            assertEquals(expected, loss.getFloat(), 2e-5 * expected, "the loss");
            float[] gi = g.get(0).toFloatArray();
            float[] want = fx.get("grad_images_" + c).floats();
            double scale = 0;
            for (float w : want) {
                scale = Math.max(scale, Math.abs(w));
            }
            assertTrue(scale > 1e-3, "the fixture's image gradient is not negligible");
            assertArrayEquals(want, gi, (float) (1e-4 * scale), "d loss / d images");
            float gl = g.get(1).getFloat(0);
            float wantLr = fx.get("grad_lr_" + c).floats()[0];
            assertEquals(wantLr, gl, 1e-4 * Math.abs(wantLr), "d loss / d syn_lr");
        }
    }
}
