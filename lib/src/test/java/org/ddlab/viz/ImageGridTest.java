package org.ddlab.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import javax.imageio.ImageIO;
import org.ddlab.data.ImageSet;
import org.ddlab.data.Normalization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageGridTest {

    private static final int WHITE = 0xFFFFFF;

    /** 3 classes x 2 grey images of 4x5 (HxW), all black except image 3 (class 0, second) pixel (1,2) = 1. */
    static ImageSet toy() {
        int n = 6;
        float[] px = new float[n * 20];
        px[3 * 20 + 1 * 5 + 2] = 1f;
        return ImageSet.of("toy", px, new int[] {0, 1, 2, 0, 1, 2}, 1, 4, 5, List.of("zero", "one", "two"));
    }

    private static int rgb(BufferedImage img, int x, int y) {
        return img.getRGB(x, y) & 0xFFFFFF;
    }

    @Test
    void sizeFollowsLayoutAndScale() {
        BufferedImage img =
                ImageGrid.of(toy(), 2).scale(3).padding(2).rowLabels(false).toImage();
        assertEquals(2 + 2 * (5 * 3 + 2), img.getWidth());
        assertEquals(2 + 3 * (4 * 3 + 2), img.getHeight());
    }

    @Test
    void defaultScaleShowsMnistAtAbout56Pixels() {
        ImageSet mnistLike = ImageSet.of("m", new float[784], new int[] {0}, 1, 28, 28, List.of("a"));
        BufferedImage img =
                ImageGrid.of(mnistLike, 1).rowLabels(false).padding(0).toImage();
        assertEquals(56, img.getWidth());
        assertEquals(56, img.getHeight());
    }

    @Test
    void pixelsLandInTheirCell() {
        int scale = 3;
        int pad = 2;
        BufferedImage img = ImageGrid.of(toy(), 2)
                .scale(scale)
                .padding(pad)
                .rowLabels(false)
                .toImage();
        // Image 3 is class 0 ("zero"), second of its class: grid row 0, column 1.
        int x0 = pad + 1 * (5 * scale + pad);
        int y0 = pad;
        for (int dy = 0; dy < scale; dy++) {
            for (int dx = 0; dx < scale; dx++) {
                assertEquals(WHITE, rgb(img, x0 + 2 * scale + dx, y0 + 1 * scale + dy));
            }
        }
        assertEquals(0x000000, rgb(img, x0 + 2 * scale - 1, y0 + scale)); // left neighbour pixel: black
        assertEquals(0x000000, rgb(img, x0 + 3 * scale, y0 + scale)); // right neighbour pixel: black
        assertEquals(0x000000, rgb(img, x0, y0)); // cell corner: image, black
        assertEquals(WHITE, rgb(img, x0 - 1, y0)); // padding: background
        assertEquals(0x000000, rgb(img, pad, pad)); // first cell: black image
        assertEquals(0x000000, rgb(img, x0 + 2 * scale, y0 + 4 * scale + pad + scale)); // same spot, row below
    }

    @Test
    void rgbChannelsBecomeColourAndGreyStaysGrey() {
        float[] red = new float[3 * 2 * 2];
        for (int p = 0; p < 4; p++) {
            red[p] = 1f; // R plane
            red[8 + p] = 0.5f; // B plane
        }
        BufferedImage img = ImageGrid.of(new float[][] {red}, new int[] {0}, 3, 2, 2, null)
                .scale(1)
                .padding(0)
                .rowLabels(false)
                .toImage();
        assertEquals(0xFF0080, rgb(img, 1, 1));

        float[] grey = {0.5f, 0.5f, 0.5f, 0.5f};
        BufferedImage g = ImageGrid.of(new float[][] {grey}, new int[] {0}, 1, 2, 2, null)
                .scale(1)
                .padding(0)
                .rowLabels(false)
                .toImage();
        assertEquals(0x808080, rgb(g, 0, 0));

        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ImageGrid.of(new float[][] {new float[8]}, new int[] {0}, 2, 2, 2, null));
        assertTrue(e.getMessage().contains("C=2"), e.getMessage());
    }

    @Test
    void clampCutsOffAndPerImageStretches() {
        float[] synthetic = {-1f, 0.5f, 2f, 3f};
        ImageGrid clamp = ImageGrid.of(new float[][] {synthetic}, new int[] {0}, 1, 2, 2, null)
                .scale(1)
                .padding(0)
                .rowLabels(false);
        BufferedImage c = clamp.toImage();
        assertEquals(0x000000, rgb(c, 0, 0));
        assertEquals(0x808080, rgb(c, 1, 0));
        assertEquals(WHITE, rgb(c, 0, 1));

        BufferedImage s = clamp.scaling(ImageGrid.PixelScaling.PER_IMAGE).toImage();
        assertEquals(0x000000, rgb(s, 0, 0)); // -1 is the minimum
        assertEquals(0x606060, rgb(s, 1, 0)); // 0.5 is 3/8 of the way: 96
        assertEquals(WHITE, rgb(s, 1, 1)); // 3 is the maximum
    }

    @Test
    void normalisedImagesCanBeShownInPixelSpace() {
        float[] z = {-1f, 1f}; // with mean 0.5, std 0.5 these are 0 and 1
        BufferedImage img = ImageGrid.of(new float[][] {z}, new int[] {0}, 1, 1, 2, null)
                .denormalize(new Normalization(new float[] {0.5f}, new float[] {0.5f}))
                .scale(1)
                .padding(0)
                .rowLabels(false)
                .toImage();
        assertEquals(0x000000, rgb(img, 0, 0));
        assertEquals(WHITE, rgb(img, 1, 0));
    }

    @Test
    void rowLabelsAddAColumnWithText() {
        ImageGrid grid = ImageGrid.of(toy(), 2).scale(2).padding(2);
        BufferedImage plain = grid.rowLabels(false).toImage();
        BufferedImage labelled = grid.rowLabels(true).toImage();
        assertEquals(plain.getHeight(), labelled.getHeight());
        int extra = labelled.getWidth() - plain.getWidth();
        assertTrue(extra > 20, "label column is " + extra + " px");
        int ink = 0;
        for (int y = 0; y < labelled.getHeight(); y++) {
            for (int x = 0; x < extra; x++) {
                if (rgb(labelled, x, y) != WHITE) {
                    ink++;
                }
            }
        }
        assertTrue(ink > 20, "class names are drawn: " + ink + " non-white pixels");
    }

    @Test
    void columnsWrapLongRows() {
        ImageSet s = ImageSet.of("s", new float[5], new int[] {0, 0, 0, 0, 0}, 1, 1, 1, List.of("a"));
        ImageGrid grid = ImageGrid.of(s, 5).columns(2).scale(4).padding(1).rowLabels(false);
        assertEquals(3, grid.gridRows());
        assertEquals(2, grid.gridColumns());
        BufferedImage img = grid.toImage();
        assertEquals(1 + 2 * 5, img.getWidth());
        assertEquals(1 + 3 * 5, img.getHeight());
    }

    @Test
    void givenIndicesAreGroupedByClass() {
        ImageGrid grid = ImageGrid.of(toy(), new int[] {3, 0, 1});
        assertEquals(2, grid.gridRows()); // classes 0 and 1 only
        assertEquals(2, grid.gridColumns()); // class 0 has images 3 and 0
    }

    @Test
    void tensorSourceDrawsLikeArrays() {
        ImageSet set = toy();
        try (NDManager m = NDManager.newBaseManager()) {
            int[] idx = {0, 1, 2, 3, 4, 5};
            NDArray x = set.images(m, idx);
            assertEquals(new Shape(6, 1, 4, 5), x.getShape());
            BufferedImage fromTensor = ImageGrid.of(x, set.labels(m, idx), set.classNames())
                    .scale(2)
                    .toImage();
            BufferedImage fromSet = ImageGrid.of(set, 2).scale(2).toImage();
            assertEquals(fromSet.getWidth(), fromTensor.getWidth());
            assertEquals(fromSet.getHeight(), fromTensor.getHeight());
            for (int y = 0; y < fromSet.getHeight(); y++) {
                for (int x0 = 0; x0 < fromSet.getWidth(); x0++) {
                    assertEquals(fromSet.getRGB(x0, y), fromTensor.getRGB(x0, y));
                }
            }
        }
    }

    @Test
    void pngRoundTripsAndSavesAtomically(@TempDir Path dir) throws IOException {
        ImageGrid grid = ImageGrid.of(toy(), 2);
        BufferedImage img = grid.toImage();
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(grid.toPng()));
        assertEquals(img.getWidth(), decoded.getWidth());
        assertEquals(img.getHeight(), decoded.getHeight());
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                assertEquals(img.getRGB(x, y), decoded.getRGB(x, y));
            }
        }
        Path file = dir.resolve("out/grid.png");
        grid.savePng(file);
        assertEquals(img.getWidth(), ImageIO.read(file.toFile()).getWidth());
        try (var files = Files.list(file.getParent())) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertTrue(
                    Files.getPosixFilePermissions(file).contains(PosixFilePermission.OTHERS_READ),
                    "a saved picture is readable by others, not owner-only like a temp file");
        }
    }
}
