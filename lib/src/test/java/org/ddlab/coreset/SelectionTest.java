package org.ddlab.coreset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SelectionTest {

    /** Points on a line: 0, 1, 2, 10 — mean 3.25. */
    private static NDArray line(NDManager m) {
        return m.create(new float[] {0, 1, 2, 10}, new Shape(4, 1));
    }

    @Test
    void herdingMatchesTheMeanGreedily() {
        try (NDManager m = NDManager.newBaseManager()) {
            // t=1: nearest to 3.25 is 2; t=2: (2+x)/2 nearest 3.25 → x=1 (1.5, off 1.75) beats 10 (6, off 2.75).
            assertArrayEquals(new int[] {2, 1}, new Herding().select(line(m), 2, new Random(0)));
        }
    }

    @Test
    void kCenterStartsAtTheMeanThenGoesFarthest() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertArrayEquals(new int[] {2, 3, 0}, new KCenter().select(line(m), 3, new Random(0)));
        }
    }

    @Test
    void kCenterOnTwoClustersTakesOneFromEach() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {0, 0, 0.1f, 0, 0, 0.1f, 5, 5, 5.1f, 5, 5, 5.1f}, new Shape(6, 2));
            int[] picked = new KCenter().select(x, 2, new Random(0));
            assertTrue((picked[0] < 3) != (picked[1] < 3), Arrays.toString(picked));
        }
    }

    @Test
    void randomIsSeededAndDistinct() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.zeros(new Shape(100, 3));
            int[] a = new RandomSelection().select(x, 20, new Random(42));
            int[] b = new RandomSelection().select(x, 20, new Random(42));
            assertArrayEquals(a, b);
            assertEquals(20, Arrays.stream(a).distinct().count());
        }
    }

    /** Every selection takes any k from 1 to n: k = n is the whole class, each row once. */
    @Test
    void everyMethodTakesFromOneToAllRows() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (Selection s : new Selection[] {new Herding(), new KCenter(), new RandomSelection()}) {
                int[] all = s.select(line(m), 4, new Random(0));
                assertArrayEquals(
                        new int[] {0, 1, 2, 3}, Arrays.stream(all).sorted().toArray(), s + " of all four rows");
                assertEquals(1, s.select(line(m), 1, new Random(0)).length, s.toString());
                assertThrows(IllegalArgumentException.class, () -> s.select(line(m), 0, new Random(0)), s + " of none");
                assertThrows(
                        IllegalArgumentException.class,
                        () -> s.select(line(m), 5, new Random(0)),
                        s + " of more rows than there are");
            }
        }
    }

    @Test
    void randomDependsOnTheSeedAndIsNotThePrefix() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.zeros(new Shape(100, 3));
            int[] a = new RandomSelection().select(x, 20, new Random(1));
            int[] b = new RandomSelection().select(x, 20, new Random(2));
            assertFalse(Arrays.equals(a, b), "two seeds, two choices");
            assertFalse(
                    Arrays.equals(
                            java.util.stream.IntStream.range(0, 20).toArray(),
                            Arrays.stream(a).sorted().toArray()),
                    "a random choice of 20 of 100 is not the first 20");
        }
    }

    /** A class of Fashion-MNIST is 6000 embeddings: selection's working arrays must not outlive it on the caller's manager. */
    @Test
    void selectingLeavesNoArraysOnTheCallersManager() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(30, 4));
            int before = m.getManagedArrays().size();
            new Herding().select(x, 5, new Random(0));
            new KCenter().select(x, 5, new Random(0));
            assertEquals(before, m.getManagedArrays().size());
        }
    }

    @Test
    void tooManyIsAnError() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertThrows(IllegalArgumentException.class, () -> new Herding().select(line(m), 5, new Random(0)));
        }
    }
}
