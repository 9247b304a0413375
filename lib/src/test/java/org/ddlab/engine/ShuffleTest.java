package org.ddlab.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class ShuffleTest {

    /** A generator whose nextInt(bound) is always the same end of the range: pins which swaps are made. */
    private static RandomGenerator always(boolean top) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int nextInt(int bound) {
                return top ? bound - 1 : 0;
            }
        };
    }

    @Test
    void theDrawSequenceIsFisherYatesDownForOrdersAndUpForSamples() {
        // Shipped sets and checkpoints depend on this exact sequence: i from the last position down, j in 0..i.
        assertArrayEquals(new int[] {1, 2, 3, 0}, Shuffle.permutation(4, always(false)));
        assertArrayEquals(new int[] {0, 1, 2, 3}, Shuffle.permutation(4, always(true)));
        // A sample: slot i from the first up takes a random one of i..n-1.
        int[] pool = {10, 11, 12, 13};
        assertArrayEquals(new int[] {10, 11}, Shuffle.draw(pool, 2, always(false)));
        assertArrayEquals(new int[] {13, 10}, Shuffle.draw(pool, 2, always(true)));
        assertArrayEquals(new int[] {10, 11, 12, 13}, pool, "the pool is not changed");
    }

    @Test
    void everyOrderIsEquallyLikely() {
        // Sattolo's variant (j < i) never leaves the identity, an off-by-one favours some orders: both fail here.
        SplittableRandom rng = new SplittableRandom(7);
        Map<String, Integer> orders = new HashMap<>();
        Map<String, Integer> samples = new HashMap<>();
        int n = 60_000;
        for (int k = 0; k < n; k++) {
            orders.merge(Arrays.toString(Shuffle.permutation(3, rng)), 1, Integer::sum);
            samples.merge(Arrays.toString(Shuffle.draw(new int[] {0, 1, 2}, 2, rng)), 1, Integer::sum);
        }
        for (Map<String, Integer> counts : java.util.List.of(orders, samples)) {
            assertEquals(6, counts.size(), counts.toString());
            for (int c : counts.values()) {
                assertTrue(Math.abs(c - n / 6.0) < 0.05 * n / 6, counts.toString()); // ±5 %: > 10 standard errors
            }
        }
    }

    @Test
    void drawsAreDistinctAndReproducible() {
        int[] a = Shuffle.draw(1000, 300, new SplittableRandom(3));
        assertEquals(300, Arrays.stream(a).distinct().count());
        assertTrue(Arrays.stream(a).allMatch(v -> v >= 0 && v < 1000));
        assertArrayEquals(a, Shuffle.draw(1000, 300, new SplittableRandom(3)));
        int[] all = Shuffle.draw(5, 5, new SplittableRandom(1));
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, Arrays.stream(all).sorted().toArray());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> Shuffle.draw(new int[3], 4, new SplittableRandom(1)));
        assertEquals("cannot draw 4 of 3 without replacement", e.getMessage());
    }
}
