package org.ddlab.engine;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Seeded Fisher–Yates: every random order and every sample without replacement in ddlab comes from
 * here, so each draws its random numbers in one documented sequence and the same seed gives the
 * same choice wherever it is made.
 */
public final class Shuffle {

    private Shuffle() {}

    /** Shuffles {@code a} in place: Fisher–Yates from the last position down, as {@code torch.randperm}. */
    public static void inPlace(int[] a, RandomGenerator rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** A uniformly random permutation of 0 … n − 1 ({@link #inPlace} of the identity). */
    public static int[] permutation(int n, RandomGenerator rng) {
        int[] p = new int[n];
        Arrays.setAll(p, i -> i);
        inPlace(p, rng);
        return p;
    }

    /**
     * {@code count} entries of {@code pool} drawn uniformly without replacement, in the order drawn;
     * {@code pool} is not changed. A partial Fisher–Yates from the first position up: the first
     * {@code count} slots of a shuffled copy, which costs {@code count} draws, not one per entry.
     */
    public static int[] draw(int[] pool, int count, RandomGenerator rng) {
        if (count < 0 || count > pool.length) {
            throw new IllegalArgumentException("cannot draw " + count + " of " + pool.length + " without replacement");
        }
        int[] a = pool.clone();
        for (int i = 0; i < count; i++) {
            int j = i + rng.nextInt(a.length - i);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return Arrays.copyOf(a, count);
    }

    /** {@code count} distinct numbers of 0 … n − 1, drawn as {@link #draw(int[], int, RandomGenerator)} draws them. */
    public static int[] draw(int n, int count, RandomGenerator rng) {
        int[] all = new int[n];
        Arrays.setAll(all, i -> i);
        return draw(all, count, rng);
    }
}
