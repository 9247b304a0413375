package org.ddlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.apache.commons.imaging.ImageFormats;
import org.apache.commons.imaging.Imaging;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {

    private static final float JPEG_TOL = 0.03f;

    @TempDir
    Path tmp;

    // ---------------------------------------------------------------- image writers

    static BufferedImage solidRgb(int w, int h, Color c) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(c);
        g.fillRect(0, 0, w, h);
        g.dispose();
        return img;
    }

    static BufferedImage solidGrey(int w, int h, int level) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, level);
            }
        }
        return img;
    }

    /** Indexed (palette) image, every pixel palette entry 1 = pure green. */
    static BufferedImage solidIndexedGreen(int w, int h) {
        byte[] r = {0, 0, (byte) 255, 0};
        byte[] g = {0, (byte) 255, 0, 0};
        byte[] b = {0, 0, 0, (byte) 255};
        BufferedImage img =
                new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 4, r, g, b));
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, 1);
            }
        }
        return img;
    }

    static Path imageio(BufferedImage img, String format, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        assertTrue(ImageIO.write(img, format, file.toFile()), "ImageIO has no writer for " + format);
        return file;
    }

    static Path commons(BufferedImage img, ImageFormats format, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Imaging.writeImage(img, file.toFile(), format);
        return file;
    }

    static Path progressiveJpeg(BufferedImage img, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam p = w.getDefaultWriteParam();
        p.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            w.setOutput(out);
            w.write(null, new IIOImage(img, null, null), p);
        } finally {
            w.dispose();
        }
        return file;
    }

    static Path corrupt(Path file, long seed) throws IOException {
        Files.createDirectories(file.getParent());
        byte[] junk = new byte[500];
        new Random(seed).nextBytes(junk);
        return Files.write(file, junk);
    }

    /**
     * fruit/apple: grey PNG, 8-bit grey-palette BMP, grey baseline JPEG (all ImageIO) — grey 128;
     * fruit/banana: RGB PNG (Commons), RGB JPEG (ImageIO), RGB TIFF (Commons) — pure red;
     * fruit/cherry: indexed GIF, PNG (ImageIO) and TIFF (Commons) — pure green;
     * plus a hidden PNG, a text file and a hidden folder, all to be ignored. All sizes differ.
     */
    Path fruit() throws IOException {
        Path root = tmp.resolve("fruit");
        imageio(solidGrey(40, 30, 128), "png", root.resolve("apple/a1.png"));
        // Not Imaging.writeImage: it reads a TYPE_BYTE_GRAY source with getRGB (linear grey) and stores 188.
        imageio(solidGrey(17, 23, 128), "bmp", root.resolve("apple/a2.bmp"));
        imageio(solidGrey(64, 64, 128), "jpg", root.resolve("apple/a3.jpg"));
        commons(solidRgb(50, 20, Color.RED), ImageFormats.PNG, root.resolve("banana/b1.png"));
        imageio(solidRgb(31, 45, Color.RED), "jpeg", root.resolve("banana/b2.JPG"));
        commons(solidRgb(9, 9, Color.RED), ImageFormats.TIFF, root.resolve("banana/b3.tif"));
        imageio(solidIndexedGreen(12, 8), "gif", root.resolve("cherry/c1.gif"));
        imageio(solidIndexedGreen(100, 7), "png", root.resolve("cherry/c2.png"));
        commons(solidIndexedGreen(28, 28), ImageFormats.TIFF, root.resolve("cherry/c3.tiff"));
        imageio(solidRgb(5, 5, Color.BLUE), "png", root.resolve("banana/.hidden.png"));
        Files.writeString(root.resolve("banana/notes.txt"), "not an image");
        imageio(solidRgb(5, 5, Color.BLUE), "png", root.resolve(".thumbnails/x.png"));
        imageio(solidRgb(5, 5, Color.BLUE), "png", root.resolve("cherry/.cache/y.png"));
        return root;
    }

    static void assertAllPixels(ImageSet s, int i, int c, float expected, float tol) {
        for (int y = 0; y < s.height(); y++) {
            for (int x = 0; x < s.width(); x++) {
                assertEquals(expected, s.pixel(i, c, y, x), tol, "image " + i + " channel " + c + " at " + y + "," + x);
            }
        }
    }

    // ---------------------------------------------------------------- layout, labels, shape

    @Test
    void loadsClassesCountsLabelsAndShape() throws IOException {
        ImageSet s = ImageFolder.at(fruit()).size(16, 12).rgb().load();
        assertEquals("fruit", s.name());
        assertEquals(List.of("apple", "banana", "cherry"), s.classNames());
        assertArrayEquals(new int[] {3, 3, 3}, s.classCounts());
        assertArrayEquals(new int[] {0, 0, 0, 1, 1, 1, 2, 2, 2}, s.labels());
        assertEquals(3, s.channels());
        assertEquals(16, s.height());
        assertEquals(12, s.width());
        float[] range = s.valueRange();
        assertTrue(range[0] >= 0f && range[1] <= 1f);
    }

    @Test
    void rgbValuesOfSolidImagesInEveryFormat() throws IOException {
        ImageSet s = ImageFolder.at(fruit()).size(10, 10).rgb().load();
        // apple: grey 128 in PNG, BMP exactly; baseline JPEG within compression error.
        for (int c = 0; c < 3; c++) {
            assertAllPixels(s, 0, c, 128 / 255f, 1e-6f);
            assertAllPixels(s, 1, c, 128 / 255f, 1e-6f);
            assertAllPixels(s, 2, c, 128 / 255f, JPEG_TOL);
        }
        // banana: pure red (PNG, JPEG, TIFF).
        for (int i = 3; i < 6; i++) {
            float tol = i == 4 ? JPEG_TOL : 1e-6f;
            assertAllPixels(s, i, 0, 1f, tol);
            assertAllPixels(s, i, 1, 0f, tol);
            assertAllPixels(s, i, 2, 0f, tol);
        }
        // cherry: palette green (GIF, PNG, TIFF).
        for (int i = 6; i < 9; i++) {
            assertAllPixels(s, i, 0, 0f, 1e-6f);
            assertAllPixels(s, i, 1, 1f, 1e-6f);
            assertAllPixels(s, i, 2, 0f, 1e-6f);
        }
    }

    @Test
    void greyIsLuminance() throws IOException {
        ImageSet s = ImageFolder.at(fruit()).size(7, 5).grey().load();
        assertEquals(1, s.channels());
        assertEquals(7, s.height());
        assertEquals(5, s.width());
        assertAllPixels(s, 0, 0, 128 / 255f, 1e-6f);
        assertAllPixels(s, 3, 0, 0.299f, 1e-5f); // red PNG
        assertAllPixels(s, 4, 0, 0.299f, JPEG_TOL); // red JPEG
        assertAllPixels(s, 5, 0, 0.299f, 1e-5f); // red TIFF
        assertAllPixels(s, 6, 0, 0.587f, 1e-5f); // green GIF
    }

    @Test
    void everyGreyLevelOfAGreyPngSurvives() throws IOException {
        // Plain Imaging.getBufferedImage goes through Java's linear grey colour space and changes
        // 73 of 256 levels of a grey PNG; ImageDecoder avoids that. 8-bit and 16-bit.
        BufferedImage g8 = new BufferedImage(256, 1, BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage g16 = new BufferedImage(256, 1, BufferedImage.TYPE_USHORT_GRAY);
        for (int x = 0; x < 256; x++) {
            g8.getRaster().setSample(x, 0, 0, x);
            g16.getRaster().setSample(x, 0, 0, x * 257);
        }
        Path root = tmp.resolve("ramps");
        imageio(g8, "png", root.resolve("eight/ramp.png"));
        imageio(g16, "png", root.resolve("sixteen/ramp.png"));
        ImageSet s = ImageFolder.at(root).size(1, 256).grey().load();
        for (int i = 0; i < 2; i++) {
            for (int x = 0; x < 256; x++) {
                assertEquals(x / 255f, s.pixel(i, 0, 0, x), 1e-6f, "image " + i + " level " + x);
            }
        }
    }

    @Test
    void alphaIsDropped() throws IOException {
        BufferedImage argb = new BufferedImage(6, 6, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 6; x++) {
                argb.setRGB(x, y, 0x80FF0000); // half-transparent red
            }
        }
        Path root = tmp.resolve("alpha");
        imageio(argb, "png", root.resolve("red/a.png"));
        ImageSet s = ImageFolder.at(root).size(6, 6).rgb().load();
        assertAllPixels(s, 0, 0, 1f, 1e-6f);
        assertAllPixels(s, 0, 1, 0f, 1e-6f);
    }

    @Test
    void sortedFileOrderAndNameFiltering() throws IOException {
        Path root = tmp.resolve("order");
        imageio(solidGrey(4, 4, 30), "png", root.resolve("k/b.png"));
        imageio(solidGrey(4, 4, 10), "png", root.resolve("k/a.PNG"));
        imageio(solidGrey(4, 4, 50), "png", root.resolve("k/sub/c.png"));
        imageio(solidGrey(4, 4, 99), "png", root.resolve("k/d.bmp.bak"));
        ImageSet s = ImageFolder.at(root).size(2, 2).grey().parallel(false).load();
        assertEquals(3, s.size());
        assertEquals(10 / 255f, s.pixel(0, 0, 0, 0), 1e-6f);
        assertEquals(30 / 255f, s.pixel(1, 0, 0, 0), 1e-6f);
        assertEquals(50 / 255f, s.pixel(2, 0, 0, 0), 1e-6f);

        ImageSet onlyBmp = ImageFolder.at(root)
                .size(2, 2)
                .grey()
                .extensions(".PNG")
                .limitPerClass(2)
                .load();
        assertEquals(2, onlyBmp.size());
        assertEquals(30 / 255f, onlyBmp.pixel(1, 0, 0, 0), 1e-6f);
    }

    @Test
    void parallelAndSequentialLoadsAreIdentical() throws IOException {
        Path root = fruit();
        ImageSet a = ImageFolder.at(root).size(9, 13).rgb().parallel(true).load();
        ImageSet b = ImageFolder.at(root).size(9, 13).rgb().parallel(false).load();
        float[] pa = new float[a.size() * a.imageSize()];
        float[] pb = new float[b.size() * b.imageSize()];
        a.pixels().get(pa);
        b.pixels().get(pb);
        assertArrayEquals(pa, pb);
        assertArrayEquals(a.labels(), b.labels());
    }

    // ---------------------------------------------------------------- JPEG decoding

    @Test
    void commonsImagingReadsBaselineJpegButNotProgressive() throws IOException {
        Path baseline = imageio(solidRgb(24, 16, Color.RED), "jpeg", tmp.resolve("jpeg/red/base.jpg"));
        Path progressive = progressiveJpeg(solidRgb(24, 16, Color.RED), tmp.resolve("jpeg/red/prog.jpg"));

        BufferedImage viaCommons = ImageDecoder.readCommons(baseline.toFile());
        assertEquals(24, viaCommons.getWidth());
        IOException e = assertThrows(IOException.class, () -> ImageDecoder.readCommons(progressive.toFile()));
        assertTrue(e.getMessage().contains("baseline"), e.getMessage());

        // ... so the progressive one is read by the javax.imageio fallback.
        ImageFolder.Loaded r =
                ImageFolder.at(tmp.resolve("jpeg")).size(8, 8).rgb().loadWithReport();
        assertEquals(List.of(), r.skipped());
        assertEquals(2, r.set().size());
        for (int i = 0; i < 2; i++) {
            assertAllPixels(r.set(), i, 0, 1f, JPEG_TOL);
            assertAllPixels(r.set(), i, 1, 0f, JPEG_TOL);
        }
    }

    @Test
    void progressiveGreyJpegViaFallbackKeepsGreyLevels() throws IOException {
        // javax.imageio returns grey JPEGs as TYPE_BYTE_GRAY; getRGB would brighten 128 to ~188.
        progressiveJpeg(solidGrey(16, 16, 128), tmp.resolve("pg/g/p.jpg"));
        ImageSet s = ImageFolder.at(tmp.resolve("pg")).size(4, 4).grey().load();
        assertAllPixels(s, 0, 0, 128 / 255f, JPEG_TOL);
    }

    /**
     * A valid 4-bpp BMP with a 4-entry palette (biClrUsed = 4), every pixel entry 1 = green. Built by
     * hand: the JDK's BMP writer mis-packs or crashes on such palettes.
     */
    static Path shortPaletteBmp(Path file, int w, int h) throws IOException {
        Files.createDirectories(file.getParent());
        int rowBytes = ((w * 4 + 31) / 32) * 4;
        int offset = 14 + 40 + 4 * 4;
        java.nio.ByteBuffer b =
                java.nio.ByteBuffer.allocate(offset + rowBytes * h).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'B').put((byte) 'M').putInt(b.capacity()).putInt(0).putInt(offset);
        b.putInt(40)
                .putInt(w)
                .putInt(h)
                .putShort((short) 1)
                .putShort((short) 4)
                .putInt(0)
                .putInt(rowBytes * h)
                .putInt(2835)
                .putInt(2835)
                .putInt(4)
                .putInt(0);
        b.putInt(0x000000).putInt(0x00FF00).putInt(0xFF0000).putInt(0x0000FF); // BGRA entries: black, green, red, blue
        for (int y = 0; y < h; y++) {
            byte[] row = new byte[rowBytes];
            for (int x = 0; x < w; x++) {
                row[x / 2] |= (byte) (x % 2 == 0 ? 0x10 : 0x01);
            }
            b.put(row);
        }
        return Files.write(file, b.array());
    }

    @Test
    void shortPalette4BitBmpIsReadByCommonsImaging() throws IOException {
        Path bmp = shortPaletteBmp(tmp.resolve("pal/green/p.bmp"), 6, 5);
        assertEquals(0xFF00FF00, ImageDecoder.readCommons(bmp.toFile()).getRGB(3, 2));
        ImageSet s = ImageFolder.at(tmp.resolve("pal")).size(5, 6).rgb().load();
        assertAllPixels(s, 0, 0, 0f, 1e-6f);
        assertAllPixels(s, 0, 1, 1f, 1e-6f);
        assertAllPixels(s, 0, 2, 0f, 1e-6f);
    }

    // ---------------------------------------------------------------- resizing

    @Test
    void shrinkingAveragesAreasAndEnlargingInterpolates() {
        // 1 channel 4x4: left half 1, right half 0.
        float[] src = new float[16];
        for (int y = 0; y < 4; y++) {
            src[y * 4] = 1;
            src[y * 4 + 1] = 1;
        }
        assertArrayEquals(new float[] {1, 0, 1, 0}, Resampler.resize(src, 1, 4, 4, 2, 2), 1e-6f);
        // 4 -> 1 column: the mean.
        assertArrayEquals(new float[] {0.5f}, Resampler.resize(src, 1, 4, 4, 1, 1), 1e-6f);
        // 4 -> 3 columns: covers [0,4/3), [4/3,8/3), [8/3,4): 1, 0.5, 0.
        assertArrayEquals(new float[] {1, 0.5f, 0}, Resampler.resize(src, 1, 4, 4, 1, 3), 1e-6f);
        // 2 -> 4 bilinear, centres aligned: [0,1] -> [0, 0.25, 0.75, 1].
        assertArrayEquals(new float[] {0, 0.25f, 0.75f, 1}, Resampler.resize(new float[] {0, 1}, 1, 1, 2, 1, 4), 1e-6f);
        // Same size: untouched; solid colours stay exact whatever the size.
        assertArrayEquals(src, Resampler.resize(src, 1, 4, 4, 4, 4));
        float[] solid = new float[2 * 7 * 11];
        java.util.Arrays.fill(solid, 0.7f);
        for (float v : Resampler.resize(solid, 2, 7, 11, 13, 3)) {
            assertEquals(0.7f, v, 1e-6f);
        }
    }

    // ---------------------------------------------------------------- unreadable files

    @Test
    void corruptFileIsSkippedAndReported() throws IOException {
        Path root = fruit();
        Path bad = corrupt(root.resolve("banana/b0-broken.png"), 1);
        ImageFolder.Loaded r = ImageFolder.at(root)
                .size(8, 8)
                .grey()
                .onUnreadable(ImageFolder.Policy.SKIP)
                .loadWithReport();
        assertEquals(1, r.skipped().size());
        ImageFolder.Problem p = r.skipped().get(0);
        assertEquals(bad.toAbsolutePath().normalize(), p.file());
        assertTrue(p.toString().contains("b0-broken.png"), p.toString());
        assertTrue(p.reason().contains("Commons Imaging") && p.reason().contains("javax.imageio"), p.reason());
        assertArrayEquals(new int[] {3, 3, 3}, r.set().classCounts());
        // load() skips just the same.
        assertEquals(
                9,
                ImageFolder.at(root)
                        .size(8, 8)
                        .onUnreadable(ImageFolder.Policy.SKIP)
                        .load()
                        .size());
    }

    @Test
    void corruptFileFailsNamingTheFileByDefault() throws IOException {
        Path root = fruit();
        corrupt(root.resolve("cherry/c0-broken.png"), 2);
        UnreadableImageException e = assertThrows(
                UnreadableImageException.class,
                () -> ImageFolder.at(root).size(8, 8).load());
        assertTrue(e.getMessage().contains("c0-broken.png"), e.getMessage());
        assertTrue(e.file().endsWith(Path.of("cherry", "c0-broken.png")));
        assertNotNull(e.reason());
        assertTrue(e.getMessage().contains(e.reason()));
    }

    @Test
    void limitPerClassReplacesSkippedFiles() throws IOException {
        Path root = tmp.resolve("lim");
        corrupt(root.resolve("x/0.png"), 3);
        imageio(solidGrey(4, 4, 10), "png", root.resolve("x/1.png"));
        imageio(solidGrey(4, 4, 20), "png", root.resolve("x/2.png"));
        imageio(solidGrey(4, 4, 30), "png", root.resolve("x/3.png"));
        ImageFolder.Loaded r = ImageFolder.at(root)
                .size(4, 4)
                .grey()
                .limitPerClass(2)
                .onUnreadable(ImageFolder.Policy.SKIP)
                .loadWithReport();
        assertEquals(2, r.set().size());
        assertEquals(10 / 255f, r.set().pixel(0, 0, 0, 0), 1e-6f);
        assertEquals(20 / 255f, r.set().pixel(1, 0, 0, 0), 1e-6f);
        assertEquals(1, r.skipped().size());
    }

    @Test
    void classWithOnlyUnreadableFilesIsAnError() throws IOException {
        Path root = tmp.resolve("allbad");
        imageio(solidGrey(4, 4, 10), "png", root.resolve("good/1.png"));
        corrupt(root.resolve("bad/1.png"), 4);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ImageFolder.at(root)
                        .size(4, 4)
                        .onUnreadable(ImageFolder.Policy.SKIP)
                        .load());
        assertTrue(e.getMessage().contains("bad") && e.getMessage().contains("no readable images"), e.getMessage());
    }

    // ---------------------------------------------------------------- folder errors

    @Test
    void missingFolderIsNamed() {
        Path missing = tmp.resolve("nowhere");
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ImageFolder.at(missing).size(8, 8).load());
        assertTrue(
                e.getMessage().contains(missing.toString()) && e.getMessage().contains("does not exist"),
                e.getMessage());
    }

    @Test
    void folderWithoutClassFoldersExplainsLayout() throws IOException {
        Path root = tmp.resolve("flat");
        imageio(solidGrey(4, 4, 10), "png", root.resolve("1.png"));
        Files.createDirectories(root.resolve(".git"));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ImageFolder.at(root).size(8, 8).load());
        assertTrue(e.getMessage().contains("root/<class>/<image>.png"), e.getMessage());
        assertTrue(e.getMessage().contains("1 file(s) directly"), e.getMessage());
    }

    @Test
    void emptyClassFolderIsNamed() throws IOException {
        Path root = tmp.resolve("partly");
        imageio(solidGrey(4, 4, 10), "png", root.resolve("full/1.png"));
        Files.createDirectories(root.resolve("empty"));
        Files.writeString(root.resolve("empty/readme.txt"), "nothing");
        imageio(solidGrey(4, 4, 10), "png", root.resolve("empty/.hidden.png"));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ImageFolder.at(root).size(8, 8).load());
        assertTrue(
                e.getMessage().contains(root.resolve("empty").toString())
                        && e.getMessage().contains("no images"),
                e.getMessage());
    }

    @Test
    void optionsAreValidated() throws IOException {
        Path root = fruit();
        assertThrows(IllegalStateException.class, () -> ImageFolder.at(root).load());
        assertThrows(IllegalArgumentException.class, () -> ImageFolder.at(root).size(0, 3));
        assertThrows(IllegalArgumentException.class, () -> ImageFolder.at(root).limitPerClass(0));
        assertThrows(IllegalArgumentException.class, () -> ImageFolder.at(root).extensions());
        assertThrows(IllegalArgumentException.class, () -> ImageFolder.at(root).extensions("png", "."));
    }
}
