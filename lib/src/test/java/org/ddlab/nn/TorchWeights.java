package org.ddlab.nn;

import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.ddlab.distill.NpyArray;

/**
 * Parameter values written by a PyTorch fixture script, set into a ddlab {@link Network}. The script stores
 * parameter i of network {@code name} as {@code name.i.kind}, in ddlab's parameter order, with {@code kind} the
 * last part of ddlab's parameter name (weight, bias, gamma, beta): a fixture written for another layer order, or
 * with a norm's gamma and beta swapped (same shapes), is refused instead of loaded into the wrong places.
 */
public final class TorchWeights {

    private TorchWeights() {}

    /** Writes the fixture's parameters {@code name.*} into {@code net}, in place, through {@link Network#restore}. */
    public static void load(Network net, Map<String, NpyArray> fixtures, String name) {
        ParameterSnapshot own = net.snapshot();
        List<float[]> values = new ArrayList<>();
        for (int i = 0; i < own.names().size(); i++) {
            String ddlabName = own.names().get(i);
            String kind = ddlabName.substring(ddlabName.lastIndexOf('_') + 1);
            String key = name + "." + i + "." + kind;
            NpyArray value = fixtures.get(key);
            if (value == null) {
                throw new IllegalArgumentException(
                        "fixture has no " + key + " for parameter " + ddlabName + "; it holds "
                                + fixtures.keySet().stream()
                                        .filter(k -> k.startsWith(name + "."))
                                        .toList());
            }
            if (!new Shape(value.shape()).equals(own.shapes().get(i))) {
                throw new IllegalArgumentException(key + " has shape " + Arrays.toString(value.shape()) + ", parameter "
                        + ddlabName + " " + own.shapes().get(i));
            }
            values.add(value.floats());
        }
        long stored =
                fixtures.keySet().stream().filter(k -> k.startsWith(name + ".")).count();
        if (stored != values.size()) {
            throw new IllegalArgumentException(
                    "fixture holds " + stored + " parameters of " + name + ", " + net.spec() + " has " + values.size());
        }
        net.restore(new ParameterSnapshot(own.spec(), own.names(), own.shapes(), values));
    }
}
