package org.ddlab.nn;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.pooling.Pool;
import java.util.List;

/**
 * The small-image ResNet-18 of the DC reference (after Kuang Liu's CIFAR ResNet): a 3×3 stem
 * (stride 1, no max-pool), four stages of two BasicBlocks with w, 2w, 4w, 8w channels (stride 1, 2,
 * 2, 2), global average pool (8w features), linear. Convolutions have no bias; a 1×1 convolution
 * plus norm projects the shortcut when the shape changes. {@code width} w defaults to 64 (11.2 M
 * parameters); {@code norm}: instance (default, as DC's ResNet18) or batch (ResNet18BN).
 */
final class ResNet18 {

    static final String NAME = "resnet18";

    private ResNet18() {}

    static Network build(ArchitectureSpec spec, Shape input, int classes) {
        int width = spec.intOption("width", 64, 1, 1024);
        Norm norm = Norm.parse(spec.choice("norm", "instance", "instance", "batch"));
        spec.rejectUnread();
        SequentialBlock body = new SequentialBlock()
                .add(Layers.conv(width, 3, 1, 1, false))
                .add(norm.create(width))
                .add(Activation.reluBlock());
        int in = width;
        int[] multiples = {1, 2, 4, 8};
        for (int stage = 0; stage < multiples.length; stage++) {
            int planes = multiples[stage] * width;
            body.add(basicBlock(in, planes, stage == 0 ? 1 : 2, norm));
            body.add(basicBlock(planes, planes, 1, norm));
            in = planes;
        }
        body.add(Pool.globalAvgPool2dBlock()).add(Layers.flatten());
        return new Network(spec.canonical(), input, classes, body, Layers.linear(classes));
    }

    /** relu(norm(conv(relu(norm(conv(x))))) + shortcut(x)). */
    private static Block basicBlock(int in, int planes, int stride, Norm norm) {
        SequentialBlock residual = new SequentialBlock()
                .add(Layers.conv(planes, 3, stride, 1, false))
                .add(norm.create(planes))
                .add(Activation.reluBlock())
                .add(Layers.conv(planes, 3, 1, 1, false))
                .add(norm.create(planes));
        Block shortcut = stride != 1 || in != planes
                ? new SequentialBlock()
                        .add(Layers.conv(planes, 1, stride, 0, false))
                        .add(norm.create(planes))
                : Blocks.identityBlock();
        ParallelBlock sum = new ParallelBlock(
                branches -> new NDList(
                        branches.get(0).singletonOrThrow().add(branches.get(1).singletonOrThrow())),
                List.of(residual, shortcut));
        return new SequentialBlock().add(sum).add(Activation.reluBlock());
    }
}
