package org.ddlab.data;

import static org.ddlab.data.DataFormatException.number;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Inflater;

/**
 * The top-level variables of a MATLAB Level-5 MAT-file (MathWorks, "MAT-File Format", ch. 1): name,
 * class and dimensions of each, read from the element headers without reading the data. A reader
 * checks these before a MAT library decodes hundreds of megabytes, and a file cut short is reported
 * with the variable it cuts, which a library's "buffer underflow" does not say.
 *
 * <p>The layout walked here: a 128-byte header (116 bytes of text starting "MATLAB 5.0 MAT-file",
 * an 8-byte subsystem offset, a 2-byte version, the endian indicator "IM" or "MI"), then data
 * elements, each an 8-byte tag (type, byte count) and its bytes. A variable is a miMATRIX element
 * (type 14) or a miCOMPRESSED one (type 15, a zlib stream holding a miMATRIX element, what MATLAB's
 * default -v7 writes). A miMATRIX element starts with three sub-elements: array flags (miUINT32:
 * class in the low byte, complex bit 0x0800), dimensions (miINT32) and name (miINT8, in the 4-byte
 * "small data element" form when it is at most 4 characters).
 */
final class MatVariables {

    /** mxDOUBLE_CLASS .. mxUINT64_CLASS: the classes of plain numeric arrays. */
    static final int DOUBLE = 6;

    static final int UINT8 = 9;
    private static final int UINT64 = 15;

    private static final int MI_INT8 = 1;
    private static final int MI_INT32 = 5;
    private static final int MI_UINT32 = 6;
    private static final int MI_MATRIX = 14;
    private static final int MI_COMPRESSED = 15;
    private static final int HEADER = 128;
    /** Enough of an element's start for flags, up to dozens of dimensions and a 63-character name. */
    private static final int HEAD_BYTES = 1024;

    private static final String[] CLASS_NAMES = {
        "?",
        "cell",
        "struct",
        "object",
        "char",
        "sparse",
        "double",
        "single",
        "int8",
        "uint8",
        "int16",
        "uint16",
        "int32",
        "uint32",
        "int64",
        "uint64",
        "function handle",
        "opaque"
    };

    private MatVariables() {}

    /**
     * One variable: its MATLAB class (mxCLASS id), complexity, dimensions, the byte offset of its
     * element and the byte count in the element's tag.
     */
    record Variable(
            String name, int matClass, boolean complex, int[] dims, long offset, long bytes, boolean compressed) {
        Variable {
            dims = dims.clone();
        }

        @Override
        public int[] dims() {
            return dims.clone();
        }

        boolean isNumeric() {
            return matClass >= DOUBLE && matClass <= UINT64;
        }

        /** "uint8 [32, 32, 3, 73257]", as MATLAB's whos would describe it. */
        String describe() {
            return (complex ? "complex " : "") + className(matClass) + " " + Arrays.toString(dims);
        }
    }

    static String className(int matClass) {
        return matClass >= 0 && matClass < CLASS_NAMES.length ? CLASS_NAMES[matClass] : "class " + matClass;
    }

