package org.ddlab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.ddlab.engine.GradientBuffers;

/**
 * A classifier split in two DJL blocks: {@link #body()} maps images [N, C, H, W] to an embedding
 * [N, F] (the flattened input of the last linear layer) and {@link #head()} maps the embedding to
 * logits [N, classes]. {@link #block()} chains both. FRePo's kernel regression and DREAM's k-means
 * need the embedding alone, hence the split.
 *
 * <p>Forward passes are ordinary DJL forwards, so gradients flow to the weights and — when the
 * input has {@code setRequiresGradient(true)} — to the pixels, as dataset distillation needs.
 * Results belong to the input's manager: run steps in a sub-manager scope. Parameters live in the
 * manager given to {@link #initialize(NDManager, long)}; gradients accumulate across backward
 * passes, so call {@link #zeroGradients()} between steps.
 *
 * <p>Build networks with {@link Architectures#create(String, Shape, int)}.
 */
public final class Network {

    private final String spec;
    private final Shape inputShape;
    private final int numClasses;
    private final Block body;
    private final Block head;
    private final SequentialBlock block;
    private final int featureDim;
    private NDManager manager;
    private ParameterStore parameterStore;

    Network(String spec, Shape inputShape, int numClasses, Block body, Block head) {
        this.spec = spec;
        this.inputShape = inputShape;
        this.numClasses = numClasses;
        this.body = body;
        this.head = head;
        this.block = new SequentialBlock().add(body).add(head);
        Shape features = body.getOutputShapes(new Shape[] {batchShape(1)})[0];
        if (features.dimension() != 2) {
            throw new IllegalStateException(spec + ": body must end flattened, got " + features);
        }
        this.featureDim = Math.toIntExact(features.get(1));
    }

    /** Canonical spec with every option resolved; {@code Architectures.create(spec(), ...)} rebuilds it. */
    public String spec() {
        return spec;
    }

    /** Input shape (C, H, W) without the batch axis. */
    public Shape inputShape() {
        return inputShape;
    }

    public int numClasses() {
        return numClasses;
    }

    /** Length F of the embedding {@link #features} returns. */
    public int featureDim() {
        return featureDim;
    }

    /** Images → logits: the body followed by the head. */
    public Block block() {
        return block;
    }

    /** Images [N, C, H, W] → embedding [N, F]. */
    public Block body() {
        return body;
    }

    /** Embedding [N, F] → logits [N, classes] (a Linear layer). */
    public Block head() {
        return head;
    }

    public boolean isInitialized() {
        return manager != null;
    }

    /**
     * Creates the parameters in {@code manager} (first call) and fills them from {@code seed}: the
     * same seed gives identical parameters, on any thread. Later calls refill the existing arrays in
     * place (they stay in the first manager). Returns this network.
     */
    public Network initialize(NDManager manager, long seed) {
        if (this.manager == null) {
            // Allocate with a constant so creation draws nothing from the engine's global RNG (which
            // would shift the random stream of whoever seeded it); SeededInit then fills the values.
            block.setInitializer(new ConstantInitializer(0f), parameter -> true);
            block.initialize(manager, DataType.FLOAT32, batchShape(1));
            this.manager = manager;
            this.parameterStore = new ParameterStore(manager, false);
        }
        SeededInit.fill(parameters(), seed);
        return this;
    }

    /** Refills every parameter from {@code seed}, in place. */
    public void reinitialize(long seed) {
        requireInitialized();
        SeededInit.fill(parameters(), seed);
    }

    /** The manager that owns the parameters. */
    public NDManager manager() {
        requireInitialized();
        return manager;
    }

    /** A parameter store that hands out the parameters themselves (no copies), for {@code block().forward}. */
    public ParameterStore parameterStore() {
        requireInitialized();
        return parameterStore;
    }

