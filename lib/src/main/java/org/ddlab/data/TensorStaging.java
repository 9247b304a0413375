package org.ddlab.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.function.Consumer;

/**
 * Moves heap data into tensors that the engine owns, through one reusable direct buffer per thread.
 *
 * <p>Why: DJL's PyTorch engine wraps a direct buffer without copying it, so every batch built the
 * obvious way ({@code allocateDirect} + {@code manager.create}) pins its own direct buffer, and that
 * native memory returns only when the garbage collector happens to collect the buffer object — long
 * after the tensor is closed. A notebook kernel with a large, quiet heap grew past 4 GB that way.
 * Copying from a reused staging buffer into a tensor of its own (one memcpy per batch) frees the
 * batch's memory the moment its manager closes.
 */
final class TensorStaging {

    private static final ThreadLocal<ByteBuffer> BUFFER = new ThreadLocal<>();

    private TensorStaging() {}

    static NDArray floats(NDManager manager, Shape shape, Consumer<FloatBuffer> fill) {
        ByteBuffer buf = buffer(Math.multiplyExact(Math.toIntExact(shape.size()), Float.BYTES));
        fill.accept(buf.asFloatBuffer());
        return owned(manager, buf, shape, DataType.FLOAT32);
    }

    static NDArray bytes(NDManager manager, Shape shape, Consumer<ByteBuffer> fill) {
        ByteBuffer buf = buffer(Math.toIntExact(shape.size()));
        fill.accept(buf);
        buf.rewind();
        return owned(manager, buf, shape, DataType.UINT8);
    }

    static NDArray ints(NDManager manager, int[] values) {
        ByteBuffer buf = buffer(Math.multiplyExact(values.length, Integer.BYTES));
        IntBuffer view = buf.asIntBuffer();
        view.put(values);
        return owned(manager, buf, new Shape(values.length), DataType.INT32);
    }

    private static NDArray owned(NDManager manager, ByteBuffer staged, Shape shape, DataType type) {
        try (NDArray view = manager.create(staged, shape, type)) {
            return view.duplicate();
        }
    }

    private static ByteBuffer buffer(int bytes) {
        ByteBuffer buf = BUFFER.get();
        if (buf == null || buf.capacity() < bytes) {
            // Grow geometrically so a few differently sized batches settle on one buffer.
            int capacity = Math.max(bytes, buf == null ? 0 : (int) Math.min(Integer.MAX_VALUE, 2L * buf.capacity()));
            buf = ByteBuffer.allocateDirect(capacity).order(ByteOrder.nativeOrder());
            BUFFER.set(buf);
        }
        buf.clear().limit(bytes);
        return buf.slice().order(ByteOrder.nativeOrder());
    }
}
