package org.ddlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class NormalizationTest {

    private static final Normalization TWO = new Normalization(new float[] {0.5f, 0.25f}, new float[] {0.25f, 2f});
    /** One image of two 2×2 channels, and what (x − mean[c]) / std[c] makes of it. */
    private static final float[] IMAGE = {1, 0.5f, 0, 0.25f, 2, 0.25f, 4, -1.75f};

    private static final float[] NORMALISED = {2, 0, -2, -1, 0.875f, 0, 1.875f, -1};

    /** Each channel by its own mean and std, on a flat image, one image [C,H,W] or a batch [N,C,H,W]; invert undoes it. */
    @Test
    void normalisesEachChannelAndInvertsBack() {
        float[] a = IMAGE.clone();
        TWO.applyInPlace(a);
        assertArrayEquals(NORMALISED, a, 1e-6f);
        TWO.invertInPlace(a);
        assertArrayEquals(IMAGE, a, 1e-6f);
        float[] same = IMAGE.clone();
        Normalization.identity(2).applyInPlace(same);
        assertArrayEquals(IMAGE, same);
        try (NDManager m = NDManager.newBaseManager()) {
            assertArrayEquals(
                    NORMALISED, TWO.apply(m.create(IMAGE, new Shape(2, 2, 2))).toFloatArray(), 1e-6f);
            float[] two = new float[16];
            System.arraycopy(IMAGE, 0, two, 0, 8);
            System.arraycopy(IMAGE, 0, two, 8, 8);
            NDArray batch = TWO.apply(m.create(two, new Shape(2, 2, 2, 2)));
            float[] expected = new float[16];
            System.arraycopy(NORMALISED, 0, expected, 0, 8);
            System.arraycopy(NORMALISED, 0, expected, 8, 8);
            assertArrayEquals(expected, batch.toFloatArray(), 1e-6f);
            assertArrayEquals(two, TWO.invert(batch).toFloatArray(), 1e-6f);
            assertThrows(
                    IllegalArgumentException.class, () -> TWO.apply(m.zeros(new Shape(3, 2, 2))), "three channels");
            assertThrows(
                    IllegalArgumentException.class, () -> TWO.apply(m.zeros(new Shape(1, 3, 2, 2))), "three channels");
            assertThrows(IllegalArgumentException.class, () -> TWO.apply(m.zeros(new Shape(2, 4))), "not an image");
        }
        assertThrows(IllegalArgumentException.class, () -> TWO.applyInPlace(new float[7]), "not two equal channels");
    }

    @Test
    void refusesWhatCannotNormalise() {
        assertThrows(IllegalArgumentException.class, () -> new Normalization(new float[0], new float[0]));
        assertThrows(IllegalArgumentException.class, () -> new Normalization(new float[2], new float[] {1}));
        assertThrows(
                IllegalArgumentException.class,
                () -> new Normalization(new float[1], new float[] {0}),
                "a constant channel");
        assertThrows(
                IllegalArgumentException.class,
                () -> new Normalization(new float[1], new float[] {Float.POSITIVE_INFINITY}));
        assertThrows(IllegalArgumentException.class, () -> new Normalization(new float[1], new float[] {Float.NaN}));
    }

    @Test
    void equalStatisticsAreEqualAndSaySo() {
        assertEquals(TWO, new Normalization(new float[] {0.5f, 0.25f}, new float[] {0.25f, 2f}));
        assertEquals(TWO.hashCode(), new Normalization(new float[] {0.5f, 0.25f}, new float[] {0.25f, 2f}).hashCode());
        assertNotEquals(TWO, new Normalization(new float[] {0.5f, 0.25f}, new float[] {0.25f, 1f}));
        assertEquals("Normalization[mean=0.5000, 0.2500; std=0.2500, 2.0000]", TWO.toString());
    }
}
