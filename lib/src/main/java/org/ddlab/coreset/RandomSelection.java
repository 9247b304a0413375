package org.ddlab.coreset;

import ai.djl.ndarray.NDArray;
import java.util.Random;

/** Uniform random choice without replacement (seeded): the baseline every method must beat. */
public final class RandomSelection implements Selection {

    @Override
    public int[] select(NDArray embeddings, int k, Random random) {
        return sample(Math.toIntExact(embeddings.getShape().get(0)), k, random);
    }

    /** k distinct positions out of n, by a partial Fisher–Yates shuffle. */
    static int[] sample(int n, int k, Random random) {
        Coresets.checkSize(n, k);
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        for (int i = 0; i < k; i++) {
            int j = i + random.nextInt(n - i);
            int tmp = all[i];
            all[i] = all[j];
            all[j] = tmp;
        }
        return java.util.Arrays.copyOf(all, k);
    }

    @Override
    public String toString() {
        return "random";
    }
}
