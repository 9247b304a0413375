package org.ddlab.data;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.Deflater;

/**
 * Builds little-endian MATLAB Level-5 MAT-files byte by byte from MathWorks' "MAT-File Format"
 * (ch. 1), so the reader is tested against the specification rather than against MFL's writer.
 */
final class MatFiles {

    static final int MX_DOUBLE = 6;
    static final int MX_UINT8 = 9;
    static final int MX_CHAR = 4;
    static final int MI_INT8 = 1;
    static final int MI_UINT8 = 2;
    static final int MI_UINT16 = 4;
    static final int MI_INT32 = 5;
    static final int MI_UINT32 = 6;
    static final int MI_DOUBLE = 9;
    static final int MI_MATRIX = 14;
    static final int MI_COMPRESSED = 15;

    private MatFiles() {}

    /** The 128-byte header: 116 bytes of text, 8-byte subsystem offset (none), version 0x0100, "IM". */
    static byte[] header() {
        ByteBuffer b = ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN);
        byte[] text = Arrays.copyOf(
                "MATLAB 5.0 MAT-file, Platform: GLNXA64, Created on: Mon Jan  1 00:00:00 2024"
                        .getBytes(StandardCharsets.US_ASCII),
                116);
        for (int i = 0; i < text.length; i++) {
            text[i] = text[i] == 0 ? (byte) ' ' : text[i];
        }
        b.put(text);
        b.putLong(0);
        b.putShort((short) 0x0100);
        b.put((byte) 'I').put((byte) 'M');
        return b.array();
    }

    /** A data element: 8-byte tag (type, byte count), the bytes, zero padding to a multiple of 8. */
    static byte[] element(int type, byte[] data) {
        int padded = (data.length + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(type).putInt(data.length).put(data);
        return b.array();
    }

    /** A small data element (at most 4 bytes): byte count in the upper, type in the lower 2 bytes, then the data. */
    static byte[] smallElement(int type, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(data.length << 16 | type).put(data);
        return b.array();
    }

    /**
     * A miMATRIX element: array flags (class, no complex/global/logical bits), dimensions, name (small
     * form up to 4 characters, as MATLAB writes it) and the real part stored as {@code dataType}.
     */
    static byte[] matrix(String name, int mxClass, int[] dims, int dataType, byte[] data) {
        ByteBuffer flags = ByteBuffer.allocate(8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(mxClass)
                .putInt(0);
        ByteBuffer d = ByteBuffer.allocate(4 * dims.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : dims) {
            d.putInt(v);
        }
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        content.writeBytes(element(MI_UINT32, flags.array()));
        content.writeBytes(element(MI_INT32, d.array()));
        content.writeBytes(n.length <= 4 ? smallElement(MI_INT8, n) : element(MI_INT8, n));
        content.writeBytes(element(dataType, data));
        return element(MI_MATRIX, content.toByteArray());
    }

    /** {@code element} deflated (zlib) inside a miCOMPRESSED element, as MATLAB -v7 saves variables; no padding. */
    static byte[] compressed(byte[] element) {
        Deflater deflater = new Deflater();
        deflater.setInput(element);
        deflater.finish();
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (!deflater.finished()) {
            z.write(buf, 0, deflater.deflate(buf));
        }
        deflater.end();
        ByteBuffer b = ByteBuffer.allocate(8 + z.size()).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MI_COMPRESSED).putInt(z.size()).put(z.toByteArray());
        return b.array();
    }

    static byte[] doubles(double... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double x : v) {
            b.putDouble(x);
        }
        return b.array();
    }

    static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    static byte[] file(byte[]... elements) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header());
        for (byte[] e : elements) {
            out.writeBytes(e);
        }
        return out.toByteArray();
    }
}
