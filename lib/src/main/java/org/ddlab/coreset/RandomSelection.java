package org.ddlab.coreset;

import ai.djl.ndarray.NDArray;
import java.util.Random;
import org.ddlab.engine.Shuffle;

/** Uniform random choice without replacement (seeded): the baseline every method must beat. */
public final class RandomSelection implements Selection {

    @Override
    public int[] select(NDArray embeddings, int k, Random random) {
        return sample(Math.toIntExact(embeddings.getShape().get(0)), k, random);
    }

    /** k distinct positions out of n ({@link Shuffle#draw}). */
    static int[] sample(int n, int k, Random random) {
        Coresets.checkSize(n, k);
        return Shuffle.draw(n, k, random);
    }

    @Override
    public String toString() {
        return "random";
    }
}
