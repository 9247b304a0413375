package org.ddlab.nn;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;

/**
 * The small-image VGG-11 of the DC reference: [w, M, 2w, M, 4w, 4w, M, 8w, 8w, M, 8w, 8w, M] where
 * each number is conv 3×3 pad 1 → norm → ReLU and M a 2×2 max-pool; flatten (8w features); linear.
 * {@code width} w defaults to 64 (the paper's 64-128-256-256-512-512-512-512, 9.2 M parameters);
 * {@code width=16} or 32 keeps CPU runs cheap. On images below 32 px the first convolution pads by
 * 3 (28 → 32), as in the reference, so five pools end at 1×1. {@code norm}: instance (default),
 * batch, none.
 */
final class Vgg11 {

    static final String NAME = "vgg11";
    private static final int[] CONFIG = {1, 0, 2, 0, 4, 4, 0, 8, 8, 0, 8, 8, 0}; // multiples of width; 0 = max-pool

    private Vgg11() {}

    static Network build(ArchitectureSpec spec, Shape input, int classes) {
        int width = spec.intOption("width", 64, 1, 1024);
        Norm norm = Norm.parse(spec.choice("norm", "instance", "instance", "batch", "none"));
        spec.rejectUnread();
        int firstPad = Math.min(input.get(1), input.get(2)) < 32 ? 3 : 1;
        if (Math.min(input.get(1), input.get(2)) + 2L * firstPad - 2 < 32) {
            throw new IllegalArgumentException(NAME + " needs images of at least 28×28 px, got " + input + ".");
        }
        SequentialBlock body = new SequentialBlock();
        boolean first = true;
        for (int multiple : CONFIG) {
            if (multiple == 0) {
                body.add(Layers.maxPool2());
            } else {
                int channels = multiple * width;
                body.add(Layers.conv(channels, 3, 1, first ? firstPad : 1, true))
                        .add(norm.create(channels))
                        .add(Activation.reluBlock());
                first = false;
            }
        }
        body.add(Layers.flatten());
        return new Network(spec.canonical(), input, classes, body, Layers.linear(classes));
    }
}
