package org.ddlab.dream;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ddlab.coreset.Coresets;
import org.ddlab.data.ImageSet;
import org.ddlab.engine.Devices;
import org.ddlab.engine.Seeds;
import org.ddlab.engine.Shuffle;
import org.ddlab.nn.Network;
import org.ddlab.sampling.RealSampler;

/**
 * DREAM's representative sampler (Liu et al., ICCV 2023): instead of a random batch of a class's real
 * images, one per cluster of a K-Means of the class in the current network's embedding space (the member
 * nearest its centre) — an even, diverse cover of the class, without the outliers and near-duplicates a random batch
 * brings. The clustering is redone every {@code interval} steps (per class: at the first request for
 * the class at or after step {@code last + interval}), with the network of that step, as the reference
 * does every 10 matchings.
 *
 * <p>{@code clusters} is the number of centres, N (the paper's 128, the reference's real batch). A
 * request for fewer images than N takes a seeded subset of the N picks; for more, all N plus random
 * other images of the class. {@code candidates} bounds how many of the class's images are embedded
 * and clustered (a seeded subset per clustering); the reference embeds them all, which on a CPU costs
 * more than the distillation step itself (see docs/results.md), so it is an option.
 *
 * <p>The cached picks are state: {@link #state()} and {@link #load} carry them through checkpoints so
 * a resumed run samples exactly as an uninterrupted one.
 */
public final class RepresentativeSampler implements RealSampler {

    /** The paper's number of sub-clusters per class. */
    public static final int DEFAULT_CLUSTERS = 128;
    /** Steps between re-clusterings (the reference's interval; the command line's defaults per method are in Methods). */
    public static final int DEFAULT_INTERVAL = 10;
    /**
     * Images of a class embedded per clustering by default: about four per centre at N = 128. Embedding,
     * not K-Means, is DREAM's cost on a CPU (docs/results.md: per-clustering times), and it grows with this.
     */
    public static final int DEFAULT_CANDIDATES = 500;
    /** Images embedded per forward pass. */
    private static final int EMBED_BATCH = 256;

    private final ImageSet real;
    private final long seed;
    private final int clusters;
    private final int interval;
    private final int candidates;
    private final int[][] byClass;
    private final int[][] picks;
    private final long[] clusteredAt;
    private long clusterings;
    private double embeddingSeconds;
    private double kmeansSeconds;

    /** All of each class's images are candidates (the reference's behaviour). */
    public RepresentativeSampler(ImageSet real, long seed, int clusters, int interval) {
        this(real, seed, clusters, interval, 0);
    }

    /**
     * @param candidates images of a class embedded per clustering (a seeded subset), or 0 for all
     */
    public RepresentativeSampler(ImageSet real, long seed, int clusters, int interval, int candidates) {
        if (clusters < 1 || interval < 1 || candidates < 0) {
            throw new IllegalArgumentException(
                    "DREAM needs clusters ≥ 1, interval ≥ 1 and candidates ≥ 0 (0 = all); got " + clusters + ", "
                            + interval + ", " + candidates);
        }
        if (candidates > 0 && candidates < clusters) {
            throw new IllegalArgumentException("cannot pick " + clusters + " cluster centres from " + candidates
                    + " candidates per class; use at least as many candidates as clusters (or 0 for all)");
        }
        this.real = real;
        this.seed = seed;
        this.clusters = clusters;
        this.interval = interval;
        this.candidates = candidates;
        this.byClass = new int[real.numClasses()][];
        for (int c = 0; c < byClass.length; c++) {
            byClass[c] = real.indicesOf(c);
            if (byClass[c].length > 0 && byClass[c].length < clusters) {
                throw new IllegalArgumentException(
                        "class '" + real.className(c) + "' has " + byClass[c].length + " images in "
                                + real.name() + ", fewer than the " + clusters + " clusters asked for; use --clusters "
                                + byClass[c].length + " or fewer");
            }
        }
        this.picks = new int[byClass.length][];
        this.clusteredAt = new long[byClass.length];
    }

    @Override
    public ImageSet real() {
        return real;
    }

    @Override
    public String name() {
        return "dream";
    }

    @Override
    public Map<String, Object> describe() {
        return RepresentativeBatches.of(this).describe();
    }

    public int clusters() {
        return clusters;
    }

    public int interval() {
        return interval;
    }

    /** Images of a class embedded per clustering, 0 for all. */
    public int candidates() {
        return candidates;
    }

    /** Clusterings done so far (all classes counted). */
    public long clusterings() {
        return clusterings;
    }

    /** Wall time spent embedding and clustering so far, in seconds: DREAM's overhead. */
    public double clusteringSeconds() {
        return embeddingSeconds + kmeansSeconds;
    }

    /** Of {@link #clusteringSeconds()}, the part spent embedding the candidates with the step's network. */
    public double embeddingSeconds() {
        return embeddingSeconds;
    }

