package org.ddlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ValidationSplitTest {

    /** 1x1x1 images whose single pixel is the image's own index, so every image can be traced. */
    static ImageSet traceable(int[] counts) {
        int n = Arrays.stream(counts).sum();
        float[] px = new float[n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            px[i] = i;
        }
        // Interleave classes so that class order differs from index order.
        int[] left = counts.clone();
        for (int i = 0, c = 0; i < n; c = (c + 1) % counts.length) {
            if (left[c] > 0) {
                left[c]--;
                labels[i++] = c;
            }
        }
        return ImageSet.of("toy", px, labels, 1, 1, 1, List.of("a", "b", "c"));
    }

    static int[] ids(ImageSet s) {
        int[] out = new int[s.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) s.pixel(i, 0, 0, 0);
        }
        return out;
    }

    @Test
    void sameSeedSameSplitOtherSeedOtherSplit() {
        ImageSet set = traceable(new int[] {50, 40, 30});
        ValidationSplit a = ValidationSplit.split(set, 5, 42);
        ValidationSplit b = ValidationSplit.split(set, 5, 42);
        ValidationSplit c = ValidationSplit.split(set, 5, 43);
        assertArrayEquals(ids(a.validation()), ids(b.validation()));
        assertArrayEquals(ids(a.train()), ids(b.train()));
        assertFalse(Arrays.equals(ids(a.validation()), ids(c.validation())));
    }

    @Test
    void partsAreDisjointCoverTheSetAndKeepLabelsAndOrder() {
        ImageSet set = traceable(new int[] {50, 40, 30});
        ValidationSplit s = ValidationSplit.split(set, 5, 7);
        int[] train = ids(s.train());
        int[] val = ids(s.validation());
        Set<Integer> seen = new HashSet<>();
        for (int id : train) {
            assertTrue(seen.add(id));
        }
        for (int id : val) {
            assertTrue(seen.add(id), "image " + id + " is in both parts");
        }
        assertEquals(set.size(), seen.size());
        assertTrue(isSorted(train) && isSorted(val), "both parts keep the original order");
        for (int k = 0; k < val.length; k++) {
            assertEquals(set.label(val[k]), s.validation().label(k));
        }
    }

    @Test
    void everyClassGivesTheSameNumber() {
        ImageSet set = traceable(new int[] {50, 40, 30});
        ValidationSplit s = ValidationSplit.split(set, 5, 1);
        assertArrayEquals(new int[] {5, 5, 5}, s.validation().classCounts());
        assertArrayEquals(new int[] {45, 35, 25}, s.train().classCounts());
    }

    @Test
    void fractionIsTakenPerClass() {
        ImageSet set = traceable(new int[] {50, 40, 30});
        ValidationSplit s = ValidationSplit.split(set, 0.1, 1);
        assertArrayEquals(new int[] {5, 4, 3}, s.validation().classCounts());
        assertArrayEquals(new int[] {45, 36, 27}, s.train().classCounts());
    }

    /**
     * From one image per class to all but one, by count or by fraction (rounded, at least one, never the last);
     * a class without images gives none and is no error. Carving in place holds out the same images.
     */
    @Test
    void splitsReachFromOneImageToAllButOne() {
        ImageSet set = traceable(new int[] {5, 4, 3});
        assertArrayEquals(
                new int[] {1, 1, 1},
                ValidationSplit.split(set, 1, 0).validation().classCounts());
        assertArrayEquals(
                new int[] {2, 2, 2},
                ValidationSplit.split(set, 2, 0).validation().classCounts());
        assertArrayEquals(
                new int[] {1, 1, 1},
                ValidationSplit.split(set, 0.01, 0).validation().classCounts(),
                "at least one");
        assertArrayEquals(
                new int[] {4, 3, 2},
                ValidationSplit.split(set, 0.99, 0).validation().classCounts(),
                "all but one");
        ImageSet noC = traceable(new int[] {5, 4, 0});
        assertArrayEquals(
                new int[] {2, 2, 0},
                ValidationSplit.split(noC, 2, 0).validation().classCounts());
        assertArrayEquals(
                new int[] {1, 1, 0},
                ValidationSplit.split(noC, 0.2, 0).validation().classCounts());
        assertArrayEquals(
                ids(ValidationSplit.split(set, 2, 3).validation()),
                ids(ValidationSplit.carveInPlace(traceable(new int[] {5, 4, 3}), 2, 3)
                        .validation()));
        assertArrayEquals(
                new int[] {2, 2, 0},
                ValidationSplit.carveInPlace(traceable(new int[] {5, 4, 0}), 2, 0)
                        .validation()
                        .classCounts());
        assertThrows(
                IllegalArgumentException.class,
                () -> ValidationSplit.carveInPlace(traceable(new int[] {5, 4, 3}), 3, 0));
        assertThrows(IllegalArgumentException.class, () -> ValidationSplit.split(set, 0.0, 1));
        assertThrows(
                IllegalArgumentException.class,
                () -> ValidationSplit.split(traceable(new int[] {5, 4, 1}), 0.5, 1),
                "a class of one image cannot be split");
    }

    @Test
    void impossibleSplitsAreExplained() {
        ImageSet set = traceable(new int[] {5, 5, 2});
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ValidationSplit.split(set, 2, 1));
        assertTrue(e.getMessage().contains("class 2 (c) has only 2 images"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ValidationSplit.split(set, 1.0, 1));
        assertThrows(IllegalArgumentException.class, () -> ValidationSplit.split(set, 0, 1));
    }

    private static boolean isSorted(int[] a) {
        for (int i = 1; i < a.length; i++) {
            if (a[i - 1] >= a[i]) {
                return false;
            }
        }
        return true;
    }
}
