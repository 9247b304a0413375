package org.ddlab.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * One array as stored in a {@code .npy} file: a shape and its values, row-major (C order). Values
 * are held as {@code float[]} (float dtypes) or {@code long[]} (integer dtypes) whatever the width in
 * the file, so readers need not care whether NumPy wrote {@code <f8} or {@code <f4}; two exceptions:
 * uint8 and bool stay one byte per value (an image array of 150 MB would take 1.2 GB as longs), and
 * unicode strings ({@code <U…}, e.g. class names) are held as {@code String[]}.
 * {@link #sourceDescr()} keeps the dtype that was read, for messages.
 */
public final class NpyArray {

    private final long[] shape;
    private final float[] floats;
    private final long[] longs;
    private final byte[] bytes;
    private final String[] strings;
    private final String sourceDescr;

    private NpyArray(long[] shape, float[] floats, long[] longs, byte[] bytes, String[] strings, String sourceDescr) {
        long n = count(shape);
        long have = floats != null
                ? floats.length
                : longs != null ? longs.length : bytes != null ? bytes.length : strings.length;
        if (n != have) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " holds " + n + " values but " + have + " were given");
        }
        this.shape = shape.clone();
        this.floats = floats;
        this.longs = longs;
        this.bytes = bytes;
        this.strings = strings;
        this.sourceDescr = sourceDescr;
    }

    /** A float32 array; the data is not copied. */
    public static NpyArray ofFloats(float[] data, long... shape) {
        return new NpyArray(shape, data, null, null, null, "<f4");
    }

    /** An int64 array; the data is not copied. */
    public static NpyArray ofLongs(long[] data, long... shape) {
        return new NpyArray(shape, null, data, null, null, "<i8");
    }

    /** An int64 array from ints. */
    public static NpyArray ofInts(int[] data, long... shape) {
        return ofLongs(Arrays.stream(data).asLongStream().toArray(), shape);
    }

    static NpyArray read(long[] shape, float[] floats, long[] longs, String descr) {
        return new NpyArray(shape, floats, longs, null, null, descr);
    }

    /** A uint8 or bool array read from a file; the bytes are not copied. */
    static NpyArray readBytes(long[] shape, byte[] bytes, String descr) {
        return new NpyArray(shape, null, null, bytes, null, descr);
    }

    /** A unicode string array read from a file. */
    static NpyArray readStrings(long[] shape, String[] strings, String descr) {
        return new NpyArray(shape, null, null, null, strings, descr);
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
        return floats != null
                ? floats.length
                : longs != null ? longs.length : bytes != null ? bytes.length : strings.length;
    }

    /** True for float dtypes ({@code f2/f4/f8}), false for integers, bools and strings. */
    public boolean isFloat() {
        return floats != null;
    }

    /** True for unicode string arrays ({@code <U…}). */
    public boolean isString() {
        return strings != null;
    }

    /** True for uint8 and bool arrays, whose values {@link #unsignedBytes()} gives without widening. */
    public boolean isUnsignedBytes() {
        return bytes != null;
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
        requireNumbers();
        float[] f = new float[size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = longs != null ? longs[i] : bytes[i] & 0xFF;
        }
        return f;
    }

    /** The values as int64; throws for a float array (that would silently truncate). */
    public long[] longs() {
        requireIntegers();
        if (longs != null) {
            return longs;
        }
        long[] l = new long[bytes.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = bytes[i] & 0xFF;
        }
        return l;
    }

    /** The values as ints; throws if one does not fit. */
    public int[] ints() {
        requireIntegers();
        int[] out = new int[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = longs != null ? Math.toIntExact(longs[i]) : bytes[i] & 0xFF;
        }
        return out;
    }

    /** The values of a uint8 or bool array, one byte each (read them as {@code b & 0xFF}); not a copy. */
    public byte[] unsignedBytes() {
        if (bytes == null) {
            throw new IllegalStateException("array of dtype " + sourceDescr + " is not uint8 or bool");
        }
        return bytes;
    }

    /** The values of a unicode string array, trailing NULs removed as NumPy does; a copy. */
    public String[] strings() {
        if (strings == null) {
            throw new IllegalStateException("array of dtype " + sourceDescr + " holds numbers, not strings");
        }
        return strings.clone();
    }

    private void requireNumbers() {
        if (strings != null) {
            throw new IllegalStateException("array of dtype " + sourceDescr + " holds strings, not numbers");
        }
    }

    private void requireIntegers() {
        requireNumbers();
        if (floats != null) {
            throw new IllegalStateException("array of dtype " + sourceDescr + " holds floats, not integers");
        }
    }

    /** As an NDArray on {@code manager}: float32 or int64. */
    public NDArray toNDArray(NDManager manager) {
        Shape s = new Shape(shape);
        return floats != null ? manager.create(floats, s) : manager.create(longs(), s);
    }

    @Override
    public String toString() {
        return "NpyArray[" + sourceDescr + " " + Arrays.toString(shape) + "]";
    }
}
