package org.ddlab.nn;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;

/**
 * LeNet-5 as in the DC reference: conv 6@5×5, ReLU, max-pool; conv 16@5×5, ReLU, max-pool;
 * fc 120, ReLU; fc 84, ReLU (the features); fc classes. The first convolution pads by 2 on images
 * smaller than 32 px, so 28×28 and 32×32 inputs both reach 16×5×5 before the first fc.
 */
final class LeNet {

    static final String NAME = "lenet";

    private LeNet() {}

    static Network build(ArchitectureSpec spec, Shape input, int classes) {
        spec.rejectUnread();
        int pad = Math.min(input.get(1), input.get(2)) < 32 ? 2 : 0;
        long h = Layers.convOut(input.get(1), 5, 1, pad) / 2;
        if (Layers.convOut(h, 5, 1, 0) / 2 < 1) {
            throw new IllegalArgumentException(NAME + " needs images of at least 16×16 px, got " + input + ".");
        }
        SequentialBlock body = new SequentialBlock()
                .add(Layers.conv(6, 5, 1, pad, true))
                .add(Activation.reluBlock())
                .add(Layers.maxPool2())
                .add(Layers.conv(16, 5, 1, 0, true))
                .add(Activation.reluBlock())
                .add(Layers.maxPool2())
                .add(Layers.flatten())
                .add(Layers.linear(120))
                .add(Activation.reluBlock())
                .add(Layers.linear(84))
                .add(Activation.reluBlock());
        return new Network(spec.canonical(), input, classes, body, Layers.linear(classes));
    }
}
