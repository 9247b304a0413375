package org.ddlab.distill;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The NumPy {@code .npy} format, version 1.0 for writing and 1.0–3.0 for reading
 * (numpy.lib.format): magic {@code \x93NUMPY}, version, header length, a Python dict literal
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (N, C, H, W), }} padded with spaces and a
 * newline to a multiple of 64 bytes, then the raw values. Written by hand because it is small and
 * the project has no NumPy binding; read leniently enough for what NumPy itself writes.
 */
final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]+)['\"]");
    private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    /** The .npy bytes of an array: {@code <f4} for floats, {@code <i8} for integers. */
    static byte[] write(NpyArray a) {
        if (a.isString()) {
            throw new IllegalArgumentException("string arrays are read, not written, here");
        }
        String descr = a.isFloat() ? "<f4" : "<i8";
        long[] shape = a.shape();
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            dims.append(d).append(", ");
        }
        String tuple = shape.length == 1
                ? "(" + shape[0] + ",)"
                : "(" + (shape.length == 0 ? "" : dims.substring(0, dims.length() - 2)) + ")";
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + tuple + ", }";
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        int itemSize = a.isFloat() ? 4 : 8;
        ByteBuffer buf = ByteBuffer.allocate(MAGIC.length + 4 + header.length() + a.size() * itemSize)
                .order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        buf.put(header.getBytes(StandardCharsets.ISO_8859_1));
        if (a.isFloat()) {
            buf.asFloatBuffer().put(a.floats());
        } else {
            buf.asLongBuffer().put(a.longs());
        }
        return buf.array();
    }

    /**
     * Parses .npy bytes.
     *
     * @param what names the array in error messages, e.g. "array 'images'"
     * @throws IllegalArgumentException with a message saying what is wrong
     */
    static NpyArray read(byte[] bytes, String what) {
        if (bytes.length < 10 || !startsWithMagic(bytes)) {
            throw new IllegalArgumentException(what + " is not in .npy format (no \\x93NUMPY magic)");
        }
        int major = bytes[6] & 0xff;
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen;
        int start;
        if (major == 1) {
            headerLen = b.getShort(8) & 0xffff;
            start = 10;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) {
                throw new IllegalArgumentException(what + " is truncated inside its header");
            }
            headerLen = b.getInt(8);
            start = 12;
        } else {
            throw new IllegalArgumentException(what + " has .npy version " + major + "." + (bytes[7] & 0xff)
                    + ", which is not supported (1.0–3.0 are)");
        }
        if (headerLen < 0 || start + headerLen > bytes.length) {
            throw new IllegalArgumentException(what + " is truncated inside its header");
        }
        String header =
                new String(bytes, start, headerLen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = find(DESCR, header, what, "descr");
        boolean fortran = "True".equals(find(FORTRAN, header, what, "fortran_order"));
        long[] shape = parseShape(find(SHAPE, header, what, "shape"), what);
        if (fortran && shape.length > 1) {
            throw new IllegalArgumentException(what + " is stored in Fortran order, which is not supported; "
                    + "save np.ascontiguousarray(a) instead");
        }
        Dtype t = Dtype.parse(descr, what);
        long n = NpyArray.count(shape);
        int dataStart = start + headerLen;
        long need = n * t.size;
        if (bytes.length - dataStart < need) {
            throw new IllegalArgumentException(
                    what + " is truncated: its header says shape " + tupleString(shape) + " of " + descr + " (" + need
                            + " bytes) but only " + (bytes.length - dataStart) + " bytes follow");
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(what + " has " + n + " values, more than a Java array holds");
        }
        ByteBuffer data = ByteBuffer.wrap(bytes, dataStart, (int) need).slice().order(t.order);
        int count = (int) n;
        if (t.kind == 'U') {
            return NpyArray.readStrings(shape, strings(data, count, t.size / 4, what), descr);
        }
        if (t.kind == 'u' && t.size == 1) {
            return NpyArray.readBytes(shape, java.util.Arrays.copyOfRange(bytes, dataStart, dataStart + count), descr);
        }
        if (t.kind == 'f') {
            float[] f = new float[count];
            switch (t.size) {
                case 4 -> data.asFloatBuffer().get(f);
                case 8 -> {
                    for (int i = 0; i < count; i++) {
                        f[i] = (float) data.getDouble(i * 8);
                    }
                }
                default -> {
                    for (int i = 0; i < count; i++) {
                        f[i] = Float.float16ToFloat(data.getShort(i * 2));
                    }
                }
            }
            return NpyArray.read(shape, f, null, descr);
        }
        long[] l = new long[count];
        for (int i = 0; i < count; i++) {
            l[i] = switch (t.size) {
                case 1 -> t.kind == 'i' ? data.get(i) : data.get(i) & 0xffL;
                case 2 -> t.kind == 'i' ? data.getShort(i * 2) : data.getShort(i * 2) & 0xffffL;
                case 4 -> t.kind == 'i' ? data.getInt(i * 4) : data.getInt(i * 4) & 0xffffffffL;
                default -> data.getLong(i * 8);
            };
        }
        return NpyArray.read(shape, null, l, descr);
    }

    /**
     * {@code count} strings of {@code chars} UTF-32 code units each, NUL-padded at the end as NumPy
     * stores {@code <U} arrays; the padding is removed, as NumPy does when it reads them.
     */
    private static String[] strings(ByteBuffer data, int count, int chars, String what) {
        String[] out = new String[count];
        int[] cps = new int[chars];
        for (int i = 0; i < count; i++) {
            int len = 0;
            for (int j = 0; j < chars; j++) {
                cps[j] = data.getInt((i * chars + j) * 4);
                if (cps[j] != 0) {
                    len = j + 1;
                }
            }
            try {
                out[i] = new String(cps, 0, len);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(what + " holds an invalid unicode code point in string " + i, e);
            }
        }
        return out;
    }

    private static boolean startsWithMagic(byte[] bytes) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private static String find(Pattern p, String header, String what, String key) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new IllegalArgumentException(what + " has a .npy header without '" + key + "': " + header.trim());
        }
        return m.group(1);
    }

    private static long[] parseShape(String inside, String what) {
        List<Long> dims = new ArrayList<>();
        for (String part : inside.split(",")) {
            String s = part.trim().replace("L", "");
            if (!s.isEmpty()) {
                try {
                    dims.add(Long.parseLong(s));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(what + " has a malformed shape (" + inside + ")", e);
                }
            }
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    static String tupleString(long[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i > 0 ? ", " : "").append(shape[i]);
        }
        return sb.append(shape.length == 1 ? ",)" : ")").toString();
    }

    /** A NumPy dtype string such as {@code <f4}: byte order, kind, size in bytes of one value. */
    private record Dtype(ByteOrder order, char kind, int size) {
        static Dtype parse(String descr, String what) {
            Matcher m = Pattern.compile("([<>|=]?)([fiubU])(\\d+)").matcher(descr);
            if (!m.matches()) {
                throw new IllegalArgumentException(what + " has dtype '" + descr + "'; supported are float "
                        + "(f2, f4, f8), signed/unsigned integer (i1–i8, u1–u4), bool (b1) and unicode string (U)");
            }
            // '|' (not applicable) and '=' (native) are little-endian on every platform DJL runs on.
            ByteOrder order = ">".equals(m.group(1)) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            char kind = m.group(2).charAt(0);
            int size = Integer.parseInt(m.group(3));
            if (kind == 'U') {
                // <U5: five UTF-32 code units per string.
                return new Dtype(order, kind, Math.multiplyExact(size, 4));
            }
            boolean ok = switch (kind) {
                case 'f' -> size == 2 || size == 4 || size == 8;
                case 'i' -> size == 1 || size == 2 || size == 4 || size == 8;
                case 'u' -> size == 1 || size == 2 || size == 4;
                default -> size == 1; // bool
            };
            if (!ok) {
                throw new IllegalArgumentException(what + " has unsupported dtype '" + descr + "'");
            }
            return new Dtype(order, kind == 'b' ? 'u' : kind, size);
        }
    }
}