    /**
     * A parameter store that hands out detached views of the weights (no copies): a forward pass
     * through it records gradients for the input only. A meta-gradient with respect to synthetic
     * images needs no weight gradients, and skipping them saves about a third of the backward pass.
     * The views are new handles; create them inside an {@code NDScope} or close the step's manager.
     */
    public ParameterStore frozenParameters() {
        requireInitialized();
        return new ParameterStore(manager, false) {
            @Override
            public NDArray getValue(Parameter parameter, ai.djl.Device device, boolean training) {
                return parameter.getArray().stopGradient();
            }
        };
    }

    /**
     * A parameter store that hands out {@code values.get(p)} for the parameters in the map and the
     * network's own arrays for the rest: a forward pass with substituted weights, e.g. fresh leaf
     * copies whose gradients (and the graphs those may carry) belong to one computation only.
     */
    public ParameterStore substitute(java.util.Map<Parameter, NDArray> values) {
        requireInitialized();
        return new ParameterStore(manager, false) {
            @Override
            public NDArray getValue(Parameter parameter, ai.djl.Device device, boolean training) {
                NDArray v = values.get(parameter);
                return v != null ? v : parameter.getArray();
            }
        };
    }

    /** Embedding [N, F] of images [N, C, H, W]; {@code training} selects batch statistics in batch norm. */
    public NDArray features(NDArray x, boolean training) {
        return features(parameterStore(), x, training);
    }

    public NDArray features(ParameterStore store, NDArray x, boolean training) {
        checkInput(x);
        return forward(body, store, x, training);
    }

    /** Logits [N, classes] of images [N, C, H, W]. */
    public NDArray logits(NDArray x, boolean training) {
        return logits(parameterStore(), x, training);
    }

    public NDArray logits(ParameterStore store, NDArray x, boolean training) {
        checkInput(x);
        return forward(block, store, x, training);
    }

    /**
     * A forward pass that, when autograd is off, frees each layer's output as soon as the next layer has
     * consumed it. DJL keeps every intermediate array alive until its manager closes; for ConvNet-128
     * on a batch of 256 that is ~0.4 GB of activations an inference pass (accuracy, embeddings for
     * herding or K-Means, kernel-regression features) does not need. With autograd on they are the
     * graph, so they stay.
     */
    private static NDArray forward(Block b, ParameterStore store, NDArray x, boolean training) {
        if (JniUtils.isGradMode() || !(b instanceof SequentialBlock seq)) {
            return b.forward(store, new NDList(x), training).singletonOrThrow();
        }
        NDArray current = x;
        for (Block child : seq.getChildren().values()) {
            NDArray next = forward(child, store, current, training);
            if (current != x && next != current) {
                current.close();
            }
            current = next;
        }
        return current;
    }

    /** Logits [N, classes] from an embedding [N, F] already computed by {@link #features}. */
    public NDArray logitsFromFeatures(NDArray features, boolean training) {
        requireInitialized();
        return head.forward(parameterStore, new NDList(features), training).singletonOrThrow();
    }

    /** All parameters in a fixed order, including non-trainable ones (batch-norm running statistics). */
    public List<Parameter> parameters() {
        requireInitialized();
        List<Parameter> list = new ArrayList<>();
        for (Pair<String, Parameter> pair : block.getParameters()) {
            list.add(pair.getValue());
        }
        return Collections.unmodifiableList(list);
    }

