package org.ddlab.nn;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;

/**
 * The small-image AlexNet of the DC reference: conv 128@5×5 (padding 4 below 32 px, else 2), ReLU,
 * max-pool; conv 192@5×5 pad 2, ReLU, max-pool; conv 256@3×3, conv 192@3×3, conv 192@3×3 (pad 1,
 * ReLU each), max-pool; flatten (192·4·4 = 3072 features on 28×28 and 32×32); linear.
 * {@code width} w (default 128, the reference) scales every layer: w, 1.5w, 2w, 1.5w, 1.5w channels;
 * {@code width=32} trains about 15× faster on a CPU, for runs that must fit minutes.
 */
final class AlexNet {

    static final String NAME = "alexnet";

    private AlexNet() {}

    static Network build(ArchitectureSpec spec, Shape input, int classes) {
        int width = spec.intOption("width", 128, 2, 2048);
        spec.rejectUnread();
        int wide = width * 3 / 2;
        int pad = Math.min(input.get(1), input.get(2)) < 32 ? 4 : 2;
        if (Math.min(input.get(1), input.get(2)) + 2L * pad - 4 < 8) {
            throw new IllegalArgumentException(NAME + " needs images of at least 8×8 px, got " + input + ".");
        }
        SequentialBlock body = new SequentialBlock()
                .add(Layers.conv(width, 5, 1, pad, true))
                .add(Activation.reluBlock())
                .add(Layers.maxPool2())
                .add(Layers.conv(wide, 5, 1, 2, true))
                .add(Activation.reluBlock())
                .add(Layers.maxPool2())
                .add(Layers.conv(2 * width, 3, 1, 1, true))
                .add(Activation.reluBlock())
                .add(Layers.conv(wide, 3, 1, 1, true))
                .add(Activation.reluBlock())
                .add(Layers.conv(wide, 3, 1, 1, true))
                .add(Activation.reluBlock())
                .add(Layers.maxPool2())
                .add(Layers.flatten());
        return new Network(spec.canonical(), input, classes, body, Layers.linear(classes));
    }
}
