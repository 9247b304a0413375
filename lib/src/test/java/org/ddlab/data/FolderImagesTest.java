package org.ddlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderImagesTest {

    static final int W = 6;
    static final int H = 4;

    @TempDir
    Path tmp;

    /** Pixel (x, y) of image {@code k}: red, green and blue all differ, and differ for a transposed x/y. */
    static int[] rgb(int k, int x, int y) {
        return new int[] {(k * 40 + x * 20 + y) & 0xFF, (k * 40 + 100 + y * 30 + x) & 0xFF, (k * 7 + 200 + x + y) & 0xFF
        };
    }

    static void png(Path file, int k, boolean grey) throws IOException {
        BufferedImage img = new BufferedImage(W, H, grey ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int[] p = rgb(k, x, y);
                if (grey) {
                    img.getRaster().setSample(x, y, 0, p[0]);
                } else {
                    img.setRGB(x, y, p[0] << 16 | p[1] << 8 | p[2]);
                }
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
    }

    /** root/train/{cat,dog} and root/test/{cat,dog}, one image each: image k = 0..3 in that order. */
    Path dataset(String name, boolean grey) throws IOException {
        Path root = tmp.resolve(name);
        png(root.resolve("train/cat/a.png"), 0, grey);
        png(root.resolve("train/dog/b.png"), 1, grey);
        png(root.resolve("test/cat/c.png"), 2, grey);
        png(root.resolve("test/dog/d.png"), 3, grey);
        return root;
    }

    @Test
    void rgbImagesKeepTheFirstTrainingImagesSizeAndTheirPixels() throws IOException {
        TrainTest t = FolderImages.read(dataset("pets", false));

        ImageSet train = t.train();
        assertEquals("pets train", train.name());
        assertEquals("pets test", t.test().name());
        assertEquals(List.of("cat", "dog"), train.classNames());
        assertEquals(List.of("cat", "dog"), t.test().classNames());
        assertArrayEquals(new int[] {0, 1}, train.labels());
        assertArrayEquals(new int[] {0, 1}, t.test().labels());
        assertEquals(3, train.channels());
        assertEquals(H, train.height());
        assertEquals(W, train.width());
        for (int[] probe : new int[][] {{0, 0}, {1, 0}, {0, 1}, {5, 3}, {3, 2}}) {
            int x = probe[0];
            int y = probe[1];
            for (int c = 0; c < 3; c++) {
                assertEquals(
                        rgb(1, x, y)[c] / 255f,
                        train.pixel(1, c, y, x),
                        "train image 1 c=" + c + " x=" + x + " y=" + y);
                assertEquals(
                        rgb(2, x, y)[c] / 255f,
                        t.test().pixel(0, c, y, x),
                        "test image 0 c=" + c + " x=" + x + " y=" + y);
            }
        }
    }

    @Test
    void greyImagesGiveOneChannel() throws IOException {
        TrainTest t = FolderImages.read(dataset("digits", true));

        assertEquals(1, t.train().channels());
        assertEquals(rgb(3, 4, 1)[0] / 255f, t.test().pixel(1, 0, 1, 4));
    }

    @Test
    void aGivenSizeAndColourOverrideTheFirstImage() throws IOException {
        TrainTest t = FolderImages.read(dataset("small", false), 1, 2, 3);

        assertEquals(1, t.train().channels());
        assertEquals(2, t.train().height());
        assertEquals(3, t.train().width());
        assertEquals(1, t.test().channels());
    }

    @Test
    void trainAndTestMustHaveTheSameClasses() throws IOException {
        Path root = dataset("odd", false);
        png(root.resolve("test/bird/e.png"), 0, false);
        Files.delete(root.resolve("test/dog/d.png"));
        Files.delete(root.resolve("test/dog"));

        DataFormatException e = assertThrows(DataFormatException.class, () -> FolderImages.read(root));
        assertTrue(
                e.getMessage()
                        .contains("train/ and test/ have different class folders: only in train/: [dog]; "
                                + "only in test/: [bird]"),
                e.getMessage());
    }

    @Test
    void missingSplitOrRootIsNoSuchFile() throws IOException {
        Path root = tmp.resolve("half");
        png(root.resolve("train/cat/a.png"), 0, false);

        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> FolderImages.read(root));
        assertEquals(root.resolve("test").toString(), e.getFile());
        assertTrue(e.getMessage().contains("no test/ folder"), e.getMessage());
        assertTrue(e.getMessage().contains("sub-folders found: [train]"), e.getMessage());

        Path none = tmp.resolve("nowhere");
        assertEquals(
                none.toString(),
                assertThrows(NoSuchFileException.class, () -> FolderImages.read(none))
                        .getFile());
    }
}
