package org.ddlab.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CIFAR binary files are built here record by record from the format's description, not by the reader. */
class CifarBinaryTest {

    @TempDir
    Path dir;

    /** The pixel byte of image i at (c, y, x): distinct for a swapped channel or transposed y/x. */
    static int value(int i, int c, int y, int x) {
        return (i * 31 + c * 100 + y * 7 + x) & 0xFF;
    }

    /** Records of {@code labelBytes} each, then 1024 R, 1024 G, 1024 B bytes, each plane row-major 32x32. */
    static byte[] records(int firstImage, int[]... labelBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int r = 0; r < labelBytes.length; r++) {
            for (int b : labelBytes[r]) {
                out.write(b);
            }
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 32; x++) {
                        out.write(value(firstImage + r, c, y, x));
                    }
                }
            }
        }
        return out.toByteArray();
    }

    Path write(String name, byte[] bytes) throws IOException {
        Path f = dir.resolve(name);
        Files.createDirectories(f.getParent());
        return Files.write(f, bytes);
    }

    static void assertPixels(ImageSet set, int i, int image) {
        int[][] probes = {{0, 0, 0}, {0, 0, 1}, {0, 1, 0}, {1, 2, 5}, {1, 5, 2}, {2, 31, 30}, {2, 30, 31}, {2, 31, 31}};
        for (int[] p : probes) {
            assertEquals(
                    value(image, p[0], p[1], p[2]) / 255f,
                    set.pixel(i, p[0], p[1], p[2]),
                    "image " + i + " at (c,y,x) = " + Arrays.toString(p));
        }
    }

    @Test
    void cifar10RecordsBecomeChwPixelsInUnitRangeWithTheirLabels() throws IOException {
        Path f =
                write("cifar-10-batches-bin/data_batch_1.bin", records(0, new int[] {3}, new int[] {0}, new int[] {9}));
        Path meta = write(
                "cifar-10-batches-bin/batches.meta.txt",
                ("airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\n" + "horse\nship\ntruck\n\n\n")
                        .getBytes(StandardCharsets.UTF_8));

        List<String> names = CifarBinary.readClassNames(meta, CifarBinary.Layout.CIFAR10);
        ImageSet set = CifarBinary.read(List.of(f), CifarBinary.Layout.CIFAR10, names, "CIFAR-10 train");

        assertEquals("CIFAR-10 train", set.name());
        assertEquals(3, set.size());
        assertEquals(3, set.channels());
        assertEquals(32, set.height());
        assertEquals(32, set.width());
        assertEquals(List.of(3, 0, 9), Arrays.stream(set.labels()).boxed().toList());
        assertEquals(10, set.numClasses());
        assertEquals("cat", set.className(3));
        assertEquals("truck", set.className(9));
        for (int i = 0; i < 3; i++) {
            assertPixels(set, i, i);
        }
        float[] range = set.valueRange();
        assertEquals(0f, range[0]);
        assertEquals(1f, range[1]);
    }

    @Test
    void filesFollowEachOtherInTheOrderGiven() throws IOException {
        Path a = write("data_batch_1.bin", records(0, new int[] {1}, new int[] {2}));
        Path b = write("data_batch_2.bin", records(2, new int[] {7}));

        ImageSet set = CifarBinary.read(List.of(a, b), CifarBinary.Layout.CIFAR10, null, "two");

        assertEquals(3, set.size());
        assertEquals(7, set.label(2));
        assertEquals("7", set.className(7));
        assertPixels(set, 2, 2);
        assertPixels(set, 1, 1);
    }

    @Test
    void cifar100FineAndCoarseLabelsComeFromTheirOwnBytes() throws IOException {
        // Record = coarse byte, fine byte, pixels.
        Path f = write("cifar-100-binary/train.bin", records(0, new int[] {19, 99}, new int[] {4, 30}));

        ImageSet fine = CifarBinary.read(List.of(f), CifarBinary.Layout.CIFAR100_FINE, null, "fine");
        ImageSet coarse = CifarBinary.read(List.of(f), CifarBinary.Layout.CIFAR100_COARSE, null, "coarse");

        assertEquals(99, fine.label(0));
        assertEquals(30, fine.label(1));
        assertEquals(100, fine.numClasses());
        assertEquals(19, coarse.label(0));
        assertEquals(4, coarse.label(1));
        assertEquals(20, coarse.numClasses());
        assertPixels(fine, 1, 1);
        assertPixels(coarse, 0, 0);
    }

    @Test
    void truncatedFileNamesTheCutRecordAndItsOffset() throws IOException {
        byte[] whole = records(0, new int[] {1}, new int[] {2}, new int[] {3});
        Path f = write("cifar-10-batches-bin/data_batch_3.bin", Arrays.copyOf(whole, whole.length - 1));

        DataFormatException e = assertThrows(
                DataFormatException.class, () -> CifarBinary.read(List.of(f), CifarBinary.Layout.CIFAR10, null, "cut"));

        String m = e.getMessage();
        assertEquals(f, e.file());
        assertTrue(m.startsWith(f.toString()), m);
        assertTrue(m.contains("9 218 bytes is not a whole number of 3073-byte CIFAR-10 records"), m);
        assertTrue(m.contains("record 2, counting from 0, starts at byte offset 6 146"), m);
        assertTrue(m.contains("cut short after 3 072 of its 3073 bytes"), m);
        assertTrue(m.contains("truncated"), m);
    }

    @Test
    void cifar100FileReadAsCifar10IsRecognisedByItsRecordSize() throws IOException {
        Path f = write("train.bin", records(0, new int[] {1, 2}, new int[] {3, 4}, new int[] {5, 6}));
        DataFormatException e = assertThrows(
                DataFormatException.class,
                () -> CifarBinary.read(List.of(f), CifarBinary.Layout.CIFAR10, null, "wrong"));
        assertTrue(e.getMessage().contains("3074-byte records, the size of CIFAR-100 records"), e.getMessage());
    }

    @Test
    void labelOutOfRangeNamesTheRecordAndItsByteOffset() throws IOException {
        Path f = write("test_batch.bin", records(0, new int[] {1}, new int[] {10}));
        DataFormatException e = assertThrows(
                DataFormatException.class, () -> CifarBinary.read(List.of(f), CifarBinary.Layout.CIFAR10, null, "bad"));
        assertTrue(e.getMessage().contains("label 10 of record 1 (byte offset 3 073) is outside 0..9"), e.getMessage());
    }

    @Test
    void fineLabelOutOfRangeIsFoundEvenWhenCoarseLabelsAreUsed() throws IOException {
        Path f = write("test.bin", records(0, new int[] {2, 5}, new int[] {3, 100}));
        DataFormatException e = assertThrows(
                DataFormatException.class,
                () -> CifarBinary.read(List.of(f), CifarBinary.Layout.CIFAR100_COARSE, null, "bad"));
        assertTrue(
                e.getMessage().contains("fine label 100 of record 1 (byte offset 3 075) is outside 0..99"),
                e.getMessage());
    }

    @Test
    void classNameFileWithTheWrongCountIsRejected() throws IOException {
        Path coarse = write("coarse_label_names.txt", "a\nb\n\nc\n".getBytes(StandardCharsets.UTF_8));

        assertEquals(List.of("a", "b", "c"), CifarBinary.readClassNames(coarse));
        DataFormatException e = assertThrows(
                DataFormatException.class, () -> CifarBinary.readClassNames(coarse, CifarBinary.Layout.CIFAR100_FINE));
        assertTrue(
                e.getMessage().contains("holds 3 class names (non-blank lines) but CIFAR-100 fine labels need 100"),
                e.getMessage());
        Path f = write("data.bin", records(0, new int[] {1}));
        assertThrows(
                IllegalArgumentException.class,
                () -> CifarBinary.read(List.of(f), CifarBinary.Layout.CIFAR10, List.of("a", "b", "c"), "x"));
    }

    @Test
    void missingFilesAreNoSuchFile() throws IOException {
        Path ok = write("data_batch_1.bin", records(0, new int[] {1}));
        Path missing = dir.resolve("data_batch_2.bin");
        NoSuchFileException e = assertThrows(
                NoSuchFileException.class,
                () -> CifarBinary.read(List.of(ok, missing), CifarBinary.Layout.CIFAR10, null, "x"));
        assertEquals(missing.toString(), e.getFile());
        assertThrows(NoSuchFileException.class, () -> CifarBinary.readClassNames(dir.resolve("batches.meta.txt")));
    }

    @Test
    void emptyFileIsAnError() throws IOException {
        Path f = write("empty.bin", new byte[0]);
        DataFormatException e = assertThrows(
                DataFormatException.class, () -> CifarBinary.read(List.of(f), CifarBinary.Layout.CIFAR10, null, "x"));
        assertTrue(e.getMessage().contains("is empty"), e.getMessage());
    }
}
