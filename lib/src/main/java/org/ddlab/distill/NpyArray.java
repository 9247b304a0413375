package org.ddlab.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;

/**
 * One array as stored in a {@code .npy} file: a shape and its values, row-major (C order). Values
 * are held as {@code float[]} (float dtypes) or {@code long[]} (integer and bool dtypes) whatever
 * the width in the file, so readers need not care whether NumPy wrote {@code <f8} or {@code <f4}.
 * {@link #sourceDescr()} keeps the dtype that was read, for messages.
 */
public final class NpyArray {

    private final long[] shape;
    private final float[] floats;
    private final long[] longs;
    private final String sourceDescr;

    private NpyArray(long[] shape, float[] floats, long[] longs, String sourceDescr) {
        long n = count(shape);
        long have = floats != null ? floats.length : longs.length;
        if (n != have) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
                    + " values but " + have + " were given");
        }
        this.shape = shape.clone();
        this.floats = floats;
        this.longs = longs;
        this.sourceDescr = sourceDescr;
    }

    /** A float32 array; the data is not copied. */
    public static NpyArray ofFloats(float[] data, long... shape) {
        return new NpyArray(shape, data, null, "<f4");
    }

    /** An int64 array; the data is not copied. */
    public static NpyArray ofLongs(long[] data, long... shape) {
        return new NpyArray(shape, null, data, "<i8");
    }

    /** An int64 array from ints. */
    public static NpyArray ofInts(int[] data, long... shape) {
        return ofLongs(Arrays.stream(data).asLongStream().toArray(), shape);
    }

    static NpyArray read(long[] shape, float[] floats, long[] longs, String descr) {
        return new NpyArray(shape, floats, longs, descr);
    }

    /** A copy of an NDArray: float types become float32, integer and boolean types int64. */
    public static NpyArray of(NDArray array) {
        long[] shape = array.getShape().getShape();
        DataType t = array.getDataType();
        if (t.isFloating()) {
            return ofFloats(array.toType(DataType.FLOAT32, false).toFloatArray(), shape);
        }
        if (t.isInteger() || t == DataType.BOOLEAN || t == DataType.UINT8) {
            try (NDArray asLong = array.toType(DataType.INT64, false)) {
                return ofLongs(asLong.toLongArray(), shape);
            }
        }
        throw new IllegalArgumentException("cannot store an NDArray of type " + t + " in a .npy file");
    }

    static long count(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** The shape (a copy). */
    public long[] shape() {
        return shape.clone();
    }

    public int dimension() {
        return shape.length;
    }

    /** Number of values. */
    public int size() {
        return floats != null ? floats.length : longs.length;
    }

    /** True for float dtypes ({@code f2/f4/f8}), false for integers and bools. */
    public boolean isFloat() {
        return floats != null;
    }

    /** The dtype read from the file ({@code <f4}, {@code <f8}, {@code >i4} ...), or {@code <f4}/{@code <i8} for arrays made here. */
    public String sourceDescr() {
        return sourceDescr;
    }

    /** The values as float32 (integers are converted); not a copy when the array is float. */
    public float[] floats() {
        if (floats != null) {
            return floats;
        }
        float[] f = new float[longs.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = longs[i];
        }
        return f;
    }

    /** The values as int64; throws for a float array (that would silently truncate). */
    public long[] longs() {
        if (longs == null) {
            throw new IllegalStateException("array of dtype " + sourceDescr + " holds floats, not integers");
        }
        return longs;
    }

    /** The values as ints; throws if one does not fit. */
    public int[] ints() {
        long[] l = longs();
        int[] out = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            out[i] = Math.toIntExact(l[i]);
        }
        return out;
    }

    /** As an NDArray on {@code manager}: float32 or int64. */
    public NDArray toNDArray(NDManager manager) {
        Shape s = new Shape(shape);
        return floats != null ? manager.create(floats, s) : manager.create(longs, s);
    }

    @Override
    public String toString() {
        return "NpyArray[" + sourceDescr + " " + Arrays.toString(shape) + "]";
    }
}
