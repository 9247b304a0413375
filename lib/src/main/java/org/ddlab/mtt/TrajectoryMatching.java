package org.ddlab.mtt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ddlab.engine.GraphConstants;
import org.ddlab.matching.Gradients;
import org.ddlab.nn.Network;
import org.ddlab.train.Loss;

/**
 * MTT's loss for one stretch of an expert's trajectory (Cazenavette et al., CVPR 2022, eq. 2 and
 * {@code distill.py}): a student starts from the expert's parameters θ*ₜ, takes N steps of plain gradient
 * descent on minibatches of the synthetic images, θ ← θ − α·∇CE(θ), with α the learned rate, and is
 * compared with where the expert was M epochs later:
 * <pre>
 *   L = ‖θ_N − θ*ₜ₊M‖² / ‖θ*ₜ − θ*ₜ₊M‖²
 * </pre>
 * (sums over every trainable parameter; the reference divides both by the parameter count, which cancels).
 * The student's parameters are one flat vector, as the reference's {@code ReparamModule} keeps them; each
 * forward pass runs the network with slices of the current vector in place of its own weights
 * ({@link Network#substitute}), and each step's gradient is taken with {@code create_graph}
 * ({@link Gradients#differentiable}), so the loss stays differentiable in the images and in α through all
 * N steps.
 */
final class TrajectoryMatching {

    /** Augments the minibatch of student step {@code step} (0, 1, …); gradients must reach {@code x}. */
    @FunctionalInterface
    interface Augment {
        Augment NONE = (x, step) -> x;

        NDArray apply(NDArray x, int step);
    }

    private final Network net;
    private final List<Parameter> trained = new ArrayList<>();
    private final List<Shape> shapes = new ArrayList<>();
    private final long[] offsets;
    private final long size;

    /** The student: {@code net}'s architecture; its own parameter values are never used. */
    TrajectoryMatching(Network net) {
        this.net = net;
        for (Parameter p : net.parameters()) {
            if (p.requiresGradient()) {
                trained.add(p);
                shapes.add(p.getArray().getShape());
            }
        }
        offsets = new long[trained.size() + 1];
        for (int i = 0; i < trained.size(); i++) {
            offsets[i + 1] = offsets[i] + shapes.get(i).size();
        }
        size = offsets[trained.size()];
    }

    /** Length of the flat parameter vector. */
    long parameterCount() {
        return size;
    }

    /**
     * The loss above, with its graph, in {@code images}' manager (close it with the caller's scope).
     *
     * @param images  the synthetic images [n, C, H, W], a leaf recording gradients
     * @param labels  their classes
     * @param rate    the student's learning rate α, a one-element leaf recording gradients
     * @param start   θ*ₜ, flat ({@link #parameterCount()} values)
     * @param target  θ*ₜ₊M, flat
     * @param batches the indices into {@code images} of each student step's minibatch, in order
     * @param augment what each step does to its minibatch before the forward pass
     */
    NDArray loss(
            NDArray images,
            int[] labels,
            NDArray rate,
            float[] start,
            float[] target,
            List<int[]> batches,
            Augment augment) {
        if (start.length != size || target.length != size) {
            throw new IllegalArgumentException("the student has " + size + " parameters, the trajectory's points "
                    + start.length + " and " + target.length);
        }
        NDManager m = images.getManager();
        // Engine-owned copies: the first step's products save the start for the backward pass (see GraphConstants).
        NDArray theta = GraphConstants.of(m, start, new Shape(size));
        theta.setRequiresGradient(true);
        NDArray goal = GraphConstants.of(m, target, new Shape(size));
        for (int i = 0; i < batches.size(); i++) {
            int[] batch = batches.get(i);
            long[] idx = new long[batch.length];
            int[] y = new int[batch.length];
            for (int k = 0; k < batch.length; k++) {
                idx[k] = batch[k];
                y[k] = labels[batch[k]];
            }
            NDArray x = augment.apply(images.get(m.create(idx)), i);
            NDArray ce = Loss.CROSS_ENTROPY.compute(net.logits(store(theta), x, true), m.create(y));
            NDArray g = Gradients.differentiable(ce, List.of(theta)).get(0);
            theta = theta.sub(g.mul(rate));
        }
        NDArray distance = theta.sub(goal).square().sum();
        double reference = 0;
        for (int j = 0; j < start.length; j++) {
            double d = (double) start[j] - target[j];
            reference += d * d;
        }
        return distance.div(GraphConstants.scalar(distance, reference));
    }

    /** A parameter store that hands the network slices of the flat vector {@code theta} as its weights. */
    private ParameterStore store(NDArray theta) {
        Map<Parameter, NDArray> values = new HashMap<>();
        for (int i = 0; i < trained.size(); i++) {
            values.put(
                    trained.get(i),
                    theta.get(new NDIndex(offsets[i] + ":" + offsets[i + 1])).reshape(shapes.get(i)));
        }
        return net.substitute(values);
    }
}
