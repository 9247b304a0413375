package org.ddlab.nn;

import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Every parameter value of a {@link Network} copied to the Java heap, in the network's parameter
 * order. It owns no native memory, so a model pool can keep many of them without NDManager scoping,
 * and restore any into a network of the same spec with {@link Network#restore(ParameterSnapshot)}.
 * Includes non-trainable state (batch-norm running mean and variance).
 *
 * @param spec   canonical spec of the network it came from
 * @param names  parameter names, in order
 * @param shapes parameter shapes, in order
 * @param values parameter values, flattened row-major, in order (the arrays are not copied again: do not mutate)
 */
public record ParameterSnapshot(String spec, List<String> names, List<Shape> shapes, List<float[]> values) {

    public ParameterSnapshot {
        names = List.copyOf(names);
        shapes = List.copyOf(shapes);
        values = List.copyOf(values);
        if (names.size() != shapes.size() || names.size() != values.size()) {
            throw new IllegalArgumentException("names, shapes and values differ in length");
        }
    }

    /** Total number of stored values. */
    public long size() {
        long n = 0;
        for (float[] v : values) {
            n += v.length;
        }
        return n;
    }
}
