package org.ddlab.nn;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;

/** Short names for the DJL layers the architectures are made of. */
final class Layers {

    private Layers() {}

    /** Square convolution, {@code k}×{@code k}, given stride and symmetric zero padding (see {@link Convolution} for why not DJL's). */
    static Block conv(int filters, int k, int stride, int padding, boolean bias) {
        return new Convolution(filters, k, stride, padding, bias);
    }

    static Block linear(int units) {
        return Linear.builder().setUnits(units).build();
    }

    static Block maxPool2() {
        return Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2));
    }

    /** 2×2 average pooling, stride 2; as a depthwise convolution, which is several times faster on CPU (see AvgPool2x2). */
    static Block avgPool2() {
        return new AvgPool2x2();
    }

    static Block flatten() {
        return Blocks.batchFlattenBlock();
    }

    /** Spatial size after a k×k convolution. */
    static long convOut(long size, int k, int stride, int padding) {
        return (size + 2L * padding - k) / stride + 1;
    }
}
