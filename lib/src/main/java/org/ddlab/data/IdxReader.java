package org.ddlab.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/): a
 * 4-byte magic number {@code 0x00 0x00 <type> <dims>}, one big-endian int per dimension, then the
 * data row-major. Only unsigned bytes (type 0x08) are supported because that is what every
 * MNIST-style image and label file uses.
 *
 * <p>Files may be plain or gzip-compressed; compression is detected from the gzip magic bytes
 * (0x1f 0x8b), not from the name, because renamed or already-unpacked copies are common. Byte
 * offsets in error messages count from the start of the (decompressed) IDX stream.
 *
 * <p>The data is read with a few bulk {@code read(byte[], ...)} calls into one array: 60 000 x 784
 * bytes one byte at a time through a GZIPInputStream would take seconds instead of a fraction.
 */
public final class IdxReader {

    /** Magic number of an unsigned-byte IDX file with 3 dimensions: images [count, rows, columns]. */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an unsigned-byte IDX file with 1 dimension: labels [count]. */
    public static final int LABELS_MAGIC = 0x00000801;
    /** The IDX type code of unsigned bytes, the only type this reader supports. */
    public static final int UNSIGNED_BYTE = 0x08;

    private IdxReader() {}

    /** The header of an IDX file: its element type and dimensions. */
    public record Header(int dataType, int[] dims, boolean gzipped) {
        public Header {
            dims = dims.clone();
        }

        @Override
        public int[] dims() {
            return dims.clone();
        }

        /** The first dimension: number of images or labels. */
        public int count() {
            return dims[0];
        }

        /** Number of elements after the header (product of the dimensions). */
        public long elementCount() {
            long n = 1;
            for (int d : dims) {
                n *= d;
            }
            return n;
        }

        /** Size of the header in bytes: the magic number plus one int per dimension. */
        public int headerBytes() {
            return 4 + 4 * dims.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Header h
                    && h.dataType == dataType
                    && h.gzipped == gzipped
                    && Arrays.equals(h.dims, dims);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * dataType + Boolean.hashCode(gzipped)) + Arrays.hashCode(dims);
        }

