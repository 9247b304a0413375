package org.ddlab.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.ddlab.distill.NpyArray;
import org.ddlab.distill.Npz;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every architecture against torch.nn: {@code network_fixtures.npz} is written by {@code bench/network_fixtures.py},
 * which re-implements each network as ddlab defines it (DC's reference where ddlab follows it; the script says where
 * ddlab differs) and records, for fixed weights and three fixed images per input shape (1×28×28 and 3×32×32), torch's
 * logits and features (the input of the last linear layer). The weights go into ddlab's networks through
 * {@link Network#restore(ParameterSnapshot)}, in ddlab's parameter order, so a layer in the wrong order, a wrong
 * padding, pooling or flattening order, a norm over the wrong axes or a mistaken shortcut changes the outputs far
 * beyond the tolerance.
 *
 * <p>Modes: instance and layer norm keep no running statistics, so training and evaluation are one function and both
 * are compared with the same arrays. Batch norm uses the batch's statistics in training and the running ones in
 * evaluation; both are compared, and so are the running statistics after one training pass (torch's momentum 0.1 and
 * unbiased variance).
 */
class NetworksAgainstTorchTest {

    /**
     * Relative to max(1, |torch's value|). Float32 rounding: sums of up to 3·10³ products per output in another order
     * (oneDNN's kernels against torch's; instance norm through batch norm's kernel against group norm's), amplified
     * where a norm divides by the spread of a few values — VGG-11's last norms see 2×2 maps. The largest difference
     * measured is 4.5e-6 on features of about 2.5 (VGG-11, instance norm, 1×28×28); most cases stay below 1e-6. An
     * instance-norm ε of 1e-4 instead of torch's 1e-5 already moves the logits by 8e-5 to 3e-2.
     */
    static final float TOLERANCE = 1e-5f;

    static final int CLASSES = 10;

    static Map<String, NpyArray> fx;

    @BeforeAll
    static void load() throws Exception {
        fx = Npz.read(Path.of(NetworksAgainstTorchTest.class
                .getResource("network_fixtures.npz")
                .toURI()));
    }

    static Stream<Arguments> cases() throws Exception {
        if (fx == null) {
            load();
        }
        String[] specs = fx.get("case_spec").strings();
        long[] shapes = fx.get("case_shape").longs();
        return IntStream.range(0, specs.length)
                .mapToObj(k ->
                        Arguments.of(k, specs[k], new Shape(shapes[3 * k], shapes[3 * k + 1], shapes[3 * k + 2])));
    }

    @ParameterizedTest(name = "{1} on {2}")
    @MethodSource("cases")
    void logitsAndFeaturesFollowTorch(int k, String spec, Shape input) {
        String key = String.format("%02d", k);
        try (NDManager m = NDManager.newBaseManager()) {
            Network net = Architectures.create(spec, input, CLASSES).initialize(m, 0);
            assertEquals(spec, net.spec(), "the fixture names ddlab's canonical spec");
            net.restore(fixedParameters(net, key));
            NpyArray images = fx.get("x." + input.get(0) + "x" + input.get(1) + "x" + input.get(2));
            NDArray x = images.toNDArray(m);
            String what = spec + " on " + input;

            boolean batchNorm = fx.containsKey(key + ".logits_eval");
            String eval = batchNorm ? "_eval" : "";
            // Evaluation first: a training pass of batch norm moves the running statistics evaluation reads.
            assertClose(
                    fx.get(key + ".logits" + eval).floats(),
                    net.logits(x, false).toFloatArray(),
                    TOLERANCE,
                    what + ", evaluation logits");
            assertClose(
                    fx.get(key + ".features" + eval).floats(),
                    net.features(x, false).toFloatArray(),
                    TOLERANCE,
                    what + ", evaluation features");

            assertClose(
                    fx.get(key + ".logits").floats(),
                    net.logits(x, true).toFloatArray(),
                    TOLERANCE,
                    what + ", training logits");
            if (batchNorm) {
                assertClose(
                        fx.get(key + ".running_after").floats(),
                        runningStatistics(net),
                        TOLERANCE,
                        what + ", running statistics after one training pass");
            }
            assertClose(
                    fx.get(key + ".features").floats(),
                    net.features(x, true).toFloatArray(),
                    TOLERANCE,
                    what + ", training features");
        }
    }

    /** The comparison can fail: one logit off by three times its allowed error is rejected, by name and element. */
    @Test
    void aToleranceSizedErrorIsSeen() {
        String spec = fx.get("case_spec").strings()[0];
        try (NDManager m = NDManager.newBaseManager()) {
            Network net =
                    Architectures.create(spec, new Shape(1, 28, 28), CLASSES).initialize(m, 0);
            net.restore(fixedParameters(net, "00"));
            float[] ours = net.logits(fx.get("x.1x28x28").toNDArray(m), false).toFloatArray();
            float[] torch = fx.get("00.logits").floats().clone();
            assertClose(torch, ours, TOLERANCE, "unchanged");
            int i = 7;
            torch[i] += 3 * TOLERANCE * Math.max(1f, Math.abs(torch[i]));
            AssertionError e =
                    assertThrows(AssertionError.class, () -> assertClose(torch, ours, TOLERANCE, "perturbed"));
            assertTrue(e.getMessage().contains("perturbed, element 7"), e.getMessage());
        }
    }

    /**
     * Case {@code key}'s weights in {@code net}'s parameter order: value = centre + step · code, per parameter (see
     * the script); every parameter must have the size torch's has.
     */
    static ParameterSnapshot fixedParameters(Network net, String key) {
        int[] codes = fx.get(key + ".codes").ints();
        long[] sizes = fx.get(key + ".sizes").longs();
        float[] centres = fx.get(key + ".centres").floats();
        float[] steps = fx.get(key + ".steps").floats();
        List<Parameter> params = net.parameters();
        assertEquals(sizes.length, params.size(), net.spec() + ": parameter count");
        ParameterSnapshot own = net.snapshot();
        List<Shape> shapes = new ArrayList<>();
        List<float[]> values = new ArrayList<>();
        int at = 0;
        for (int j = 0; j < params.size(); j++) {
            Shape shape = params.get(j).getArray().getShape();
            assertEquals(
                    sizes[j],
                    shape.size(),
                    net.spec() + ": size of " + own.names().get(j));
            float[] v = new float[(int) sizes[j]];
            for (int i = 0; i < v.length; i++) {
                v[i] = centres[j] + steps[j] * codes[at + i]; // exact: steps are powers of two
            }
            at += v.length;
            shapes.add(shape);
            values.add(v);
        }
        assertEquals(codes.length, at, net.spec() + ": every code used");
        return new ParameterSnapshot(net.spec(), own.names(), shapes, values);
    }

    /** Running means and variances, concatenated in parameter order (as the script writes them). */
    private static float[] runningStatistics(Network net) {
        List<float[]> parts = new ArrayList<>();
        for (Parameter p : net.parameters()) {
            if (p.getType() == Parameter.Type.RUNNING_MEAN || p.getType() == Parameter.Type.RUNNING_VAR) {
                parts.add(p.getArray().toFloatArray());
            }
        }
        float[] all = new float[parts.stream().mapToInt(a -> a.length).sum()];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    /** |torch − ours| ≤ tolerance · max(1, |torch|) for every element; the message names the first that is not. */
    static void assertClose(float[] expected, float[] actual, float tolerance, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            float allowed = tolerance * Math.max(1f, Math.abs(expected[i]));
            if (!(Math.abs(expected[i] - actual[i]) <= allowed)) {
                throw new AssertionError(
                        what + ", element " + i + ": torch " + expected[i] + ", ours " + actual[i] + " (allowed ±"
                                + allowed + "; largest difference " + largestDifference(expected, actual) + ")");
            }
        }
    }

    static float largestDifference(float[] expected, float[] actual) {
        float d = 0;
        for (int i = 0; i < expected.length; i++) {
            d = Math.max(d, Math.abs(expected[i] - actual[i]));
        }
        return d;
    }
}
