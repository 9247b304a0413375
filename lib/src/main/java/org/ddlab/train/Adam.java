package org.ddlab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ddlab.engine.GradMode;
import org.ddlab.engine.GradientBuffers;

/**
 * Adam (Kingma &amp; Ba) with bias correction, PyTorch's defaults (β₁ 0.9, β₂ 0.999, ε 1e-8), over
 * any list of arrays that carry gradients: a network's weights in FRePo's model pool, or the
 * synthetic images and labels themselves. The learning rate is passed to each {@link #step} so a
 * schedule stays outside. Moments and the step count are plain state, saved with {@link #state}
 * and put back with {@link #load}, so a resumed run continues exactly.
 */
public final class Adam {

    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPS = 1e-8f;

    private final List<NDArray> parameters;
    private final List<NDArray> m = new ArrayList<>();
    private final List<NDArray> v = new ArrayList<>();
    private long t;

    /** Moments live beside each parameter (same manager, device and shape). */
    public Adam(List<NDArray> parameters) {
        this.parameters = List.copyOf(parameters);
        for (NDArray p : this.parameters) {
            m.add(p.zerosLike());
            v.add(p.zerosLike());
        }
    }

    /** Updates every parameter that has a gradient, with learning rate {@code lr}. */
    public void step(double lr) {
        t++;
        double c1 = 1 - Math.pow(BETA1, t);
        double c2 = 1 - Math.pow(BETA2, t);
        // p -= lr/c1 · m / (sqrt(v/c2) + eps), written as PyTorch does it.
        float stepSize = (float) (lr / c1);
        float rootC2 = (float) Math.sqrt(c2);
        // NDScope frees the temporaries, which would otherwise belong to the parameters' long-lived manager.
        try (GradMode.Scope off = GradMode.off();
                NDScope scope = new NDScope()) {
            for (int i = 0; i < parameters.size(); i++) {
                NDArray p = parameters.get(i);
                if (!p.hasGradient()) {
                    continue;
                }
                NDArray g = p.getGradient();
                m.get(i).muli(BETA1).addi(g.mul(1 - BETA1));
                v.get(i).muli(BETA2).addi(g.square().muli(1 - BETA2));
                p.subi(m.get(i).div(v.get(i).sqrt().divi(rootC2).addi(EPS)).muli(stepSize));
            }
        }
    }

    /** Sets the gradients of the parameters to zero (PyTorch accumulates them across backward passes). */
    public void zeroGradients() {
        GradientBuffers.zero(parameters);
    }

    /** Steps taken so far. */
    public long steps() {
        return t;
    }

    /** Zero moments and step count, as for a freshly created optimiser. */
    public void reset() {
        t = 0;
        for (int i = 0; i < m.size(); i++) {
            GradientBuffers.clear(m.get(i));
            GradientBuffers.clear(v.get(i));
        }
    }

    /** The moments under {@code prefix + "m." + i} / {@code "v." + i}: views, copy before they change. */
    public Map<String, NDArray> state(String prefix) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (int i = 0; i < m.size(); i++) {
            out.put(prefix + "m." + i, m.get(i));
            out.put(prefix + "v." + i, v.get(i));
        }
        return out;
    }

    /** Puts back moments saved by {@link #state} and the step count. */
    public void load(String prefix, Map<String, float[]> arrays, long steps) {
        for (int i = 0; i < m.size(); i++) {
            m.get(i).set(require(arrays, prefix + "m." + i, m.get(i)));
            v.get(i).set(require(arrays, prefix + "v." + i, v.get(i)));
        }
        t = steps;
    }

    private static float[] require(Map<String, float[]> arrays, String name, NDArray like) {
        float[] a = arrays.get(name);
        if (a == null || a.length != like.size()) {
            throw new IllegalArgumentException("optimizer state '" + name + "' is "
                    + (a == null ? "missing" : "of size " + a.length + ", expected " + like.size())
                    + "; the checkpoint does not belong to this run's configuration");
        }
        return a;
    }
}