        @Override
        public String toString() {
            return "Header[type=" + typeName(dataType) + ", dims=" + Arrays.toString(dims) + ", gzipped=" + gzipped
                    + "]";
        }
    }

    /** The unsigned-byte contents of an IDX file; {@code data} is row-major over {@code dims}. */
    public record Contents(Header header, byte[] data) {
        public int[] dims() {
            return header.dims();
        }
    }

    /** Images as raw bytes: {@code pixels[(i * rows + y) * columns + x]}, 0 = background. */
    public static Contents readImages(Path file) throws IOException {
        return read(file, 3);
    }

    /** Labels as ints in 0..255. */
    public static int[] readLabels(Path file) throws IOException {
        byte[] data = read(file, 1).data();
        int[] labels = new int[data.length];
        for (int i = 0; i < data.length; i++) {
            labels[i] = data[i] & 0xFF;
        }
        return labels;
    }

    /** Reads only the header, e.g. to count images without loading them. */
    public static Header readHeader(Path file) throws IOException {
        try (InputStream in = open(file)) {
            return header(file, in, -1, isGzipped(file));
        }
    }

    /**
     * Reads a whole unsigned-byte file, checking it has {@code expectedDims} dimensions and exactly
     * as many data bytes as the dimensions promise.
     */
    public static Contents read(Path file, int expectedDims) throws IOException {
        boolean gzipped = isGzipped(file);
        try (InputStream in = open(file)) {
            Header header = header(file, in, expectedDims, gzipped);
            long n = header.elementCount();
            if (n > Integer.MAX_VALUE - 8) {
                throw new IdxFormatException(
                        file,
                        "dimensions " + Arrays.toString(header.dims) + " make " + n
                                + " bytes, more than one Java array holds (2^31 - 9)");
            }
            byte[] data = new byte[(int) n];
            readFully(file, in, data, header.headerBytes(), "data of " + Arrays.toString(header.dims));
            int extra;
            try {
                extra = in.read();
            } catch (EOFException e) {
                throw new IdxFormatException(
                        file,
                        "truncated gzip stream after byte offset " + (header.headerBytes() + n) + " (" + e.getMessage()
                                + "); download the file again");
            }
            if (extra != -1) {
                throw new IdxFormatException(
                        file,
                        "has more bytes after byte offset " + (header.headerBytes() + n)
                                + " where the data of " + Arrays.toString(header.dims)
                                + " should end; the header's dimensions do not match the file size");
            }
            return new Contents(header, data);
        }
    }

    private static Header header(Path file, InputStream in, int expectedDims, boolean gzipped) throws IOException {
        byte[] magic = new byte[4];
        readFully(file, in, magic, 0, "the 4-byte magic number");
        int found =
                ((magic[0] & 0xFF) << 24) | ((magic[1] & 0xFF) << 16) | ((magic[2] & 0xFF) << 8) | (magic[3] & 0xFF);
        String expected = expectedDims > 0 ? hex(0x0800 | expectedDims) : "0x000008nn";
        if (magic[0] != 0 || magic[1] != 0) {
            throw new IdxFormatException(
                    file,
                    "bad magic number at offset 0: expected " + expected + " ("
                            + describeExpected(expectedDims) + "), found " + hex(found) + "; this is not an IDX file"
                            + (gzipped ? " (after gunzip)" : ""));
        }
        int type = magic[2] & 0xFF;
        int ndims = magic[3] & 0xFF;
        if (type != UNSIGNED_BYTE) {
            throw new IdxFormatException(
                    file,
                    "unsupported data type " + typeName(type) + " (magic " + hex(found)
                            + " at offset 0); only unsigned bytes (0x08) are supported");
        }
        if (ndims == 0 || (expectedDims > 0 && ndims != expectedDims)) {
            throw new IdxFormatException(
                    file,
                    "wrong number of dimensions: expected " + expectedDims + " ("
                            + describeExpected(expectedDims) + ", magic " + expected + "), found " + ndims
                            + " (magic " + hex(found) + ")"
                            + (ndims == 1
                                    ? "; is this a labels file?"
                                    : ndims == 3 ? "; is this an images file?" : ""));
        }
        byte[] raw = new byte[4 * ndims];
        readFully(file, in, raw, 4, "the " + ndims + " dimension sizes");
        int[] dims = new int[ndims];
        for (int i = 0; i < ndims; i++) {
            dims[i] = ((raw[4 * i] & 0xFF) << 24)
                    | ((raw[4 * i + 1] & 0xFF) << 16)
                    | ((raw[4 * i + 2] & 0xFF) << 8)
                    | (raw[4 * i + 3] & 0xFF);
            if (dims[i] < 0) {
                throw new IdxFormatException(
                        file, "dimension " + i + " at offset " + (4 + 4 * i) + " is negative (" + dims[i] + ")");
            }
        }
        return new Header(type, dims, gzipped);
    }

    /** Fills {@code buf} with bulk reads; a short stream becomes an error naming offset and shortfall. */
    private static void readFully(Path file, InputStream in, byte[] buf, long startOffset, String what)
            throws IOException {
        int off = 0;
        try {
            while (off < buf.length) {
                int n = in.read(buf, off, buf.length - off);
                if (n < 0) {
                    break;
                }
                off += n;
            }
        } catch (EOFException e) {
            // GZIPInputStream reports a cut-off compressed file this way; it is the same problem.
        }
        if (off < buf.length) {
            throw new IdxFormatException(
                    file,
                    "truncated: data ended at byte offset " + (startOffset + off)
                            + " while reading " + what + "; expected " + buf.length + " bytes from offset "
                            + startOffset
                            + " (" + (buf.length - off)
                            + " missing). The file is incomplete; download or install it again");
        }
    }

    private static InputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString(), null, "no such IDX file");
        }
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        return isGzipped(file) ? new GZIPInputStream(in, 1 << 16) : in;
    }

    private static boolean isGzipped(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    private static String describeExpected(int dims) {
        return switch (dims) {
            case 1 -> "unsigned-byte labels";
            case 3 -> "unsigned-byte images";
            default -> "unsigned-byte IDX";
        };
    }

    static String typeName(int type) {
        String name = switch (type) {
            case 0x08 -> "unsigned byte";
            case 0x09 -> "signed byte";
            case 0x0B -> "short";
            case 0x0C -> "int";
            case 0x0D -> "float";
            case 0x0E -> "double";
            default -> "unknown";
        };
        return String.format(Locale.ROOT, "0x%02X (%s)", type, name);
    }

    private static String hex(int v) {
        return String.format(Locale.ROOT, "0x%08X", v);
    }
}
