package org.ddlab.sampling;

import org.ddlab.data.ImageSet;
import org.ddlab.engine.Seeds;
import org.ddlab.engine.Shuffle;
import org.ddlab.nn.Network;

/** Uniformly random real images of a class, without replacement within a draw: the usual baseline. */
public final class RandomSampler implements RealSampler {

    private final ImageSet real;
    private final long seed;
    private final int[][] byClass;

    public RandomSampler(ImageSet real, long seed) {
        this.real = real;
        this.seed = seed;
        this.byClass = new int[real.numClasses()][];
        for (int c = 0; c < byClass.length; c++) {
            byClass[c] = real.indicesOf(c);
        }
    }

    @Override
    public ImageSet real() {
        return real;
    }

    @Override
    public String name() {
        return "random";
    }

    @Override
    public int[] sample(int cls, int count, long step, Network embedder) {
        int[] pool = byClass[cls];
        RealSampler.requireAvailable(real, cls, count, pool.length);
        return Shuffle.draw(pool, count, Seeds.at(seed, step, cls));
    }
}