    /** Number of trainable scalars (running statistics excluded). */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : parameters()) {
            if (p.requiresGradient()) {
                n += p.getArray().size();
            }
        }
        return n;
    }

    /**
     * Sets every parameter gradient to zero. DJL's PyTorch engine accumulates gradients across
     * backward passes and never clears them itself.
     */
    public void zeroGradients() {
        GradientBuffers.zero(parameters().stream().map(Parameter::getArray).toList());
    }

    /**
     * Copies every parameter value (running statistics included) from {@code other}, which must be
     * the same architecture. Storage stays separate: changing one network later leaves the other alone.
     */
    public void copyParametersFrom(Network other) {
        List<Parameter> mine = parameters();
        List<Parameter> theirs = other.parameters();
        checkSameArchitecture(other.spec, other.inputShape, other.numClasses);
        if (mine.size() != theirs.size()) {
            throw new IllegalArgumentException("Parameter lists differ: " + mine.size() + " vs " + theirs.size());
        }
        for (int i = 0; i < mine.size(); i++) {
            NDArray to = mine.get(i).getArray();
            NDArray from = theirs.get(i).getArray();
            if (!to.getShape().equals(from.getShape())) {
                throw new IllegalArgumentException("Parameter " + mine.get(i).getName() + " has shape " + to.getShape()
                        + " here but " + from.getShape() + " in the source.");
            }
            // Through a heap copy: a direct buffer from toByteBuffer() may alias the source's memory.
            to.set(from.toFloatArray());
        }
    }

    /** All parameter values copied to the Java heap. */
    public ParameterSnapshot snapshot() {
        requireInitialized();
        List<String> names = new ArrayList<>();
        List<Shape> shapes = new ArrayList<>();
        List<float[]> values = new ArrayList<>();
        for (Pair<String, Parameter> pair : block.getParameters()) {
            names.add(pair.getKey());
            shapes.add(pair.getValue().getArray().getShape());
            values.add(pair.getValue().getArray().toFloatArray());
        }
        return new ParameterSnapshot(spec, names, shapes, values);
    }

    /** Writes a snapshot of this architecture back into the parameters, in place. */
    public void restore(ParameterSnapshot snapshot) {
        List<Parameter> mine = parameters();
        if (!snapshot.spec().equals(spec) || snapshot.values().size() != mine.size()) {
            throw new IllegalArgumentException("Snapshot of '" + snapshot.spec() + "' ("
                    + snapshot.values().size() + " parameters) does not fit '" + spec + "' (" + mine.size()
                    + " parameters).");
        }
        for (int i = 0; i < mine.size(); i++) {
            NDArray array = mine.get(i).getArray();
            if (!array.getShape().equals(snapshot.shapes().get(i))) {
                throw new IllegalArgumentException(
                        "Snapshot parameter " + snapshot.names().get(i) + " has shape "
                                + snapshot.shapes().get(i) + ", network has " + array.getShape());
            }
            array.set(snapshot.values().get(i));
        }
    }

    /** A new, independent network of the same architecture with parameters in {@code manager}, values copied. */
    public Network copy(NDManager manager) {
        requireInitialized();
        Network twin = Architectures.create(spec, inputShape, numClasses).initialize(manager, 0);
        twin.copyParametersFrom(this);
        return twin;
    }

    @Override
    public String toString() {
        String params = isInitialized() ? String.format(", %,d parameters", parameterCount()) : ", uninitialised";
        return spec + " [in " + inputShape + ", " + numClasses + " classes, features " + featureDim + params + "]";
    }

    private Shape batchShape(long n) {
        return new Shape(n).addAll(inputShape);
    }

    private void checkInput(NDArray x) {
        Shape s = x.getShape();
        if (s.dimension() != 4 || !s.slice(1).equals(inputShape)) {
            throw new IllegalArgumentException(spec + " expects images [N, " + inputShape.get(0) + ", "
                    + inputShape.get(1) + ", " + inputShape.get(2) + "], got " + s + ".");
        }
    }

    private void checkSameArchitecture(String otherSpec, Shape otherInput, int otherClasses) {
        if (!spec.equals(otherSpec) || !inputShape.equals(otherInput) || numClasses != otherClasses) {
            throw new IllegalArgumentException("Cannot copy " + otherSpec + " " + otherInput + "/" + otherClasses
                    + " into " + spec + " " + inputShape + "/" + numClasses + ".");
        }
    }

    private void requireInitialized() {
        if (manager == null) {
            throw new IllegalStateException(spec + " is not initialised: call initialize(manager, seed) first.");
        }
    }
}
