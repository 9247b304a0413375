package org.ddlab.nn;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;

/**
 * The ConvNet of the dataset-distillation literature (Zhao et al., DC/DSA/DM; DREAM; IDC):
 * {@code depth} blocks of [conv 3×3 {@code width} filters, padding 1 → norm → ReLU → pool 2×2],
 * flatten, linear. Options: {@code width} (128), {@code depth} (3), {@code norm}
 * instance|batch|layer|none (instance), {@code pool} avg|max|none (avg).
 *
 * <p>Unlike the DC reference, which pads 28×28 inputs to 32×32 in the first convolution, every
 * convolution pads by 1: 28 → 14 → 7 → 3, so depth 3, width 128 gives 128·3·3 = 1152 features on
 * 28×28 and 128·4·4 = 2048 on 32×32. FRePo's reference network differs ({@code Conv} in its
 * {@code lib/models/networks.py}): widths 128, 256, 512, a first convolution that pads a grey image
 * by 3 (28 → 32), normalisation (none by default; batch in its commands) before the second and
 * third convolutions only — 512·4·4 = 8192 features; ddlab distils and evaluates every method on
 * this one ConvNet so that tables compare methods, not networks.
 */
final class ConvNet {

    static final String NAME = "convnet";

    private ConvNet() {}

    static Network build(ArchitectureSpec spec, Shape input, int classes) {
        int width = spec.intOption("width", 128, 1, 4096);
        int depth = spec.intOption("depth", 3, 1, 16);
        Norm norm = Norm.parse(spec.choice("norm", "instance", "instance", "batch", "layer", "none"));
        String pool = spec.choice("pool", "avg", "avg", "max", "none");
        spec.rejectUnread();

        long h = input.get(1);
        long w = input.get(2);
        SequentialBlock body = new SequentialBlock();
        for (int d = 0; d < depth; d++) {
            body.add(Layers.conv(width, 3, 1, 1, true)).add(norm.create(width)).add(Activation.reluBlock());
            if (!pool.equals("none")) {
                h /= 2;
                w /= 2;
                if (h < 1 || w < 1) {
                    throw new IllegalArgumentException(NAME + ": depth " + depth + " pools a " + input.get(1) + "×"
                            + input.get(2) + " image away; use a smaller depth or pool=none.");
                }
                body.add(pool.equals("avg") ? Layers.avgPool2() : Layers.maxPool2());
            }
        }
        body.add(Layers.flatten());
        return new Network(spec.canonical(), input, classes, body, Layers.linear(classes));
    }
}
