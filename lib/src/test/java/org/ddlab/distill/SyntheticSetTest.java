package org.ddlab.distill;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SyntheticSetTest {

    static final List<String> CLASSES = List.of("a", "b", "c");
    private static NDManager manager;

    @BeforeAll
    static void start() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    /** 30 real 1×2×2 images, 10 per class; image i is filled with the value i. */
    static float[][] realImages() {
        float[][] x = new float[30][4];
        for (int i = 0; i < 30; i++) {
            java.util.Arrays.fill(x[i], i);
        }
        return x;
    }

    static int[] realLabels() {
        int[] l = new int[30];
        for (int i = 0; i < 30; i++) {
            l[i] = i % 3;
        }
        return l;
    }

    @Test
    void fromRealTakesIpcSeededImagesPerClassClassByClass() {
        try (SyntheticSet s =
                        SyntheticSet.fromReal(manager, realImages(), realLabels(), new Shape(1, 2, 2), CLASSES, 4, 7);
                SyntheticSet again =
                        SyntheticSet.fromReal(manager, realImages(), realLabels(), new Shape(1, 2, 2), CLASSES, 4, 7)) {
            assertEquals(new Shape(12, 1, 2, 2), s.images().getShape());
            assertEquals(4, s.ipc());
            assertArrayEquals(new int[] {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2}, s.labels());
            float[] px = s.pixels();
            java.util.Set<Integer> seen = new java.util.HashSet<>();
            for (int i = 0; i < 12; i++) {
                int source = (int) px[i * 4];
                assertEquals(s.label(i), source % 3, "image " + i + " comes from its own class");
                assertTrue(seen.add(source), "no repeats within a class");
            }
            assertArrayEquals(px, again.pixels(), "same seed, same picks");
        }
        assertThrows(
                IllegalArgumentException.class,
                () -> SyntheticSet.fromReal(manager, realImages(), realLabels(), new Shape(1, 2, 2), CLASSES, 11, 0));
    }

    @Test
    void fromNoiseIsSeededAndRoughlyStandardNormal() {
        try (SyntheticSet a = SyntheticSet.fromNoise(manager, CLASSES, 5, new Shape(1, 8, 8), 3);
                SyntheticSet b = SyntheticSet.fromNoise(manager, CLASSES, 5, new Shape(1, 8, 8), 3);
                SyntheticSet c = SyntheticSet.fromNoise(manager, CLASSES, 5, new Shape(1, 8, 8), 4)) {
            assertArrayEquals(a.pixels(), b.pixels());
            assertFalse(java.util.Arrays.equals(a.pixels(), c.pixels()));
            assertEquals(0, a.images().mean().getFloat(), 0.1);
            assertEquals(15, a.size());
            assertEquals(2, a.label(14));
        }
    }

    @Test
    void fromCentresKeepsTheGivenImages() {
        float[][] ca = {{1, 1, 1, 1}, {2, 2, 2, 2}};
        float[][] cb = {{3, 3, 3, 3}, {4, 4, 4, 4}};
        float[][] cc = {{5, 5, 5, 5}, {6, 6, 6, 6}};
        try (SyntheticSet s = SyntheticSet.fromCentres(manager, List.of(ca, cb, cc), new Shape(1, 2, 2), CLASSES)) {
            assertEquals(2, s.ipc());
            assertEquals(4f, s.images().getFloat(3, 0, 1, 1));
            assertArrayEquals(new int[] {0, 0, 1, 1, 2, 2}, s.labels());
        }
        assertThrows(
                IllegalArgumentException.class,
                () -> SyntheticSet.fromCentres(
                        manager, List.of(ca, cb, new float[][] {{1, 1, 1, 1}}), new Shape(1, 2, 2), CLASSES));
    }

    @Test
    void softLabelsAndLearnability() {
        try (SyntheticSet s = SyntheticSet.fromNoise(manager, CLASSES, 2, new Shape(1, 2, 2), 0)) {
            assertTrue(s.softLabels().isEmpty());
            assertThrows(IllegalStateException.class, () -> s.setLearnable(true, true));
            s.initSoftLabels(1f, 0f);
            assertEquals(new Shape(6, 3), s.softLabels().orElseThrow().getShape());
            assertEquals(1f, s.softLabels().orElseThrow().getFloat(4, 2));
            s.setLearnable(true, true);
            assertTrue(s.imagesLearnable());
            assertTrue(s.softLabels().orElseThrow().hasGradient());
            assertThrows(IllegalArgumentException.class, () -> s.setSoftLabels(manager.zeros(new Shape(6, 4))));
        }
    }

    @Test
    void rejectsLabelsOutsideTheClasses() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> SyntheticSet.of(manager.zeros(new Shape(2, 1, 2, 2)), new int[] {0, 3}, null, CLASSES));
        assertTrue(e.getMessage().contains("label 3"), e.getMessage());
    }
}
