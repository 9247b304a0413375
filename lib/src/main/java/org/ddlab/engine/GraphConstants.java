package org.ddlab.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Constants for an autograd graph, in memory the engine owns.
 *
 * <p>DJL makes a tensor from Java data by wrapping a direct buffer without copying it (PyTorch's
 * {@code from_blob}) — and that includes the scalar of {@code x.mul(0.5f)}, which DJL creates and
 * closes around the one operation. An operation that saves its operand for the backward pass (a
 * product, a quotient, a minimum, a power) then holds a tensor whose memory is the Java buffer's, and a
 * garbage collection before {@code backward} frees it: wrong gradients, or "index … is out of bounds"
 * from a gather. So a constant on a gradient path is made here: natively ({@code full}) for a scalar,
 * or copied into engine memory for an array. Additions and subtractions save nothing and may take a
 * plain Java scalar.
 */
public final class GraphConstants {

    private GraphConstants() {}

    /** A 0-dimensional {@code value} of {@code like}'s type on its device, created by the engine. */
    public static NDArray scalar(NDArray like, double value) {
        return like.getManager().full(new Shape(), (float) value, like.getDataType());
    }

    /** {@code values} in {@code shape}, copied into memory the engine owns. */
    public static NDArray of(NDManager manager, float[] values, Shape shape) {
        try (NDArray wrapped = manager.create(values, shape)) {
            return wrapped.duplicate();
        }
    }
}
