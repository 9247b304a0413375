package org.ddlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageSetTest {

    /** 6 RGB images 2x2; value of (i, c, p) = i + c / 10 + p / 100; labels 0,1,0,2,1,0. */
    static ImageSet sample() {
        int n = 6;
        float[] px = new float[n * 3 * 4];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < 4; p++) {
                    px[(i * 3 + c) * 4 + p] = i + c / 10f + p / 100f;
                }
            }
        }
        return ImageSet.of("sample", px, new int[] {0, 1, 0, 2, 1, 0}, 3, 2, 2, List.of("a", "b", "c"));
    }

    static float[] all(ImageSet s) {
        float[] out = new float[s.size() * s.imageSize()];
        s.pixels().get(out);
        return out;
    }

    @Test
    void classIndexAndCounts() {
        ImageSet s = sample();
        assertEquals(6, s.size());
        assertEquals(3, s.numClasses());
        assertArrayEquals(new int[] {3, 2, 1}, s.classCounts());
        assertArrayEquals(new int[] {0, 2, 5}, s.indicesOf(0));
        assertArrayEquals(new int[] {1, 4}, s.indicesOf(1));
        assertArrayEquals(new int[] {3}, s.indicesOf(2));
        assertArrayEquals(new int[] {0, 2, 1, 4, 3}, s.firstPerClass(2));
        assertEquals(new Shape(6, 3, 2, 2), s.shape());
        assertThrows(IndexOutOfBoundsException.class, () -> s.indicesOf(3));
    }

    @Test
    void subsetCopiesTheChosenRowsInOrder() {
        ImageSet s = sample();
        ImageSet sub = s.subset(new int[] {4, 0, 4});
        assertEquals(3, sub.size());
        assertArrayEquals(new int[] {1, 0, 1}, sub.labels());
        assertArrayEquals(s.image(4), sub.image(0));
        assertArrayEquals(s.image(0), sub.image(1));
        assertArrayEquals(new int[] {1, 2, 0}, sub.classCounts());
        assertEquals(s.classNames(), sub.classNames());
        assertThrows(IndexOutOfBoundsException.class, () -> s.subset(new int[] {6}));
    }

    /**
     * A task of a class-incremental sequence: only the images of the classes asked for, in the set's order, labelled
     * by the position of their class in the request (class 2 first here), under those classes' names; a set of bytes
     * stays bytes with the same values, and the set it came from is unchanged.
     */
    @Test
    void subsetOfClassesKeepsThoseImagesRelabelledInTheOrderAsked() {
        ImageSet s = sample(); // labels 0,1,0,2,1,0
        ImageSet task = s.subsetOfClasses(2, 0);
        assertEquals(4, task.size());
        assertArrayEquals(new int[] {1, 1, 0, 1}, task.labels()); // images 0, 2, 3, 5 of the sample
        int[] from = {0, 2, 3, 5};
        for (int k = 0; k < from.length; k++) {
            assertArrayEquals(s.image(from[k]), task.image(k), "image " + k);
        }
        assertEquals(List.of("c", "a"), task.classNames());
        assertArrayEquals(new int[] {1, 3}, task.classCounts());
        assertEquals(s.space(), task.space());
        assertArrayEquals(new int[] {0, 1, 0, 2, 1, 0}, s.labels());
        assertEquals(List.of("a", "b", "c"), s.classNames());

        ImageSet one = s.subsetOfClasses(1);
        assertArrayEquals(new int[] {0, 0}, one.labels());
        assertArrayEquals(s.image(4), one.image(1));

        byte[] raw = {0, (byte) 255, 51, 102, (byte) 204, 10};
        ImageSet bytes =
                ImageSet.wrapBytes("bytes", raw, new int[] {0, 1, 2, 1, 0, 2}, 1, 1, 1, List.of("x", "y", "z"));
        ImageSet fromBytes = bytes.subsetOfClasses(1, 2);
        assertTrue(fromBytes.storesBytes());
        assertArrayEquals(new int[] {0, 1, 0, 1}, fromBytes.labels());
        assertArrayEquals(new float[] {1f, 0.2f, 0.4f, 10 / 255f}, all(fromBytes), 1e-7f);
    }

    @Test
    void subsetOfClassesRefusesNoClassARepeatAndAClassOutsideTheSet() {
        ImageSet s = sample();
        assertTrue(assertThrows(IllegalArgumentException.class, s::subsetOfClasses)
                .getMessage()
                .contains("at least one class"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> s.subsetOfClasses(1, 1))
                .getMessage()
                .contains("class 1 (b) is given twice"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> s.subsetOfClasses(0, 3))
                .getMessage()
                .contains("class 3 is not a class of 'sample' (0..2)"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> s.subsetOfClasses(-1))
                .getMessage()
                .contains("class -1 is not a class"));
    }

    @Test
    void nothingHandedOutChangesTheSet() {
        float[] px = new float[4];
        int[] y = {0, 1, 0, 1};
        ImageSet s = ImageSet.of("x", px, y, 1, 1, 1, List.of("a", "b"));
        px[0] = 9;
        y[0] = 1;
        s.image(0)[0] = 7;
        s.labels()[0] = 1;
        s.indicesOf(0)[0] = 3;
        assertEquals(0f, s.pixel(0, 0, 0, 0));
        assertEquals(0, s.label(0));
        assertArrayEquals(new int[] {0, 2}, s.indicesOf(0));
        FloatBuffer view = s.pixels();
        assertThrows(ReadOnlyBufferException.class, () -> view.put(0, 1f));
        assertThrows(UnsupportedOperationException.class, () -> s.classNames().set(0, "z"));
    }

    @Test
    void invalidInputIsExplained() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ImageSet.of("x", new float[5], new int[] {0, 1}, 1, 2, 1, List.of("a", "b")));
        assertTrue(e.getMessage().contains("2 labels need 2 x 1x2x1 = 4 pixel values, got 5"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> ImageSet.of("x", new float[2], new int[] {0, 2}, 1, 1, 1, List.of("a", "b")));
        assertTrue(e.getMessage().contains("label 2 of image 1 is outside 0..1"), e.getMessage());
    }

    @Test
    void batchTensorHasTheChosenImagesAndLabels() {
        ImageSet s = sample();
        try (NDManager m = NDManager.newBaseManager()) {
            int[] idx = {3, 1};
            NDArray x = s.images(m, idx);
            NDArray y = s.labels(m, idx);
            assertEquals(new Shape(2, 3, 2, 2), x.getShape());
            assertEquals(DataType.FLOAT32, x.getDataType());
            float[] expected = new float[24];
            System.arraycopy(s.image(3), 0, expected, 0, 12);
            System.arraycopy(s.image(1), 0, expected, 12, 12);
            assertArrayEquals(expected, x.toFloatArray());
            assertEquals(3.21f, x.get(0, 2, 0, 1).getFloat(), 1e-6);
            assertArrayEquals(new int[] {2, 1}, y.toIntArray());
        }
    }

    @Test
    void wholeSetTensorsMatch() {
        ImageSet s = sample();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = s.toNDArray(m);
            assertEquals(new Shape(6, 3, 2, 2), x.getShape());
            assertArrayEquals(all(s), x.toFloatArray());
            assertArrayEquals(s.labels(), s.labelsNDArray(m).toIntArray());
            ImageSet back =
                    ImageSet.fromNDArray("back", x, s.labelsNDArray(m).toType(DataType.FLOAT32, false), s.classNames());
            assertArrayEquals(s.image(5), back.image(5));
            assertArrayEquals(s.labels(), back.labels());
        }
    }

    @Test
    void normalisationStatsArePerChannel() {
        // Grey 1x2 images {0, 1} and {0, 1}: mean 0.5, population std 0.5.
        ImageSet s = ImageSet.of("g", new float[] {0, 1, 0, 1}, new int[] {0, 0}, 1, 1, 2, List.of("a"));
        Normalization n = s.normalization();
        assertArrayEquals(new float[] {0.5f}, n.mean());
        assertArrayEquals(new float[] {0.5f}, n.std());
        ImageSet z = s.normalized(n);
        assertArrayEquals(new float[] {-1, 1}, z.image(0));
        assertEquals(1f, s.image(0)[1]); // the original is untouched

        // RGB sample: channel c of image i is i + c/10 + p/100, so the means differ by 0.1.
        Normalization rgb = sample().normalization();
        float[] mean = rgb.mean();
        assertEquals(2.5 + 0.015, mean[0], 1e-5);
        assertEquals(mean[0] + 0.1, mean[1], 1e-5);
        assertEquals(mean[0] + 0.2, mean[2], 1e-5);
        assertArrayEquals(new float[] {rgb.std()[0], rgb.std()[0], rgb.std()[0]}, rgb.std(), 1e-5f);
    }

    @Test
    void normalisationAppliesAndInvertsOnTensors() {
        ImageSet s = sample();
        Normalization n = s.normalization();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = s.toNDArray(m);
            NDArray z = n.apply(x);
            assertArrayEquals(all(s.normalized(n)), z.toFloatArray(), 1e-5f);
            assertArrayEquals(x.toFloatArray(), n.invert(z).toFloatArray(), 1e-5f);
            assertThrows(
                    IllegalArgumentException.class,
                    () -> Normalization.identity(1).apply(x));
        }
    }

    @Test
    void zeroStdIsRejectedWithAHint() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> new Normalization(new float[] {0.5f}, new float[] {0f}));
        assertTrue(e.getMessage().contains("identity"), e.getMessage());
    }
}
