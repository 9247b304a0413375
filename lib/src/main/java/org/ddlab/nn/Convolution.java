package org.ddlab.nn;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.io.DataInputStream;
import java.io.IOException;

/**
 * A square 2-D convolution, {@code [N, C, H, W] → [N, filters, H', W']} — DJL's {@code Conv2d} with one
 * difference: a layer with fewer than 16 filters (LeNet's 6, the tiny widths of tests) is computed
 * with its filters zero-padded to 16 and the extra output channels dropped.
 *
 * <p>Why: oneDNN, which runs libtorch's CPU convolutions, blocks channels in 16s on AVX-512, and its
 * backward-data kernel for a layer with a single, partial block of output channels reads the unused
 * part of the gradient block uninitialised. On this project's machine (AMD EPYC, libtorch 2.7.1) 82 of
 * 100 input gradients of a 1 → 6-channel 5×5 convolution were NaN, 92 of 100 for 4 → 4, 44 for 8 → 8;
 * with 16, 24, 32, 48 or 128 filters none were. Padding gives the same function and the same
 * gradients (the padded filters are constants, so they get none), costs little on layers this
 * narrow, and keeps AVX-512 — capping oneDNN at AVX2 instead made a ConvNet-128 FRePo step 1.7× slower.
 * {@code NetworkTest.gradientsStayFiniteOverManyPasses} checks it.
 */
public final class Convolution extends AbstractBlock {

    private static final byte VERSION = 1;
    /** oneDNN's channel block on AVX-512; layers with fewer filters are padded to it. */
    static final int SAFE_FILTERS = 16;

    private final int filters;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final Parameter weight;
    private final Parameter bias;

    /** {@code filters} output channels, {@code kernel}×{@code kernel}, given stride and symmetric zero padding. */
    public Convolution(int filters, int kernel, int stride, int padding, boolean withBias) {
        super(VERSION);
        if (filters < 1 || kernel < 1 || stride < 1 || padding < 0) {
            throw new IllegalArgumentException(
                    "Convolution: filters, kernel and stride must be ≥ 1 and padding ≥ 0, got " + filters + ", "
                            + kernel + ", " + stride + ", " + padding);
        }
        this.filters = filters;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        weight = addParameter(Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.WEIGHT)
                .build());
        bias = withBias
                ? addParameter(Parameter.builder()
                        .setName("bias")
                        .setType(Parameter.Type.BIAS)
                        .optShape(new Shape(filters))
                        .build())
                : null;
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        weight.setShape(new Shape(filters, inputShapes[0].get(1), kernel, kernel));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray w = parameterStore.getValue(weight, x.getDevice(), training);
        NDArray b = bias == null ? null : parameterStore.getValue(bias, x.getDevice(), training);
        Shape s = new Shape(stride, stride);
        Shape p = new Shape(padding, padding);
        Shape d = new Shape(1, 1);
        if (filters >= SAFE_FILTERS) {
            return Conv2d.conv2d(x, w, b, s, p, d, 1);
        }
        // Temporaries in the input's manager, freed with the caller's scope (never the parameters' manager).
        NDManager m = x.getManager();
        long extra = SAFE_FILTERS - filters;
        Shape ws = w.getShape();
        try (NDArray zeroW = m.zeros(new Shape(extra, ws.get(1), ws.get(2), ws.get(3)), w.getDataType());
                NDArray paddedW = w.concat(zeroW, 0);
                NDArray zeroB = b == null ? null : m.zeros(new Shape(extra), b.getDataType());
                NDArray paddedB = b == null ? null : b.concat(zeroB, 0)) {
            // The slice is a view: it keeps what it needs of the padded output when that handle closes.
            try (NDArray full = Conv2d.conv2d(x, paddedW, paddedB, s, p, d, 1).singletonOrThrow()) {
                return new NDList(full.get(new NDIndex(":, 0:" + filters)));
            }
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {
            new Shape(
                    in.get(0),
                    filters,
                    Layers.convOut(in.get(2), kernel, stride, padding),
                    Layers.convOut(in.get(3), kernel, stride, padding))
        };
    }

    @Override
    public void loadMetadata(byte loadVersion, DataInputStream is) throws IOException, MalformedModelException {
        if (loadVersion != VERSION) {
            throw new MalformedModelException("Unsupported Convolution version: " + loadVersion);
        }
    }

    @Override
    public String toString() {
        return "Convolution(" + filters + ", " + kernel + "×" + kernel + ", stride " + stride + ", padding " + padding
                + ")";
    }
}