    /**
     * The variables of {@code file} in file order.
     *
     * @throws DataFormatException when the file is not a Level-5 MAT-file, an element header is
     *                             malformed, or the file ends inside an element (naming the variable)
     */
    static List<Variable> scan(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteOrder order = header(file, ch, size);
            List<Variable> out = new ArrayList<>();
            long offset = HEADER;
            while (offset < size) {
                if (size - offset < 8) {
                    throw new DataFormatException(
                            file,
                            "ends " + (size - offset) + " bytes into the tag of the element at byte offset "
                                    + number(offset) + "; the file is truncated — download it again");
                }
                ByteBuffer tag = read(ch, offset, 8).order(order);
                int type = tag.getInt(0);
                long bytes = tag.getInt(4) & 0xFFFFFFFFL;
                if (type != MI_MATRIX && type != MI_COMPRESSED) {
                    throw new DataFormatException(
                            file,
                            "the element at byte offset " + number(offset) + " has type " + type
                                    + "; a variable is a miMATRIX (14) or miCOMPRESSED (15) element, so the file is damaged");
                }
                long end = offset + 8 + bytes;
                long available = Math.min(bytes, size - offset - 8);
                Head head = head(file, ch, offset, type == MI_COMPRESSED, available, order);
                if (end > size) {
                    throw new DataFormatException(
                            file,
                            (head.name == null ? "the variable" : "variable '" + head.name + "'")
                                    + " whose element starts at byte offset " + number(offset)
                                    + " is cut short: its tag announces "
                                    + number(bytes) + " bytes but the file ends after " + number(available)
                                    + "; the file is truncated — download it again");
                }
                if (head.name == null) {
                    throw new DataFormatException(
                            file,
                            "the element at byte offset " + number(offset)
                                    + " is too short for a variable header (array flags, dimensions, name): "
                                    + head.problem);
                }
                out.add(new Variable(
                        head.name, head.matClass, head.complex, head.dims, offset, bytes, type == MI_COMPRESSED));
                offset = end;
            }
            return out;
        }
    }

    /**
     * Inflates the whole zlib stream of a compressed variable and discards it, so that zlib checks
     * the stream's Adler-32 checksum. MFL reads exactly the bytes it needs and never reaches the
     * checksum, and damaged deflate data often still decodes, into wrong pixels; this pass costs a
     * second decompression of the variable to turn that into an error.
     * Uncompressed variables have no checksum and pass unchecked.
     */
    static void verify(Path file, Variable v) throws IOException {
        if (!v.compressed()) {
            return;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long bytes = v.bytes();
            long start = v.offset() + 8;
            Inflater inflater = new Inflater();
            try {
                byte[] in = new byte[1 << 16];
                byte[] out = new byte[1 << 16];
                long fed = 0;
                while (!inflater.finished()) {
                    if (inflater.needsInput()) {
                        if (fed >= bytes) {
                            throw new DataFormatException(
                                    file,
                                    "the compressed data of variable '" + v.name()
                                            + "' (element at byte offset " + number(v.offset())
                                            + ") ends before its zlib stream does; "
                                            + "the file is damaged — download it again");
                        }
                        int n = (int) Math.min(in.length, bytes - fed);
                        ByteBuffer chunk = ByteBuffer.wrap(in, 0, n);
                        while (chunk.hasRemaining() && ch.read(chunk, start + fed + chunk.position()) >= 0) {
                            // read the whole chunk; scan() has checked the element lies within the file
                        }
                        inflater.setInput(in, 0, n);
                        fed += n;
                    }
                    inflater.inflate(out);
                    if (inflater.needsDictionary()) {
                        throw new java.util.zip.DataFormatException("stream asks for a preset dictionary");
                    }
                }
            } catch (java.util.zip.DataFormatException e) {
                throw new DataFormatException(
                        file,
                        "the compressed data of variable '" + v.name() + "' is damaged near byte offset "
                                + number(start + inflater.getBytesRead()) + " (zlib: " + e.getMessage()
                                + "); download the file again",
                        e);
            } finally {
                inflater.end();
            }
        }
    }

    private static ByteOrder header(Path file, FileChannel ch, long size) throws IOException {
        ByteBuffer h = read(ch, 0, (int) Math.min(HEADER, size));
        String text = StandardCharsets.ISO_8859_1
                .decode(h.duplicate().limit(Math.min(116, h.limit())))
                .toString();
        if (text.startsWith("MATLAB 7.3 MAT-file")
                || (size >= 4 && h.get(1) == 'H' && h.get(2) == 'D' && h.get(3) == 'F')) {
            throw new DataFormatException(
                    file,
                    "is a MATLAB 7.3 (HDF5) MAT-file; only Level-5 MAT-files "
                            + "(MATLAB -v6/-v7, what SVHN ships) are read");
        }
        if (!text.startsWith("MATLAB 5.0 MAT-file")) {
            throw new DataFormatException(
                    file,
                    "does not start with the text 'MATLAB 5.0 MAT-file' (byte offset 0); "
                            + "it is not a Level-5 MAT-file (an error page saved in place of the download?)");
        }
        if (size < HEADER) {
            throw new DataFormatException(
                    file,
                    "ends at byte offset " + size + ", inside the 128-byte MAT-file header; "
                            + "the file is truncated — download it again");
        }
        byte a = h.get(126);
        byte b = h.get(127);
        if (a == 'I' && b == 'M') {
            return ByteOrder.LITTLE_ENDIAN;
        }
        if (a == 'M' && b == 'I') {
            return ByteOrder.BIG_ENDIAN;
        }
        throw new DataFormatException(
                file,
                String.format(
                        "endian indicator at byte offset 126 is 0x%02X 0x%02X; expected "
                                + "'IM' (little-endian) or 'MI' (big-endian)",
                        a & 0xFF, b & 0xFF));
    }

    /** What the start of an element says; {@code name} is null when the bytes end before the name. */
    private record Head(String name, int matClass, boolean complex, int[] dims, String problem) {}

    /** Parses the array flags, dimensions and name at the start of an element's data. */
    private static Head head(
            Path file, FileChannel ch, long offset, boolean compressed, long available, ByteOrder order)
            throws IOException {
        if (!compressed) {
            return parseHead(
                    file,
                    read(ch, offset + 8, (int) Math.min(available, HEAD_BYTES)).order(order),
                    offset,
                    false);
        }
        Inflated inflated = inflateHead(ch, offset + 8, available, order);
        Head head = parseHead(file, inflated.bytes(), offset, true);
        // Damage after the name is left to verify(), which names the variable, and only for variables that are read.
        if (inflated.problem() != null && head.name == null) {
            throw new DataFormatException(
                    file,
                    "the compressed variable at byte offset " + number(offset)
                            + " is damaged near byte offset " + number(inflated.at()) + " (zlib: " + inflated.problem()
                            + "); download the file again");
        }
        return head;
    }

    private static Head parseHead(Path file, ByteBuffer b, long offset, boolean compressed) throws IOException {
        String where = "variable at byte offset " + number(offset);
        if (compressed) {
            if (b.remaining() < 8) {
                return new Head(
                        null, 0, false, new int[0], "its compressed data holds only " + b.remaining() + " bytes");
            }
            int inner = b.getInt();
            b.getInt();
            if (inner != MI_MATRIX) {
                throw new DataFormatException(
                        file, "the compressed " + where + " holds an element of type " + inner + ", not miMATRIX (14)");
            }
        }
        int[] flags = subElement(file, b, MI_UINT32, "array flags", where);
        if (flags == null || flags.length < 2) {
            return new Head(null, 0, false, new int[0], "it ends inside the array flags");
        }
        int[] dims = subElement(file, b, MI_INT32, "dimensions", where);
        if (dims == null) {
            return new Head(null, 0, false, new int[0], "it ends inside the dimensions");
        }
        int[] name = subElement(file, b, MI_INT8, "name", where);
        if (name == null) {
            return new Head(null, 0, false, new int[0], "it ends inside the name");
        }
        StringBuilder s = new StringBuilder();
        for (int c : name) {
            s.append((char) (c & 0xFF));
        }
        return new Head(s.toString(), flags[0] & 0xFF, (flags[0] & 0x0800) != 0, dims, null);
    }

    /**
     * The values of the next sub-element, which must have type {@code type}: ints for miUINT32 and
     * miINT32, bytes for miINT8. Null when the buffer ends first.
     */
    private static int[] subElement(Path file, ByteBuffer b, int type, String what, String where) throws IOException {
        if (b.remaining() < 8) {
            return null;
        }
        int first = b.getInt();
        boolean small = (first >>> 16) != 0;
        int found = small ? first & 0xFFFF : first;
        int bytes = small ? first >>> 16 : b.getInt();
        if (found != type || bytes < 0 || (type != MI_INT8 && bytes % 4 != 0)) {
            throw new DataFormatException(
                    file,
                    "the " + where + " has a malformed header: its " + what + " sub-element has type " + found + " and "
                            + bytes + " bytes, expected type " + type);
        }
        int stored = small ? 4 : (bytes + 7) / 8 * 8;
        if (b.remaining() < bytes) {
            return null;
        }
        int start = b.position();
        int[] out = new int[type == MI_INT8 ? bytes : bytes / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = type == MI_INT8 ? b.get(start + i) : b.getInt(start + 4 * i);
        }
        b.position(Math.min(b.limit(), start + stored));
        return out;
    }

    /**
     * Up to {@link #HEAD_BYTES} of the zlib stream that starts at {@code offset}; when zlib finds the
     * stream damaged, what it inflated before, the problem and the byte offset it had reached.
     */
    private record Inflated(ByteBuffer bytes, String problem, long at) {}

    private static Inflated inflateHead(FileChannel ch, long offset, long available, ByteOrder order)
            throws IOException {
        Inflater inflater = new Inflater();
        byte[] out = new byte[HEAD_BYTES];
        int have = 0;
        try {
            long fed = 0;
            while (have < out.length && !inflater.finished() && !inflater.needsDictionary()) {
                if (inflater.needsInput()) {
                    if (fed >= available) {
                        break;
                    }
                    int n = (int) Math.min(4096, available - fed);
                    inflater.setInput(read(ch, offset + fed, n));
                    fed += n;
                }
                // Small steps: the output of a call that fails is lost, and the name should survive damage after it.
                have += inflater.inflate(out, have, Math.min(64, out.length - have));
            }
            return new Inflated(ByteBuffer.wrap(out, 0, have).slice().order(order), null, 0);
        } catch (java.util.zip.DataFormatException e) {
            return new Inflated(
                    ByteBuffer.wrap(out, 0, have).slice().order(order),
                    e.getMessage(),
                    offset + inflater.getBytesRead());
        } finally {
            inflater.end();
        }
    }

    private static ByteBuffer read(FileChannel ch, long offset, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (ch.read(b, offset + b.position()) < 0) {
                break;
            }
        }
        return b.flip();
    }
}
