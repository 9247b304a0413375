package org.ddlab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ddlab.engine.GradMode;
import org.ddlab.engine.GradientBuffers;

/**
 * Stochastic gradient descent with momentum and weight decay, with PyTorch's update rule
 * ({@code v = μ·v + (g + λ·p); p -= lr·v}) so schedules from the papers' code carry over unchanged.
 * Written out rather than DJL's Trainer/Optimizer because the distillation loops drive parameters
 * and gradients directly (model pools, inner loops, synthetic images) and need the velocity as plain
 * state.
 */
public final class Sgd {

    private final List<NDArray> parameters;
    private final List<NDArray> velocity = new ArrayList<>();
    private final float momentum;
    private final float weightDecay;
    private float learningRate;

    /** Only parameters that require gradients are updated (batch-norm running statistics are not). */
    public Sgd(List<Parameter> parameters, double learningRate, double momentum, double weightDecay) {
        this(
                parameters.stream()
                        .filter(Parameter::requiresGradient)
                        .map(Parameter::getArray)
                        .toList(),
                learningRate,
                momentum,
                weightDecay,
                true);
    }

    private Sgd(List<NDArray> arrays, double learningRate, double momentum, double weightDecay, boolean unused) {
        this.parameters = List.copyOf(arrays);
        this.learningRate = (float) learningRate;
        this.momentum = (float) momentum;
        this.weightDecay = (float) weightDecay;
        for (NDArray p : this.parameters) {
            velocity.add(p.zerosLike());
        }
    }

    /** SGD over plain arrays, e.g. synthetic images (the matching methods' optimiser). */
    public static Sgd ofArrays(List<NDArray> arrays, double learningRate, double momentum, double weightDecay) {
        return new Sgd(arrays, learningRate, momentum, weightDecay, true);
    }

    public void setLearningRate(double learningRate) {
        this.learningRate = (float) learningRate;
    }

    public double learningRate() {
        return learningRate;
    }

    /** One update from the gradients the last backward pass left on the parameters. */
    public void step() {
        try (GradMode.Scope off = GradMode.off();
                NDScope scope = new NDScope()) {
            for (int i = 0; i < parameters.size(); i++) {
                NDArray p = parameters.get(i);
                if (p.hasGradient()) {
                    update(i, p.getGradient());
                }
            }
        }
    }

    /** One update from explicitly given gradients, one per parameter, in order. */
    public void stepWith(List<NDArray> gradients) {
        if (gradients.size() != parameters.size()) {
            throw new IllegalArgumentException(
                    gradients.size() + " gradients for " + parameters.size() + " parameters");
        }
        try (GradMode.Scope off = GradMode.off();
                NDScope scope = new NDScope()) {
            for (int i = 0; i < parameters.size(); i++) {
                update(i, gradients.get(i));
            }
        }
    }

    private void update(int i, NDArray g) {
        NDArray p = parameters.get(i);
        NDArray v = velocity.get(i);
        v.muli(momentum).addi(g);
        if (weightDecay != 0f) {
            v.addi(p.mul(weightDecay));
        }
        p.subi(v.mul(learningRate));
    }

    /** Forgets the momentum, as when a network is re-initialised. */
    public void reset() {
        for (NDArray v : velocity) {
            GradientBuffers.clear(v);
        }
    }

    /** The velocities under {@code prefix + i} (views: copy before they change), for checkpoints. */
    public Map<String, NDArray> state(String prefix) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (int i = 0; i < velocity.size(); i++) {
            out.put(prefix + i, velocity.get(i));
        }
        return out;
    }

    /** Puts back velocities saved by {@link #state}. */
    public void load(String prefix, Map<String, float[]> arrays) {
        for (int i = 0; i < velocity.size(); i++) {
            float[] a = arrays.get(prefix + i);
            if (a == null || a.length != velocity.get(i).size()) {
                throw new IllegalArgumentException(
                        "optimizer state '" + prefix + i + "' is missing or has the wrong size; "
                                + "the checkpoint does not belong to this run's configuration");
            }
            velocity.get(i).set(a);
        }
    }
}
