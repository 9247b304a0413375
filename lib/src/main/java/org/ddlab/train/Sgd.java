package org.ddlab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import org.ddlab.engine.GradMode;

import java.util.ArrayList;
import java.util.List;

/**
 * Stochastic gradient descent with momentum and weight decay, with PyTorch's update rule
 * ({@code v = μ·v + (g + λ·p); p -= lr·v}) so schedules from the papers' code carry over unchanged.
 * Written out rather than DJL's Trainer/Optimizer because the distillation loops drive parameters
 * and gradients directly (model pools, inner loops) and need the velocity as plain state.
 */
public final class Sgd {

    private final List<Parameter> parameters;
    private final List<NDArray> velocity = new ArrayList<>();
    private final float momentum;
    private final float weightDecay;
    private float learningRate;

    /** Only parameters that require gradients are updated (batch-norm running statistics are not). */
    public Sgd(List<Parameter> parameters, double learningRate, double momentum, double weightDecay) {
        this.parameters = parameters.stream().filter(Parameter::requiresGradient).toList();
        this.learningRate = (float) learningRate;
        this.momentum = (float) momentum;
        this.weightDecay = (float) weightDecay;
        for (Parameter p : this.parameters) {
            velocity.add(p.getArray().zerosLike());
        }
    }

    public void setLearningRate(double learningRate) {
        this.learningRate = (float) learningRate;
    }

    public double learningRate() {
        return learningRate;
    }

    /** One update from the gradients the last backward pass left on the parameters. */
    public void step() {
        try (GradMode.Scope off = GradMode.off()) {
            update();
        }
    }

    private void update() {
        for (int i = 0; i < parameters.size(); i++) {
            NDArray p = parameters.get(i).getArray();
            if (!p.hasGradient()) {
                continue;
            }
            NDArray v = velocity.get(i);
            try (NDArray g = p.getGradient()) {
                v.muli(momentum).addi(g);
                if (weightDecay != 0f) {
                    try (NDArray decay = p.mul(weightDecay)) {
                        v.addi(decay);
                    }
                }
            }
            try (NDArray delta = v.mul(learningRate)) {
                p.subi(delta);
            }
        }
    }

    /** Forgets the momentum, as when a network is re-initialised. */
    public void reset() {
        for (NDArray v : velocity) {
            v.muli(0f);
        }
    }
}
