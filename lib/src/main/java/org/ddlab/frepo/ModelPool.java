package org.ddlab.frepo;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.SplittableRandom;
import org.ddlab.engine.GradMode;
import org.ddlab.engine.Seeds;
import org.ddlab.nn.Architectures;
import org.ddlab.nn.Network;
import org.ddlab.train.Adam;
import org.ddlab.train.Loss;

/**
 * FRePo's pool of online models. Distilling against one network overfits the images to it; against
 * fresh random networks, the features are poor. The pool keeps P networks at different stages of
 * training: each outer step uses one, then either trains it one step on the current synthetic set
 * or, once it has had {@code maxOnlineSteps}, re-initialises it. Member i starts with its counter at
 * i·⌊max/P⌋, so the pool covers young and old networks from the first step on.
 */
public final class ModelPool {

    private final Network[] nets;
    private final Adam[] optimizers;
    private final int[] steps;
    private final int[] generations;
    private final int maxOnlineSteps;
    private final double learningRate;
    private final long seed;
    private long resets;

    /**
     * @param architecture   network spec, e.g. {@code convnet}
     * @param learningRate   Adam's rate for the online steps (reference: 3e-4)
     */
    public ModelPool(
            NDManager manager,
            String architecture,
            Shape inputShape,
            int classes,
            int size,
            int maxOnlineSteps,
            double learningRate,
            long seed) {
        if (size < 1 || maxOnlineSteps < 0) {
            throw new IllegalArgumentException(
                    "pool size must be ≥ 1 and max online steps ≥ 0, got " + size + " and " + maxOnlineSteps);
        }
        this.nets = new Network[size];
        this.optimizers = new Adam[size];
        this.steps = new int[size];
        this.generations = new int[size];
        this.maxOnlineSteps = maxOnlineSteps;
        this.learningRate = learningRate;
        this.seed = seed;
        for (int i = 0; i < size; i++) {
            nets[i] = Architectures.create(architecture, inputShape, classes).initialize(manager, initSeed(i, 0));
            optimizers[i] = new Adam(nets[i].parameters().stream()
                    .filter(Parameter::requiresGradient)
                    .map(Parameter::getArray)
                    .toList());
            steps[i] = (maxOnlineSteps / size) * i;
        }
    }

    public int size() {
        return nets.length;
    }

    /** The member to use at outer step {@code step}, uniformly at random. */
    public int pick(long step) {
        SplittableRandom rng = Seeds.at(seed, step, 0x9001);
        return rng.nextInt(nets.length);
    }

    public Network network(int member) {
        return nets[member];
    }

    /** Online steps member has taken since its last (re-)initialisation. */
    public int steps(int member) {
        return steps[member];
    }

    /** Re-initialisations so far, over all members. */
    public long resets() {
        return resets;
    }

    /**
     * After member's meta-gradient: re-initialise it if it is past {@code maxOnlineSteps}, else one
     * Adam step on MSE between its outputs on {@code images} and {@code targets} (both detached).
     * Returns whether it was reset.
     */
    public boolean advance(int member, NDArray images, NDArray targets) {
        if (steps[member] > maxOnlineSteps) {
            generations[member]++;
            nets[member].reinitialize(initSeed(member, generations[member]));
            optimizers[member].reset();
            steps[member] = 0;
            resets++;
            return true;
        }
        try (GradMode.Scope off = GradMode.off();
                NDScope scope = new NDScope()) {
            NDArray x = images.stopGradient();
            NDArray y = targets.stopGradient();
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(Loss.MSE.compute(nets[member].logits(x, true), y));
            }
            optimizers[member].step(learningRate);
            nets[member].zeroGradients();
        }
        steps[member]++;
        return false;
    }

    /** Every member's weights and Adam moments, for a checkpoint (views: copy before the next step). */
    public java.util.Map<String, NDArray> state() {
        java.util.Map<String, NDArray> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < nets.length; i++) {
            List<Parameter> ps = nets[i].parameters();
            for (int j = 0; j < ps.size(); j++) {
                out.put("pool." + i + ".w." + j, ps.get(j).getArray());
            }
            out.putAll(optimizers[i].state("pool." + i + ".adam."));
        }
        return out;
    }

    /** Counters for a checkpoint's JSON. */
    public java.util.Map<String, Object> counters() {
        long[] adamSteps = new long[nets.length];
        for (int i = 0; i < nets.length; i++) {
            adamSteps[i] = optimizers[i].steps();
        }
        return java.util.Map.of(
                "steps", steps.clone(), "generations", generations.clone(), "adam_steps", adamSteps, "resets", resets);
    }

    /** Puts back what {@link #state} and {@link #counters} saved ({@code counters} as read back from JSON). */
    public void restore(java.util.Map<String, float[]> arrays, java.util.Map<String, Object> counters) {
        long[] savedSteps = longs(counters, "steps");
        long[] savedGenerations = longs(counters, "generations");
        long[] adamSteps = longs(counters, "adam_steps");
        for (int i = 0; i < nets.length; i++) {
            List<Parameter> ps = nets[i].parameters();
            for (int j = 0; j < ps.size(); j++) {
                float[] w = arrays.get("pool." + i + ".w." + j);
                if (w == null || w.length != ps.get(j).getArray().size()) {
                    throw new IllegalArgumentException(
                            "pool member " + i + " weight " + j + " is missing or has the wrong"
                                    + " size in the checkpoint; it was written by a different configuration");
                }
                ps.get(j).getArray().set(w);
            }
            optimizers[i].load("pool." + i + ".adam.", arrays, adamSteps[i]);
            steps[i] = Math.toIntExact(savedSteps[i]);
            generations[i] = Math.toIntExact(savedGenerations[i]);
        }
        resets = ((Number) counters.get("resets")).longValue();
    }

    private long[] longs(java.util.Map<String, Object> counters, String key) {
        Object o = counters.get(key);
        if (!(o instanceof List<?> list) || list.size() != nets.length) {
            throw new IllegalArgumentException("checkpoint pool counters '" + key
                    + "' are missing or not for a pool of " + nets.length + ": " + o);
        }
        return list.stream().mapToLong(v -> ((Number) v).longValue()).toArray();
    }

    private long initSeed(int member, int generation) {
        return Seeds.mix(seed, member, generation);
    }
}
