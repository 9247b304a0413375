package org.ddlab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Fills parameters from a {@link SplittableRandom} instead of the engine's global RNG: the values
 * depend only on the seed and the architecture — not on other threads drawing from the engine, nor
 * on the engine. Each parameter gets its own split stream, in parameter order.
 *
 * <p>Weights (conv, linear) follow PyTorch's default {@code kaiming_uniform_(a=√5)}, i.e.
 * U(−1/√fan_in, 1/√fan_in) with fan_in = in_channels·kh·kw; biases start at zero; norm scale
 * (gamma) and running variance at one, shift (beta) and running mean at zero.
 */
final class SeededInit {

    private SeededInit() {}

    static void fill(List<Parameter> parameters, long seed) {
        SplittableRandom root = new SplittableRandom(seed);
        for (Parameter parameter : parameters) {
            SplittableRandom random = root.split();
            NDArray array = parameter.getArray();
            int size = Math.toIntExact(array.size());
            float[] values = new float[size];
            switch (parameter.getType()) {
                case WEIGHT -> {
                    double bound = 1.0 / Math.sqrt(fanIn(array.getShape()));
                    for (int i = 0; i < size; i++) {
                        values[i] = (float) random.nextDouble(-bound, bound);
                    }
                }
                case GAMMA, RUNNING_VAR -> java.util.Arrays.fill(values, 1f);
                case BIAS, BETA, RUNNING_MEAN -> {
                    // zeros
                }
                default ->
                    throw new IllegalStateException("No seeded initialisation for parameter " + parameter.getName()
                            + " of type " + parameter.getType());
            }
            // set() writes in place (no autograd record), so the array keeps its identity and gradient flag.
            array.set(values);
        }
    }

    private static long fanIn(Shape shape) {
        return shape.dimension() < 2 ? shape.get(0) : shape.size() / shape.get(0);
    }
}
