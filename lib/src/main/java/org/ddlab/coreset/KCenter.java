package org.ddlab.coreset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import java.util.Random;

/**
 * K-center greedy (Sener & Savarese 2018): start from the sample nearest the class mean, then keep
 * adding the sample farthest from everything chosen so far. Covers the class's spread, outliers included.
 */
public final class KCenter implements Selection {

    @Override
    public int[] select(NDArray embeddings, int k, Random random) {
        int n = Math.toIntExact(embeddings.getShape().get(0));
        Coresets.checkSize(n, k);
        int[] chosen = new int[k];
        try (NDManager scope = embeddings.getManager().newSubManager()) {
            NDArray x = embeddings.duplicate();
            x.attach(scope);
            NDArray mu = x.mean(new int[] {0});
            NDArray toMean = x.sub(mu).square().sum(new int[] {1});
            chosen[0] = (int) toMean.argMin().getLong();
            NDArray minDist = distancesTo(x, chosen[0]);
            for (int t = 1; t < k; t++) {
                // Free each iteration's [n, F] temporaries at once (see Herding).
                try (NDScope iteration = new NDScope()) {
                    int far = (int) minDist.argMax().getLong();
                    chosen[t] = far;
                    NDArray closer = minDist.minimum(distancesTo(x, far));
                    NDScope.unregister(closer);
                    minDist.close();
                    minDist = closer;
                }
            }
        }
        return chosen;
    }

    private static NDArray distancesTo(NDArray x, int row) {
        return x.sub(x.get(new NDIndex("{}", row))).square().sum(new int[] {1});
    }

    @Override
    public String toString() {
        return "k-center";
    }
}
