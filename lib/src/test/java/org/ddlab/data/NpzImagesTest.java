package org.ddlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The .npz files here are built by hand: a ZIP of .npy entries whose headers follow the NPY format 1.0. */
class NpzImagesTest {

    static final int C = 3;
    static final int H = 4;
    static final int W = 5;

    @TempDir
    Path dir;

    // ---------------------------------------------------------------- writers

    /** A .npy 1.0 file: magic, version 1.0, header length (uint16 LE), dict padded to 64 bytes with '\n', data. */
    static byte[] npy(String descr, String shape, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int pad = (64 - (10 + dict.length() + 1) % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        return b.array();
    }

    Path npz(String name, Map<String, byte[]> entries) throws IOException {
        Path f = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(f);
                ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return f;
    }

    /** Pixel byte of image n at (c, h, w): distinct for a swapped channel, transposed h/w or wrong image. */
    static int value(int n, int c, int h, int w) {
        return (n * 50 + c * 70 + h * 3 + w * 11) & 0xFF;
    }

    /** The values of n images in row-major order of (N, H, W, C) when {@code channelsLast}, else (N, C, H, W). */
    static int[] values(int n, int channels, boolean channelsLast) {
        int[] out = new int[n * channels * H * W];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (channelsLast) {
                for (int h = 0; h < H; h++) {
                    for (int w = 0; w < W; w++) {
                        for (int c = 0; c < channels; c++) {
                            out[k++] = value(i, c, h, w);
                        }
                    }
                }
            } else {
                for (int c = 0; c < channels; c++) {
                    for (int h = 0; h < H; h++) {
                        for (int w = 0; w < W; w++) {
                            out[k++] = value(i, c, h, w);
                        }
                    }
                }
            }
        }
        return out;
    }

    static byte[] u1(int[] v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    /** float32 values v / 255. */
    static byte[] f4(int[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : v) {
            b.putFloat(x / 255f);
        }
        return b.array();
    }

    /** float64 values v / 255. */
    static byte[] f8(int[] v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : v) {
            b.putDouble(x / 255.0);
        }
        return b.array();
    }

