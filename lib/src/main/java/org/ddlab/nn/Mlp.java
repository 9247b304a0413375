package org.ddlab.nn;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;

/** Flatten → 2 hidden layers of {@code width} (128) units with ReLU → linear. Features: the second hidden layer. */
final class Mlp {

    static final String NAME = "mlp";

    private Mlp() {}

    static Network build(ArchitectureSpec spec, Shape input, int classes) {
        int width = spec.intOption("width", 128, 1, 65536);
        spec.rejectUnread();
        SequentialBlock body = new SequentialBlock()
                .add(Layers.flatten())
                .add(Layers.linear(width))
                .add(Activation.reluBlock())
                .add(Layers.linear(width))
                .add(Activation.reluBlock());
        return new Network(spec.canonical(), input, classes, body, Layers.linear(classes));
    }
}
