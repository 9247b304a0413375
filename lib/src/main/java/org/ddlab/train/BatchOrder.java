package org.ddlab.train;

import java.util.Iterator;

/**
 * Which images each step of a training epoch takes. {@link Trainer} asks for an epoch's batches one at a
 * time, after the step before has changed the network, so an order may look at the network as it trains
 * (DREAM's representative batches embed the images with it). Without one the trainer shuffles the whole
 * set every epoch and splits it into batches. An order's epoch has ⌈n / size⌉ batches, as the shuffle's:
 * a schedule whose rate follows the step count (Adam's warm-up and cosine) counts on it.
 */
@FunctionalInterface
public interface BatchOrder {

    /**
     * The batches of epoch {@code epoch} (1, 2, …) over a set of {@code n} images, each at most
     * {@code size} indices into the set.
     */
    Iterator<int[]> epoch(int epoch, int n, int size);

    /** ⌈n / size⌉: the batches of an epoch over {@code n} images, the shuffle's and every order's. */
    static int batchesPerEpoch(int n, int size) {
        return (n + size - 1) / size;
    }
}
