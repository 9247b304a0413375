package org.ddlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

    @TempDir
    Path dir;

    @Test
    void plainAndGzippedFilesReadTheSameWhateverTheirNames() throws IOException {
        byte[] raw = IdxFiles.images(5, 3, 4);
        // Compression is found from the content: a gzipped file without .gz and a plain one with it.
        Path plain = IdxFiles.write(dir.resolve("images.idx.gz"), raw);
        Path gz = IdxFiles.write(dir.resolve("images.idx"), IdxFiles.gzip(raw));

        IdxReader.Contents a = IdxReader.readImages(plain);
        IdxReader.Contents b = IdxReader.readImages(gz);

        assertArrayEquals(new int[] {5, 3, 4}, a.dims());
        assertArrayEquals(a.data(), b.data());
        assertArrayEquals(Arrays.copyOfRange(raw, 16, raw.length), a.data());
        assertFalse(a.header().gzipped());
        assertTrue(b.header().gzipped());
    }

    @Test
    void labelsAreUnsigned() throws IOException {
        Path f = IdxFiles.write(dir.resolve("labels"), IdxFiles.labels(0, 9, 200, 255));
        assertArrayEquals(new int[] {0, 9, 200, 255}, IdxReader.readLabels(f));
    }

    @Test
    void headerAloneGivesTheCount() throws IOException {
        Path f = IdxFiles.write(dir.resolve("img.gz"), IdxFiles.gzip(IdxFiles.images(7, 2, 2)));
        IdxReader.Header h = IdxReader.readHeader(f);
        assertEquals(7, h.count());
        assertEquals(28, h.elementCount());
        assertEquals(16, h.headerBytes());
    }

    @Test
    void badMagicSaysExpectedAndFoundAtOffsetZero() {
        Path f = IdxFiles.write(dir.resolve("notidx"), "<html>not found</html>".getBytes());
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.readImages(f));
        assertTrue(e.getMessage().contains("bad magic number at offset 0"), e.getMessage());
        assertTrue(e.getMessage().contains("expected 0x00000803"), e.getMessage());
        assertTrue(e.getMessage().contains("found 0x3C68746D"), e.getMessage());
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        assertEquals(f, e.file());
    }

    @Test
    void unsupportedDataTypeIsNamed() {
        Path f = IdxFiles.write(dir.resolve("floats"), IdxFiles.idx(0x00000D01, new int[] {1}, new byte[4]));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.readLabels(f));
        assertTrue(e.getMessage().contains("unsupported data type 0x0D (float)"), e.getMessage());
    }

    @Test
    void labelsFileGivenAsImagesIsAWrongDimensionCount() {
        Path f = IdxFiles.write(dir.resolve("labels"), IdxFiles.labels(1, 2, 3));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.readImages(f));
        assertTrue(e.getMessage().contains("wrong number of dimensions: expected 3"), e.getMessage());
        assertTrue(e.getMessage().contains("found 1"), e.getMessage());
        assertTrue(e.getMessage().contains("labels file"), e.getMessage());
    }

    @Test
    void truncatedPlainFileSaysWhereDataEndedAndHowMuchWasExpected() {
        byte[] raw = IdxFiles.images(4, 5, 5); // 16 header + 100 data bytes
        Path f = IdxFiles.write(dir.resolve("cut"), Arrays.copyOf(raw, 16 + 60));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.readImages(f));
        assertTrue(e.getMessage().contains("truncated: data ended at byte offset 76"), e.getMessage());
        assertTrue(e.getMessage().contains("expected 100 bytes from offset 16"), e.getMessage());
        assertTrue(e.getMessage().contains("40 missing"), e.getMessage());
    }

    @Test
    void truncatedGzipFileIsAlsoReportedAsTruncated() {
        byte[] gz = IdxFiles.gzip(IdxFiles.images(50, 28, 28));
        Path f = IdxFiles.write(dir.resolve("cut.gz"), Arrays.copyOf(gz, gz.length / 2));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.readImages(f));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertTrue(e.getMessage().contains("expected 39200 bytes from offset 16"), e.getMessage());
    }

    @Test
    void truncatedHeaderIsReported() {
        Path f = IdxFiles.write(dir.resolve("tiny"), new byte[] {0, 0, 8, 3, 0, 0});
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.readImages(f));
        assertTrue(e.getMessage().contains("byte offset 6"), e.getMessage());
        assertTrue(e.getMessage().contains("dimension sizes"), e.getMessage());
    }

    @Test
    void trailingBytesMeanTheHeaderIsWrong() {
        byte[] raw = IdxFiles.images(2, 2, 2);
        Path f = IdxFiles.write(dir.resolve("long"), Arrays.copyOf(raw, raw.length + 3));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.readImages(f));
        assertTrue(e.getMessage().contains("more bytes after byte offset 24"), e.getMessage());
    }

    @Test
    void pairWithDifferentCountsIsRejectedNamingBothFiles() {
        Path images = IdxFiles.write(dir.resolve("train-images"), IdxFiles.images(3, 2, 2));
        Path labels = IdxFiles.write(dir.resolve("t10k-labels"), IdxFiles.labels(0, 1));
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> IdxDataset.load(images, labels, null));
        IdxFormatException cause = assertInstanceOf(IdxFormatException.class, e.getCause());
        assertTrue(cause.getMessage().contains("holds 3 images but"), cause.getMessage());
        assertTrue(cause.getMessage().contains(labels + " holds 2 labels"), cause.getMessage());
        assertEquals(cause.getMessage(), e.getMessage());
    }

    @Test
    void labelBeyondTheClassNamesIsRejected() {
        Path images = IdxFiles.write(dir.resolve("i"), IdxFiles.images(2, 2, 2));
        Path labels = IdxFiles.write(dir.resolve("l"), IdxFiles.labels(0, 5));
        UncheckedIOException e =
                assertThrows(UncheckedIOException.class, () -> IdxDataset.load(images, labels, List.of("a", "b")));
        assertTrue(e.getMessage().contains("label 5 of item 1 (byte offset 9) is outside 0..1"), e.getMessage());
    }

    @Test
    void datasetScalesPixelsToUnitRangeAndNumbersClassesWhenUnnamed() {
        Path images = IdxFiles.write(dir.resolve("i.gz"), IdxFiles.gzip(IdxFiles.images(3, 2, 2)));
        Path labels = IdxFiles.write(dir.resolve("l.gz"), IdxFiles.gzip(IdxFiles.labels(2, 0, 2)));
        ImageSet set = IdxDataset.load(images, labels, null);
        assertEquals(3, set.size());
        assertEquals(List.of("0", "1", "2"), set.classNames());
        assertArrayEquals(new int[] {1, 0, 2}, set.classCounts());
        assertEquals(1, set.channels());
        assertEquals(2, set.height());
        assertEquals(2, set.width());
        // image 1, pixel (y=1, x=0) = byte 1*7 + 2 = 9
        assertEquals(9 / 255f, set.pixel(1, 0, 1, 0));
    }

    @Test
    void missingFileSaysSo() {
        Path f = dir.resolve("absent.gz");
        IOException e = assertThrows(IOException.class, () -> IdxReader.readImages(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    }
}
