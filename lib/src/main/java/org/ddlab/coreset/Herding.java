package org.ddlab.coreset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import java.util.Random;

/**
 * Herding (Welling 2009), as the DC paper's baseline: greedily add the sample that brings the mean of
 * the chosen set closest to the class mean in embedding space. Deterministic; the random source is unused.
 */
public final class Herding implements Selection {

    @Override
    public int[] select(NDArray embeddings, int k, Random random) {
        int n = Math.toIntExact(embeddings.getShape().get(0));
        Coresets.checkSize(n, k);
        int[] chosen = new int[k];
        try (NDManager scope = embeddings.getManager().newSubManager()) {
            NDArray x = embeddings.duplicate();
            x.attach(scope);
            NDArray mu = x.mean(new int[] {0});
            NDArray sum = mu.zerosLike();
            // A large value marks rows already taken so argmin never returns them again.
            NDArray taken = scope.zeros(new ai.djl.ndarray.types.Shape(n));
            for (int t = 0; t < k; t++) {
                // Each iteration's temporaries are [n, F] (27 MB for a Fashion-MNIST class): free them
                // per iteration, not when the whole selection ends.
                try (NDScope iteration = new NDScope()) {
                    // Candidate means (sum + x_i) / (t + 1); distance to mu for each candidate row.
                    NDArray dist = x.add(sum)
                            .div(t + 1)
                            .sub(mu)
                            .square()
                            .sum(new int[] {1})
                            .add(taken);
                    int best = (int) dist.argMin().getLong();
                    chosen[t] = best;
                    sum.addi(x.get(new NDIndex("{}", best)).squeeze(0));
                    taken.set(new NDIndex("{}", best), Float.MAX_VALUE / 4);
                }
            }
        }
        return chosen;
    }

    @Override
    public String toString() {
        return "herding";
    }
}