    /** Of {@link #clusteringSeconds()}, the part spent in K-Means and picking the representatives. */
    public double kmeansSeconds() {
        return kmeansSeconds;
    }

    @Override
    public int[] sample(int cls, int count, long step, Network embedder) {
        int[] pool = byClass[cls];
        RealSampler.requireAvailable(real, cls, count, pool.length);
        if (picks[cls] == null || step >= clusteredAt[cls] + interval || step < clusteredAt[cls]) {
            picks[cls] = representatives(cls, step, embedder);
            clusteredAt[cls] = step;
        }
        int[] rep = picks[cls];
        SplittableRandom rng = Seeds.at(seed, step, 0x6472656d00L + cls);
        if (count <= rep.length) {
            return Shuffle.draw(rep, count, rng);
        }
        // More than N asked for: all N representatives, then random others of the class.
        boolean[] chosen = new boolean[real.size()];
        for (int i : rep) {
            chosen[i] = true;
        }
        int[] rest = Arrays.stream(pool).filter(i -> !chosen[i]).toArray();
        int[] extra = Shuffle.draw(rest, count - rep.length, rng);
        int[] out = Arrays.copyOf(rep, count);
        System.arraycopy(extra, 0, out, rep.length, extra.length);
        return out;
    }

    /**
     * For each centre of a K-Means (k = clusters) of the class's embeddings under {@code embedder}, the real
     * image of that centre's cluster nearest to it (raw pixels when the embedder is null), as indices into
     * {@link #real()}.
     */
    public int[] representatives(int cls, long step, Network embedder) {
        long start = System.nanoTime();
        long embedded;
        int[] pool = byClass[cls];
        int[] cand = candidates == 0 || candidates >= pool.length
                ? pool
                : Shuffle.draw(pool, candidates, Seeds.at(seed, step, 0x63616e6400L + cls));
        int[] chosen;
        try (NDManager scope = NDManager.newBaseManager(Devices.preferred())) {
            // No network: cluster the raw pixels (Coresets.embed flattens them).
            NDArray emb = Coresets.embed(
                    real, cand, embedder == null ? x -> x : x -> embedder.features(x, false), scope, EMBED_BATCH);
            embedded = System.nanoTime();
            KMeans.Result km = KMeans.fit(emb, clusters, Seeds.mix(seed, step, cls, 0x6b6dL));
            int[] local = km.representatives(emb);
            chosen = new int[local.length];
            for (int j = 0; j < local.length; j++) {
                chosen[j] = cand[local[j]];
            }
        }
        clusterings++;
        embeddingSeconds += (embedded - start) / 1e9;
        kmeansSeconds += (System.nanoTime() - embedded) / 1e9;
        return chosen;
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Object> p = new ArrayList<>();
        List<Long> at = new ArrayList<>();
        for (int c = 0; c < picks.length; c++) {
            p.add(picks[c] == null ? null : Arrays.stream(picks[c]).boxed().toList());
            at.add(clusteredAt[c]);
        }
        m.put("picks", p);
        m.put("clustered_at", at);
        // So a resumed run reports its whole overhead.
        m.put("embedding_seconds", embeddingSeconds);
        m.put("kmeans_seconds", kmeansSeconds);
        m.put("clusterings", clusterings);
        return m;
    }

    @Override
    public void load(Map<String, Object> state) {
        if (state == null
                || !(state.get("picks") instanceof List<?> p)
                || !(state.get("clustered_at") instanceof List<?> at)
                || p.size() != picks.length
                || at.size() != picks.length) {
            throw new IllegalArgumentException("the checkpoint has no DREAM sampler state for " + picks.length
                    + " classes; it was not written with --sampler dream");
        }
        for (int c = 0; c < picks.length; c++) {
            Object pc = p.get(c);
            picks[c] = pc == null
                    ? null
                    : ((List<?>) pc)
                            .stream().mapToInt(v -> ((Number) v).intValue()).toArray();
            clusteredAt[c] = ((Number) at.get(c)).longValue();
        }
        // Checkpoints of earlier versions carry the total only (or nothing): it counts as embedding.
        embeddingSeconds = state.get("embedding_seconds") instanceof Number e
                ? e.doubleValue()
                : state.get("clustering_seconds") instanceof Number s ? s.doubleValue() : 0;
        kmeansSeconds = state.get("kmeans_seconds") instanceof Number k ? k.doubleValue() : 0;
        if (state.get("clusterings") instanceof Number n) {
            clusterings = n.longValue();
        }
    }

    @Override
    public double samplingSeconds() {
        return clusteringSeconds();
    }

    @Override
    public Map<String, Object> samplingBreakdown() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("embedding_seconds", embeddingSeconds);
        m.put("kmeans_seconds", kmeansSeconds);
        m.put("clusterings", clusterings);
        return m;
    }
}
