package org.ddlab.nn;

import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds networks from spec strings: a name, optionally followed by {@code :key=value,...}.
 *
 * <pre>
 * convnet   width=128 depth=3 norm=instance|batch|layer|none pool=avg|max|none
 * mlp       width=128
 * lenet     (no options)
 * alexnet   width=128 (channels w, 1.5w, 2w, 1.5w, 1.5w)
 * vgg11     width=64 norm=instance|batch|none
 * resnet18  width=64 norm=instance|batch
 * frepo-conv width=128 depth=3 norm=none|instance|batch|layer (FRePo's network: widths w, 2w, 4w)
 * </pre>
 *
 * e.g. {@code Architectures.create("convnet:width=64,norm=batch", new Shape(1, 28, 28), 10)}.
 * The returned network is uninitialised: call {@link Network#initialize} with a manager and seed.
 */
public final class Architectures {

    private interface Builder {
        Network build(ArchitectureSpec spec, Shape input, int classes);
    }

    private static final Map<String, Builder> BUILDERS = new LinkedHashMap<>();

    static {
        BUILDERS.put(ConvNet.NAME, ConvNet::build);
        BUILDERS.put(Mlp.NAME, Mlp::build);
        BUILDERS.put(LeNet.NAME, LeNet::build);
        BUILDERS.put(AlexNet.NAME, AlexNet::build);
        BUILDERS.put(Vgg11.NAME, Vgg11::build);
        BUILDERS.put(ResNet18.NAME, ResNet18::build);
        BUILDERS.put(FrepoConv.NAME, FrepoConv::build);
    }

    private Architectures() {}

    /** Known architecture names, in a fixed order. */
    public static List<String> names() {
        return List.copyOf(BUILDERS.keySet());
    }

    /**
     * A new, uninitialised network.
     *
     * @param spec       e.g. {@code "convnet"}, {@code "resnet18:norm=batch"}
     * @param inputShape (C, H, W), e.g. (1, 28, 28) or (3, 32, 32)
     * @param numClasses number of output logits
     * @throws IllegalArgumentException for an unknown name, an unknown or invalid option, or a bad shape
     */
    public static Network create(String spec, Shape inputShape, int numClasses) {
        ArchitectureSpec parsed = ArchitectureSpec.parse(spec);
        Builder builder = BUILDERS.get(parsed.name());
        if (builder == null) {
            throw new IllegalArgumentException("Unknown architecture '" + parsed.name() + "'; known: " + names() + ".");
        }
        if (inputShape == null
                || inputShape.dimension() != 3
                || inputShape.get(0) < 1
                || inputShape.get(1) < 1
                || inputShape.get(2) < 1) {
            throw new IllegalArgumentException("Input shape must be (C, H, W), got " + inputShape + ".");
        }
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses must be positive, got " + numClasses + ".");
        }
        return builder.build(parsed, inputShape, numClasses);
    }
}
