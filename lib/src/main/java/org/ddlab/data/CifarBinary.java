package org.ddlab.data;

import static org.ddlab.data.DataFormatException.number;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the binary versions of CIFAR-10 and CIFAR-100 (https://www.cs.toronto.edu/~kriz/cifar.html):
 * files of fixed-size records, each the label byte(s) followed by 3072 pixel bytes, 1024 red, 1024
 * green, 1024 blue, each plane row-major 32x32. That is already [C,H,W] order, so pixels go straight
 * into the set's array. A file has no header, so the only signs of a wrong or broken file are a size
 * that is not a whole number of records and a label byte outside the class range; both are checked.
 *
 * <p>Memory: the sizes of all files are checked first, then one float array of the final size is
 * allocated and each file is streamed into it a few hundred records at a time (CIFAR-10 train:
 * 50 000 x 3072 floats = 600 MB, plus a 0.8 MB buffer).
 */
public final class CifarBinary {

    /** Channels, height and width of every CIFAR image. */
    public static final int CHANNELS = 3;

    public static final int SIZE = 32;
    /** Pixel bytes per record: 3 planes of 32x32. */
    public static final int PIXELS = CHANNELS * SIZE * SIZE;

    private static final int RECORDS_PER_READ = 256;

    /** The record layouts, with which label byte becomes the label. */
    public enum Layout {
        /** 1 label byte (0..9), 3072 pixel bytes. */
        CIFAR10("CIFAR-10", 1, 0, 10),
        /** 1 coarse label byte (0..19), 1 fine label byte (0..99), 3072 pixel bytes; the fine label is used. */
        CIFAR100_FINE("CIFAR-100", 2, 1, 100),
        /** As {@link #CIFAR100_FINE}, using the coarse label (20 superclasses). */
        CIFAR100_COARSE("CIFAR-100", 2, 0, 20);

        private final String format;
        private final int labelBytes;
        private final int labelIndex;
        private final int classes;

        Layout(String format, int labelBytes, int labelIndex, int classes) {
            this.format = format;
            this.labelBytes = labelBytes;
            this.labelIndex = labelIndex;
            this.classes = classes;
        }

        /** Bytes per record: the label bytes plus 3072 pixels. */
        public int recordBytes() {
            return labelBytes + PIXELS;
        }

        /** Number of classes of the label this layout uses. */
        public int classes() {
            return classes;
        }

        /** The classes each label byte of a record ranges over: {10} or {20, 100}. */
        private int classesOfLabelByte(int b) {
            return labelBytes == 1 ? 10 : b == 0 ? 20 : 100;
        }

        private String labelName(int b) {
            return labelBytes == 1 ? "label" : b == 0 ? "coarse label" : "fine label";
        }
    }

    private CifarBinary() {}

    /**
     * Reads records from {@code files}, in order, into one set with pixels in [0,1].
     *
     * @param classNames one name per class of {@code layout} (see {@link #readClassNames(Path, Layout)}),
     *                   or null for "0".."k-1"
     * @throws NoSuchFileException   when a file is missing
     * @throws DataFormatException   when a file is empty or not a whole number of records, or a label
     *                               byte is outside its class range; the message names the file,
     *                               record and byte offset
     * @throws IllegalArgumentException when {@code classNames} does not have one name per class
     */
    public static ImageSet read(List<Path> files, Layout layout, List<String> classNames, String setName)
            throws IOException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no files to read");
        }
        List<String> names = classNames != null ? classNames : numbered(layout.classes());
        if (names.size() != layout.classes()) {
            throw new IllegalArgumentException(
                    layout + " has " + layout.classes() + " classes but " + names.size() + " class names were given");
        }
        long[] counts = new long[files.size()];
        long total = 0;
        for (int i = 0; i < counts.length; i++) {
            counts[i] = recordCount(files.get(i), layout);
            total += counts[i];
        }
        if (total * PIXELS > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(number(total) + " records are more pixels than one Java array holds");
        }
        byte[] pixels =
                new byte[(int) total * PIXELS]; // kept as bytes: 150 MB for CIFAR-10's training split, not 600 MB
        int[] labels = new int[(int) total];
        int first = 0;
        for (int i = 0; i < counts.length; i++) {
            readInto(files.get(i), layout, pixels, labels, first, (int) counts[i]);
            first += (int) counts[i];
        }
        return ImageSet.wrapBytes(setName, pixels, labels, CHANNELS, SIZE, SIZE, names);
    }

    /**
     * Class names from a text file with one name per line ({@code batches.meta.txt},
     * {@code fine_label_names.txt}, {@code coarse_label_names.txt}); surrounding blanks are trimmed
     * and blank lines ignored, since the CIFAR-10 file ends in several of them.
     */
    public static List<String> readClassNames(Path txt) throws IOException {
        if (!Files.isRegularFile(txt)) {
            throw new NoSuchFileException(txt.toString(), null, "no such class-name file");
        }
        List<String> names = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(txt, StandardCharsets.UTF_8)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.isBlank()) {
                    names.add(line.strip());
                }
            }
        }
        return names;
    }

    /**
     * As {@link #readClassNames(Path)}, checking that the file names exactly the classes of
     * {@code layout} (10, 100 fine or 20 coarse): a coarse list given for fine labels would
     * otherwise fail only when a label reaches 20.
     */
    public static List<String> readClassNames(Path txt, Layout layout) throws IOException {
        List<String> names = readClassNames(txt);
        if (names.size() != layout.classes()) {
            throw new DataFormatException(
                    txt,
                    "holds " + names.size() + " class names (non-blank lines) but "
                            + layout.format
                            + (layout == Layout.CIFAR10
                                    ? ""
                                    : layout == Layout.CIFAR100_FINE ? " fine labels" : " coarse labels")
                            + " need " + layout.classes() + ", one per line"
                            + (layout != Layout.CIFAR10
                                    ? " (fine_label_names.txt has 100, coarse_label_names.txt 20)"
                                    : ""));
        }
        return names;
    }

    /** The number of records in {@code file}, from its size; a size that is no whole number of records is an error. */
    private static long recordCount(Path file, Layout layout) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such " + layout.format + " binary file");
        }
        long size = Files.size(file);
        int record = layout.recordBytes();
        if (size == 0) {
            throw new DataFormatException(
                    file, "is empty; expected " + record + "-byte " + layout.format + " records — download it again");
        }
        long whole = size / record;
        if (size % record != 0) {
            long cut = size - whole * record;
            String hint = "the file is truncated or not a " + layout.format + " binary file — download it again";
            int other = layout == Layout.CIFAR10 ? Layout.CIFAR100_FINE.recordBytes() : Layout.CIFAR10.recordBytes();
            if (size % other == 0) {
                hint = "it is a whole number of " + other + "-byte records, the size of "
                        + (layout == Layout.CIFAR10 ? "CIFAR-100" : "CIFAR-10") + " records: is it the other data set?";
            }
            throw new DataFormatException(
                    file,
                    number(size) + " bytes is not a whole number of " + record
                            + "-byte " + layout.format + " records (record " + number(whole)
                            + ", counting from 0, starts at byte offset "
                            + number(whole * record) + " and is cut short after " + number(cut) + " of its " + record
                            + " bytes); " + hint);
        }
        return whole;
    }

    /**
     * Streams the {@code count} records of {@code file} into the arrays from record {@code first}.
     * The size was checked before, so a short or long read means the file changed meanwhile.
     */
    private static void readInto(Path file, Layout layout, byte[] pixels, int[] labels, int first, int count)
            throws IOException {
        int record = layout.recordBytes();
        byte[] buf = new byte[RECORDS_PER_READ * record];
        try (InputStream in = Files.newInputStream(file)) {
            for (int done = 0; done < count; ) {
                int want = Math.min(RECORDS_PER_READ, count - done) * record;
                int n = in.readNBytes(buf, 0, want);
                if (n < want) {
                    throw new DataFormatException(
                            file,
                            "ended at byte offset " + number((long) done * record + n)
                                    + ", inside record " + number(done + n / record) + " of the " + number(count)
                                    + " its size promised; the file changed while it was read");
                }
                for (int r = 0; r < want / record; r++, done++) {
                    int at = r * record;
                    for (int b = 0; b < layout.labelBytes; b++) {
                        int label = buf[at + b] & 0xFF;
                        int limit = layout.classesOfLabelByte(b);
                        if (label >= limit) {
                            throw new DataFormatException(
                                    file,
                                    layout.labelName(b) + " " + label + " of record "
                                            + number(done) + " (byte offset " + number((long) done * record + b)
                                            + ") is outside 0.."
                                            + (limit - 1) + ": " + layout.format + " has " + limit + " "
                                            + layout.labelName(b)
                                            + "s; the file is damaged or not a " + layout.format + " binary file");
                        }
                    }
                    int index = first + done;
                    labels[index] = buf[at + layout.labelIndex] & 0xFF;
                    int out = index * PIXELS;
                    int from = at + layout.labelBytes;
                    System.arraycopy(buf, from, pixels, out, PIXELS);
                }
            }
            if (in.read() != -1) {
                throw new DataFormatException(
                        file,
                        "has more than the " + number(count)
                                + " records its size promised; the file changed while it was read");
            }
        }
    }

    private static List<String> numbered(int k) {
        List<String> names = new ArrayList<>(k);
        for (int c = 0; c < k; c++) {
            names.add(Integer.toString(c));
        }
        return names;
    }
}
