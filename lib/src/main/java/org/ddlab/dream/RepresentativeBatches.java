package org.ddlab.dream;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import org.ddlab.data.ImageSet;
import org.ddlab.engine.Seeds;
import org.ddlab.nn.Network;
import org.ddlab.train.BatchOrder;

/**
 * DREAM's representative batches as a training order ({@link BatchOrder}): every step of an epoch trains
 * on a class-balanced batch drawn by a {@link RepresentativeSampler} from each class's images nearest the
 * centres of a K-Means in the embedding of the network being trained, re-clustered every
 * {@code interval} steps with the network of that step. An epoch has as many steps as a shuffle of the
 * whole set would (⌈n / batch⌉), each of a full batch (of all n images when n is smaller).
 *
 * <p>Where a method trains networks on real batches rather than matching against them (MTT's experts),
 * this is how DREAM's representative matching reaches it: the networks learn from the representatives.
 * Each {@link #order} starts its own sampler, re-clustering at its first step, so what one training call
 * does depends on its seed and its network's starting parameters alone.
 *
 * @param clusters   K-Means centres per class, N
 * @param interval   steps between re-clusterings
 * @param candidates images of a class embedded per clustering (a seeded subset), 0 for all
 */
public record RepresentativeBatches(int clusters, int interval, int candidates) {

    /** The settings of {@code sampler}. */
    public static RepresentativeBatches of(RepresentativeSampler sampler) {
        return new RepresentativeBatches(sampler.clusters(), sampler.interval(), sampler.candidates());
    }

    /**
     * Fails with one line when {@code real} cannot give these batches of {@code batch} images: a class with
     * fewer images than {@link #clusters} (the sampler's own message), candidates fewer than centres, or a
     * class with fewer images than its share of a batch.
     */
    public void requireFits(ImageSet real, int batch) {
        new RepresentativeSampler(real, 0, clusters, interval, candidates);
        int classes = real.numClasses();
        int full = Math.min(batch, real.size());
        int share = (full + classes - 1) / classes;
        for (int c = 0; c < classes; c++) {
            int has = real.indicesOf(c).length;
            if (has < share) {
                throw new IllegalArgumentException("DREAM's batches of " + full
                        + " images take up to " + share + " of each class, and class '" + real.className(c)
                        + "' has " + has + " in " + real.name() + "; leave --sampler dream out for this data");
            }
        }
    }

    /** What decides the batches, JSON-friendly (for cache keys and metadata). */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sampler", "dream");
        m.put("clusters", clusters);
        m.put("interval", interval);
        m.put("candidates", candidates);
        return m;
    }

    /** The order of one training call of {@code net} on {@code real}, its draws seeded by {@code seed}. */
    public Order order(ImageSet real, long seed, Network net) {
        return new Order(real, seed, net);
    }

    /** One training call's batches; {@link #samplingSeconds()} is DREAM's overhead in it. */
    public final class Order implements BatchOrder {

        private final ImageSet real;
        private final long seed;
        private final Network net;
        private double seconds;

        private Order(ImageSet real, long seed, Network net) {
            this.real = real;
            this.seed = seed;
            this.net = net;
        }

        /** Wall time spent embedding and clustering so far, in seconds. */
        public double samplingSeconds() {
            return seconds;
        }

        @Override
        public Iterator<int[]> epoch(int epoch, int n, int size) {
            RepresentativeSampler sampler =
                    new RepresentativeSampler(real, Seeds.mix(seed, epoch), clusters, interval, candidates);
            int steps = BatchOrder.batchesPerEpoch(n, size);
            int batch = Math.min(size, n);
            return new Iterator<>() {
                private int step;

                @Override
                public boolean hasNext() {
                    return step < steps;
                }

                @Override
                public int[] next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    double before = sampler.samplingSeconds();
                    int[] drawn = sampler.batch(batch, step++, net);
                    seconds += sampler.samplingSeconds() - before;
                    return drawn;
                }
            };
        }
    }
}