    static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }

    static byte[] i8(long... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) {
            b.putLong(x);
        }
        return b.array();
    }

    static byte[] i4(int... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : v) {
            b.putInt(x);
        }
        return b.array();
    }

    /** A '<U{width}' array: each string as UTF-32LE code points, NUL-padded to {@code width}. */
    static byte[] unicode(int width, String... s) {
        ByteBuffer b = ByteBuffer.allocate(4 * width * s.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < s.length; i++) {
            int[] cps = s[i].codePoints().toArray();
            for (int j = 0; j < cps.length; j++) {
                b.putInt((i * width + j) * 4, cps[j]);
            }
        }
        return b.array();
    }

    /** Keras-named arrays: 2 train images, 1 test image, uint8 channels last. */
    static Map<String, byte[]> keras() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("x_train", npy("|u1", "(2, 4, 5, 3)", u1(values(2, C, true))));
        m.put("y_train", npy("<i8", "(2,)", i8(1, 0)));
        m.put("x_test", npy("|u1", "(1, 4, 5, 3)", u1(values(1, C, true))));
        m.put("y_test", npy("<i4", "(1, 1)", i4(4)));
        return m;
    }

    static void assertPixels(ImageSet set, int channels, float tolerance) {
        for (int n = 0; n < set.size(); n++) {
            for (int c = 0; c < channels; c++) {
                for (int h = 0; h < H; h++) {
                    for (int w = 0; w < W; w++) {
                        assertEquals(
                                value(n, c, h, w) / 255f,
                                set.pixel(n, c, h, w),
                                tolerance,
                                set.name() + " image " + n + " at (c,h,w) = (" + c + "," + h + "," + w + ")");
                    }
                }
            }
        }
    }

    DataFormatException failure(Map<String, byte[]> entries) throws IOException {
        Path f = npz("bad.npz", entries);
        DataFormatException e = assertThrows(DataFormatException.class, () -> NpzImages.read(f, "bad"));
        assertEquals(f, e.file());
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        return e;
    }

    // ---------------------------------------------------------------- layouts and dtypes

    @Test
    void kerasUint8ChannelsLastIsTransposedToChannelsFirst() throws IOException {
        TrainTest t = NpzImages.read(npz("keras.npz", keras()), "mine");

        assertEquals("mine train", t.train().name());
        assertEquals("mine test", t.test().name());
        assertEquals(2, t.train().size());
        assertEquals(1, t.test().size());
        assertEquals(C, t.train().channels());
        assertEquals(H, t.train().height());
        assertEquals(W, t.train().width());
        assertArrayEquals(new int[] {1, 0}, t.train().labels());
        assertArrayEquals(new int[] {4}, t.test().labels());
        // No class_names: "0".."k-1" with k = largest label of train and test + 1.
        assertEquals(List.of("0", "1", "2", "3", "4"), t.train().classNames());
        assertEquals(t.train().classNames(), t.test().classNames());
        assertPixels(t.train(), C, 0f);
        assertPixels(t.test(), C, 0f);
    }

    @Test
    void pytorchFloatChannelsFirstWithClassNames() throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("train_images", npy("<f4", "(2, 3, 4, 5)", f4(values(2, C, false))));
        m.put("train_labels", npy("|u1", "(2,)", new byte[] {2, 1}));
        m.put("test_images", npy("<f8", "(1, 3, 4, 5)", f8(values(1, C, false))));
        m.put("test_labels", npy("<i2", "(1,)", new byte[] {0, 0}));
        m.put("class_names", npy("<U5", "(3,)", unicode(5, "cat", "dog", "émeu")));

        TrainTest t = NpzImages.read(npz("torch.npz", m), "torch");

        assertEquals(List.of("cat", "dog", "émeu"), t.train().classNames());
        assertArrayEquals(new int[] {2, 1}, t.train().labels());
        assertArrayEquals(new int[] {0}, t.test().labels());
        assertPixels(t.train(), C, 1e-7f);
        assertPixels(t.test(), C, 1e-7f);
    }

    @Test
    void greyImagesComeInThreeShapes() throws IOException {
        for (String[] shapes : new String[][] {
            {"(2, 4, 5)", "(1, 4, 5)"}, {"(2, 4, 5, 1)", "(1, 4, 5, 1)"}, {"(2, 1, 4, 5)", "(1, 1, 4, 5)"}
        }) {
            Map<String, byte[]> m = new LinkedHashMap<>();
            m.put("x_train", npy("|u1", shapes[0], u1(values(2, 1, true))));
            m.put("y_train", npy("<i8", "(2,)", i8(0, 1)));
            m.put("x_test", npy("<f4", shapes[1], f4(values(1, 1, false))));
            m.put("y_test", npy("<i8", "(1,)", i8(1)));

            TrainTest t = NpzImages.read(npz("grey.npz", m), "grey");

            assertEquals(1, t.train().channels(), shapes[0]);
            assertEquals(H, t.train().height(), shapes[0]);
            assertEquals(W, t.train().width(), shapes[0]);
            assertPixels(t.train(), 1, 0f);
            assertPixels(t.test(), 1, 1e-7f);
        }
    }

    @Test
    void anAmbiguousShapeIsReadChannelsFirst() throws IOException {
        // (N, 3, 4, 3): axis 1 and axis 3 both could be channels; axis 1 wins.
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("x_train", npy("|u1", "(1, 3, 4, 3)", u1(new int[36])));
        m.put("y_train", npy("<i8", "(1,)", i8(0)));
        m.put("x_test", npy("|u1", "(1, 3, 4, 3)", u1(new int[36])));
        m.put("y_test", npy("<i8", "(1,)", i8(0)));

        TrainTest t = NpzImages.read(npz("ambiguous.npz", m), "a");

        assertEquals(3, t.train().channels());
        assertEquals(4, t.train().height());
        assertEquals(3, t.train().width());
    }

    @Test
    void floatsWithinRoundingOfTheUnitRangeAreClamped() throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("x_train", npy("<f4", "(1, 1, 1, 2)", floats(-0.005f, 1.008f)));
        m.put("y_train", npy("<i8", "(1,)", i8(0)));
        m.put("x_test", npy("<f4", "(1, 1, 1, 2)", floats(0.25f, 1f)));
        m.put("y_test", npy("<i8", "(1,)", i8(0)));

        TrainTest t = NpzImages.read(npz("clamp.npz", m), "c");

        assertEquals(0f, t.train().pixel(0, 0, 0, 0));
        assertEquals(1f, t.train().pixel(0, 0, 0, 1));
    }

    // ---------------------------------------------------------------- errors

    @Test
    void missingArraysAreNamed() throws IOException {
        Map<String, byte[]> m = keras();
        m.remove("y_test");
        DataFormatException e = failure(m);
        assertTrue(e.getMessage().contains("no [y_test]"), e.getMessage());

        Map<String, byte[]> other = new LinkedHashMap<>();
        other.put("images", npy("<i8", "(1,)", i8(0)));
        e = failure(other);
        assertTrue(e.getMessage().contains("holds none of the expected arrays"), e.getMessage());
        assertTrue(e.getMessage().contains("arrays found: [images]"), e.getMessage());
    }

    @Test
    void floatsOutOfRangeNameTheArrayIndexAndValue() throws IOException {
        Map<String, byte[]> m = keras();
        int[] v = values(2, C, true);
        byte[] f = f4(v);
        ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putFloat(4 * (60 + 2 * 3 + 1), 37f); // image 1, h 0, w 2, c 1
        m.put("x_train", npy("<f4", "(2, 4, 5, 3)", f));
        DataFormatException e = failure(m);
        assertTrue(e.getMessage().contains("image array 'x_train' holds 37.0 at index [1, 0, 2, 1]"), e.getMessage());
        assertTrue(e.getMessage().contains("images must be pixels in [0,1] or uint8 0..255"), e.getMessage());
        assertTrue(e.getMessage().contains("0..255 stored as float"), e.getMessage());

        ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putFloat(4 * (60 + 2 * 3 + 1), Float.NaN);
        m.put("x_train", npy("<f4", "(2, 4, 5, 3)", f));
        e = failure(m);
        assertTrue(e.getMessage().contains("holds NaN at index [1, 0, 2, 1]"), e.getMessage());

        m.put("x_train", npy("<f4", "(2, 3, 4, 5)", floats(new float[120])));
        ByteBuffer neg = ByteBuffer.wrap(floats(new float[60]))
                .order(ByteOrder.LITTLE_ENDIAN)
                .putFloat(4 * 59, -0.5f);
        m.put("x_test", npy("<f4", "(1, 3, 4, 5)", neg.array()));
        e = failure(m);
        assertTrue(e.getMessage().contains("'x_test' holds -0.5 at index [0, 2, 3, 4]"), e.getMessage());
        assertTrue(e.getMessage().contains("normalised"), e.getMessage());
    }

    @Test
    void labelCountMustMatchImageCount() throws IOException {
        Map<String, byte[]> m = keras();
        m.put("y_train", npy("<i8", "(3,)", i8(0, 1, 2)));
        DataFormatException e = failure(m);
        assertTrue(
                e.getMessage().contains("label array 'y_train' has shape (3,) but 'x_train' holds 2 images"),
                e.getMessage());
    }

    @Test
    void negativeAndFloatLabelsAreRejected() throws IOException {
        Map<String, byte[]> m = keras();
        m.put("y_train", npy("<i8", "(2,)", i8(0, -1)));
        DataFormatException e = failure(m);
        assertTrue(e.getMessage().contains("label array 'y_train' holds -1 at index 1"), e.getMessage());

        m = keras();
        m.put("y_test", npy("<f4", "(1,)", floats(1f)));
        e = failure(m);
        assertTrue(
                e.getMessage().contains("label array 'y_test' has dtype <f4; labels must be integers"), e.getMessage());
    }

    @Test
    void trainAndTestImageShapesMustAgree() throws IOException {
        Map<String, byte[]> m = keras();
        m.put("x_test", npy("|u1", "(1, 4, 4, 3)", u1(new int[48])));
        DataFormatException e = failure(m);
        assertTrue(
                e.getMessage()
                        .contains("'x_train' holds images of 3x4x5 (shape (2, 4, 5, 3), channels last) but 'x_test' "
                                + "holds 3x4x4 (shape (1, 4, 4, 3), channels last)"),
                e.getMessage());
    }

    @Test
    void imageShapesAndDtypesThatAreNotImagesAreRejected() throws IOException {
        Map<String, byte[]> m = keras();
        m.put("x_train", npy("|u1", "(2, 4, 5, 2)", u1(new int[80])));
        DataFormatException e = failure(m);
        assertTrue(e.getMessage().contains("image array 'x_train' has shape (2, 4, 5, 2)"), e.getMessage());

        m = keras();
        m.put("x_train", npy("<i8", "(1, 1, 1, 1)", i8(3)));
        e = failure(m);
        assertTrue(e.getMessage().contains("image array 'x_train' has dtype <i8"), e.getMessage());
    }

    @Test
    void classNamesMustCoverEveryLabel() throws IOException {
        Map<String, byte[]> m = keras();
        m.put("class_names", npy("<U3", "(2,)", unicode(3, "cat", "dog")));
        DataFormatException e = failure(m);
        assertTrue(e.getMessage().contains("'class_names' names 2 classes but 'y_test' holds label 4"), e.getMessage());
    }

    @Test
    void brokenAndMissingFiles() throws IOException {
        Path junk = Files.writeString(dir.resolve("junk.npz"), "not a zip at all");
        DataFormatException e = assertThrows(DataFormatException.class, () -> NpzImages.read(junk, "j"));
        assertTrue(e.getMessage().startsWith(junk + ": is not a readable .npz"), e.getMessage());

        Path missing = dir.resolve("missing.npz");
        NoSuchFileException n = assertThrows(NoSuchFileException.class, () -> NpzImages.read(missing, "m"));
        assertEquals(missing.toString(), n.getFile());
    }
}
