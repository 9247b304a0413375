package org.ddlab.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.ddlab.distill.NpyArray;
import org.ddlab.distill.Npz;

/**
 * Comparison of ddlab's float32 results with reference values a PyTorch fixture script computed in float64.
 *
 * <p>The allowance is relative to the largest magnitude of the expected array, not to each element: float32
 * rounding errors of a sum or a matrix product scale with the magnitude of what was summed, so an element that
 * comes out small after cancellation carries an error of the size of the large ones. An algorithm that is wrong
 * (a skipped layer, a missing factor, a wrong axis, an operand in the wrong place) moves the large elements too.
 */
public final class AgainstTorch {

    private AgainstTorch() {}

    /** The arrays of {@code file}, a resource beside {@code owner}. */
    public static Map<String, NpyArray> fixtures(Class<?> owner, String file) throws Exception {
        return Npz.read(Path.of(owner.getResource(file).toURI()));
    }

    /** The error allowed in every element of an array like {@code expected}: {@code tolerance} × max |expected|. */
    public static double allowed(float[] expected, double tolerance) {
        double max = 0;
        for (float e : expected) {
            max = Math.max(max, Math.abs(e));
        }
        return tolerance * max;
    }

    /** Fails unless shapes agree and every |actual − expected| ≤ {@link #allowed}; the message names the worst element. */
    public static void assertClose(
            NpyArray expected, long[] actualShape, float[] actual, double tolerance, String what) {
        assertArrayEquals(expected.shape(), actualShape, what + ": shape");
        assertClose(expected.floats(), actual, tolerance, what);
    }

    /** As above, on flat arrays. */
    public static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
        if (expected.length != actual.length) {
            throw new AssertionError(what + ": " + actual.length + " values, torch has " + expected.length);
        }
        double allowed = allowed(expected, tolerance);
        int worst = -1;
        double worstError = -1;
        for (int i = 0; i < expected.length; i++) {
            double error = Math.abs((double) actual[i] - expected[i]);
            if (!(error <= worstError)) {
                worst = i;
                worstError = error;
            }
        }
        if (!(worstError <= allowed)) {
            throw new AssertionError(String.format(
                    "%s, element %d of %d: torch %s, ours %s, error %.3g > allowed %.3g" + " (%.0e × max |torch|)",
                    what, worst, expected.length, expected[worst], actual[worst], worstError, allowed, tolerance));
        }
    }

    /** Index of the element whose magnitude is the median of {@code values}: an ordinary element, neither the largest nor ~0. */
    public static int medianElement(float[] values) {
        Integer[] order = new Integer[values.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Float.compare(Math.abs(values[a]), Math.abs(values[b])));
        return order[values.length / 2];
    }

    /** {@code expected} with its element {@code i} moved by three times the allowed error. */
    public static float[] perturbed(float[] expected, int i, double tolerance) {
        float[] wrong = expected.clone();
        wrong[i] += (float) (3 * allowed(expected, tolerance));
        return wrong;
    }
}
