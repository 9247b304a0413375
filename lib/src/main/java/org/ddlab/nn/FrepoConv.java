package org.ddlab.nn;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;

/**
 * FRePo's network ({@code Conv} in its reference's {@code lib/models/networks.py}), with which its paper
 * distils and evaluates: {@code depth} blocks of a 3×3 convolution of width·2ⁱ channels (128, 256, 512), a
 * ReLU and a 2×2 average pool; normalisation (none by default, as its {@code eval.py}) before every
 * convolution but the first. The first convolution pads a grey image by 3 instead of 1 (28 → 32), so
 * 28×28 and 32×32 inputs both end in 512·4·4 = 8192 features. ddlab's {@link ConvNet} is every method's
 * network in ddlab's tables; this one is for reproducing FRePo's own figures ({@code evaluate --arch
 * frepo-conv --protocol paper}). Initialisation is ddlab's for every network (PyTorch's), not flax's, and so
 * are the normalisation layers: {@code layer} is GroupNorm(1, C) over channels and pixels, where flax's
 * LayerNorm normalises each pixel's channels, and {@code batch} is DJL's (the reference's {@code eval.py}
 * evaluates without normalisation in either case).
 */
final class FrepoConv {

    static final String NAME = "frepo-conv";

    private FrepoConv() {}

    static Network build(ArchitectureSpec spec, Shape input, int classes) {
        int width = spec.intOption("width", 128, 1, 4096);
        int depth = spec.intOption("depth", 3, 1, 8);
        Norm norm = Norm.parse(spec.choice("norm", "none", "instance", "batch", "layer", "none"));
        spec.rejectUnread();

        long channels = input.get(0);
        long h = input.get(1);
        long w = input.get(2);
        SequentialBlock body = new SequentialBlock();
        for (int i = 0; i < depth; i++) {
            int out = width << i;
            if (i > 0) {
                body.add(norm.create(width << (i - 1)));
            }
            // The reference widens a grey image's first padding by 2 on each side.
            int pad = i == 0 && channels == 1 ? 3 : 1;
            h = h + 2L * pad - 2;
            w = w + 2L * pad - 2;
            body.add(Layers.conv(out, 3, 1, pad, true)).add(Activation.reluBlock());
            h /= 2;
            w /= 2;
            if (h < 1 || w < 1) {
                throw new IllegalArgumentException(NAME + ": depth " + depth + " pools a " + input.get(1) + "×"
                        + input.get(2) + " image away; use a smaller depth.");
            }
            body.add(Layers.avgPool2());
        }
        body.add(Layers.flatten());
        return new Network(spec.canonical(), input, classes, body, Layers.linear(classes));
    }
}
