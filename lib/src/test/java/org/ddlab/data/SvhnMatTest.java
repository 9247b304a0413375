package org.ddlab.data;

import static org.ddlab.data.MatFiles.MI_DOUBLE;
import static org.ddlab.data.MatFiles.MI_UINT8;
import static org.ddlab.data.MatFiles.MX_DOUBLE;
import static org.ddlab.data.MatFiles.MX_UINT8;
import static org.ddlab.data.MatFiles.bytes;
import static org.ddlab.data.MatFiles.compressed;
import static org.ddlab.data.MatFiles.doubles;
import static org.ddlab.data.MatFiles.matrix;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SvhnMatTest {

    @TempDir
    Path dir;

    /** Pixel X(h, w, c, n): distinct for a transposed h/w, a swapped channel or a wrong image. */
    static int value(int n, int c, int h, int w) {
        return (n * 40 + c * 90 + h + w * 7) & 0xFF;
    }

    /** X's bytes in MATLAB's column-major order: h fastest, then w, c, n. */
    static byte[] xData(int n) {
        byte[] out = new byte[32 * 32 * 3 * n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                for (int w = 0; w < 32; w++) {
                    for (int h = 0; h < 32; h++) {
                        out[k++] = (byte) value(i, c, h, w);
                    }
                }
            }
        }
        return out;
    }

    static byte[] x(int n) {
        return matrix("X", MX_UINT8, new int[] {32, 32, 3, n}, MI_UINT8, xData(n));
    }

    /** y as the official files have it: class double, [N, 1]. */
    static byte[] yDouble(double... labels) {
        return matrix("y", MX_DOUBLE, new int[] {labels.length, 1}, MI_DOUBLE, doubles(labels));
    }

    Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    static void assertPixels(ImageSet set, int n) {
        int[][] probes = {{0, 0, 0}, {0, 0, 1}, {0, 1, 0}, {1, 3, 9}, {1, 9, 3}, {2, 31, 0}, {2, 0, 31}, {2, 31, 31}};
        for (int[] p : probes) {
            assertEquals(
                    value(n, p[0], p[1], p[2]) / 255f,
                    set.pixel(n, p[0], p[1], p[2]),
                    "image " + n + " at (c,h,w) = " + Arrays.toString(p));
        }
    }

    @Test
    void uncompressedFileGivesChwPixelsAndDigitLabels() throws IOException {
        Path f = write("train_32x32.mat", MatFiles.file(x(3), yDouble(10, 1, 7)));

        ImageSet set = SvhnMat.read(f, "SVHN train");

        assertEquals("SVHN train", set.name());
        assertEquals(3, set.size());
        assertEquals(3, set.channels());
        assertEquals(32, set.height());
        assertEquals(32, set.width());
        assertArrayEquals(new int[] {0, 1, 7}, set.labels());
        assertEquals(SvhnMat.CLASS_NAMES, set.classNames());
        for (int n = 0; n < 3; n++) {
            assertPixels(set, n);
        }
    }

    @Test
    void compressedFileAsMatlabWritesItReadsTheSame() throws IOException {
        // MATLAB -v7 deflates each variable and stores whole-numbered doubles as miUINT8 data.
        byte[] y = matrix("y", MX_DOUBLE, new int[] {2, 1}, MI_UINT8, bytes(4, 10));
        Path f = write("test_32x32.mat", MatFiles.file(compressed(x(2)), compressed(y)));

        ImageSet set = SvhnMat.read(f, "SVHN test");

        assertArrayEquals(new int[] {4, 0}, set.labels());
        assertPixels(set, 0);
        assertPixels(set, 1);
    }

    @Test
    void uint8LabelsInARowVectorAndALongVariableNameAreAccepted() throws IOException {
        byte[] y = matrix("y", MX_UINT8, new int[] {1, 2}, MI_UINT8, bytes(2, 3));
        byte[] other = matrix("description", MX_DOUBLE, new int[] {1, 1}, MI_DOUBLE, doubles(1));
        Path f = write("extra.mat", MatFiles.file(compressed(other), x(2), y));

        ImageSet set = SvhnMat.read(f, "extra");

        assertArrayEquals(new int[] {2, 3}, set.labels());
        assertPixels(set, 1);
    }

    @Test
    void aSingleImageHasOnlyThreeDimensionsAsMatlabDropsTheTrailingOne() throws IOException {
        byte[] x = matrix("X", MX_UINT8, new int[] {32, 32, 3}, MI_UINT8, xData(1));
        Path f = write("one.mat", MatFiles.file(x, yDouble(5)));

        ImageSet set = SvhnMat.read(f, "one");

        assertEquals(1, set.size());
        assertEquals(5, set.label(0));
        assertPixels(set, 0);
    }

    @Test
    void missingVariableIsNamedWithWhatTheFileHolds() throws IOException {
        Path f = write("nolabels.mat", MatFiles.file(x(2)));
        DataFormatException e = assertThrows(DataFormatException.class, () -> SvhnMat.read(f, "x"));
        assertTrue(e.getMessage().contains("has no variable 'y' (the labels)"), e.getMessage());
        assertTrue(e.getMessage().contains("'X' uint8 [32, 32, 3, 2]"), e.getMessage());
        assertEquals(f, e.file());
    }

    @Test
    void wrongDimensionsOfXAreRejected() throws IOException {
        byte[] chw = matrix("X", MX_UINT8, new int[] {3, 32, 32, 2}, MI_UINT8, xData(2));
        Path f = write("chw.mat", MatFiles.file(chw, yDouble(1, 2)));
        DataFormatException e = assertThrows(DataFormatException.class, () -> SvhnMat.read(f, "x"));
        assertTrue(
                e.getMessage().contains("variable 'X' has dimensions [3, 32, 32, 2]; expected [32, 32, 3, N]"),
                e.getMessage());
    }

    @Test
    void imagesOfClassDoubleAreRejected() throws IOException {
        byte[] x = matrix("X", MX_DOUBLE, new int[] {32, 32, 3, 1}, MI_UINT8, xData(1));
        Path f = write("double.mat", MatFiles.file(x, yDouble(1)));
        DataFormatException e = assertThrows(DataFormatException.class, () -> SvhnMat.read(f, "x"));
        assertTrue(e.getMessage().contains("variable 'X' is double [32, 32, 3, 1]; expected uint8"), e.getMessage());
    }

    @Test
    void labelsOutsideOneToTenAreRejectedWithTheirIndex() throws IOException {
        Path zero = write("zero.mat", MatFiles.file(x(3), yDouble(1, 2, 0)));
        DataFormatException e = assertThrows(DataFormatException.class, () -> SvhnMat.read(zero, "x"));
        assertTrue(e.getMessage().contains("variable 'y' holds 0 at y(3) (index 2 counting from 0)"), e.getMessage());

        Path eleven = write("eleven.mat", MatFiles.file(x(2), compressed(yDouble(11, 2))));
        e = assertThrows(DataFormatException.class, () -> SvhnMat.read(eleven, "x"));
        assertTrue(e.getMessage().contains("variable 'y' holds 11 at y(1) (index 0"), e.getMessage());

        Path half = write("half.mat", MatFiles.file(x(1), yDouble(2.5)));
        e = assertThrows(DataFormatException.class, () -> SvhnMat.read(half, "x"));
        assertTrue(e.getMessage().contains("variable 'y' holds 2.5 at y(1)"), e.getMessage());
    }

    @Test
    void labelCountMustMatchImageCount() throws IOException {
        Path f = write("counts.mat", MatFiles.file(x(2), yDouble(1, 2, 3)));
        DataFormatException e = assertThrows(DataFormatException.class, () -> SvhnMat.read(f, "x"));
        assertTrue(e.getMessage().contains("variable 'y' has dimensions [3, 1] but X holds 2 images"), e.getMessage());
    }

    @Test
    void truncatedFileNamesTheVariableItCuts() throws IOException {
        byte[] plain = MatFiles.file(yDouble(1, 2), x(2));
        Path f = write("cut.mat", Arrays.copyOf(plain, plain.length - 1000));
        DataFormatException e = assertThrows(DataFormatException.class, () -> SvhnMat.read(f, "x"));
        assertTrue(
                e.getMessage().contains("variable 'X' whose element starts at byte offset 200 is cut short"),
                e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());

        byte[] packed = MatFiles.file(compressed(x(3)), compressed(yDouble(1, 2, 3)));
        Path g = write("cut-compressed.mat", Arrays.copyOf(packed, 128 + 400));
        e = assertThrows(DataFormatException.class, () -> SvhnMat.read(g, "x"));
        assertTrue(
                e.getMessage().contains("variable 'X' whose element starts at byte offset 128 is cut short"),
                e.getMessage());
    }

    @Test
    void damagedCompressedDataIsReportedForItsVariable() throws IOException {
        byte[] x = compressed(x(3));
        byte[] packed = MatFiles.file(x, compressed(yDouble(1, 2, 3)));
        for (int i = 128 + 200; i < 128 + 260; i++) {
            packed[i] ^= 0x5A; // inside X's deflate data, after its header; this much still inflates without error
        }
        Path f = write("damaged.mat", packed);
        DataFormatException e = assertThrows(DataFormatException.class, () -> SvhnMat.read(f, "x"));
        assertTrue(e.getMessage().contains("the compressed data of variable 'X' is damaged"), e.getMessage());

        byte[] badSum = MatFiles.file(x, compressed(yDouble(1, 2, 3)));
        badSum[128 + x.length - 1] ^= 1; // the last byte of X's Adler-32 checksum
        Path g = write("checksum.mat", badSum);
        e = assertThrows(DataFormatException.class, () -> SvhnMat.read(g, "x"));
        assertTrue(e.getMessage().contains("variable 'X' is damaged"), e.getMessage());
        assertTrue(e.getMessage().contains("incorrect data check"), e.getMessage());
    }

    @Test
    void otherFilesAreRecognisedAsNotLevel5MatFiles() throws IOException {
        Path html = write("page.mat", "<html><body>Not Found</body></html>".getBytes());
        DataFormatException e = assertThrows(DataFormatException.class, () -> SvhnMat.read(html, "x"));
        assertTrue(e.getMessage().contains("not a Level-5 MAT-file"), e.getMessage());

        byte[] v73 = MatFiles.header();
        System.arraycopy("MATLAB 7.3 MAT-file".getBytes(), 0, v73, 0, 19);
        Path hdf = write("v73.mat", v73);
        e = assertThrows(DataFormatException.class, () -> SvhnMat.read(hdf, "x"));
        assertTrue(e.getMessage().contains("MATLAB 7.3 (HDF5)"), e.getMessage());
    }

    @Test
    void missingFileIsNoSuchFile() {
        Path f = dir.resolve("train_32x32.mat");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> SvhnMat.read(f, "x"));
        assertEquals(f.toString(), e.getFile());
    }
}
