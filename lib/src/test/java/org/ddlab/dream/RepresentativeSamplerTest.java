package org.ddlab.dream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.ddlab.data.ImageSet;
import org.ddlab.distill.DistillationRun;
import org.ddlab.distill.Distiller;
import org.ddlab.matching.DistributionMatching;
import org.ddlab.matching.GradientMatching;
import org.ddlab.matching.MatchingConfig;
import org.ddlab.nn.Architectures;
import org.ddlab.nn.Network;
import org.ddlab.train.TinySets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepresentativeSamplerTest {

    private static final ImageSet STRIPES = TinySets.stripes(40, 4, 5);

    /**
     * One class of 1×1×2 "images" in three tight groups of three around (0,0), (10,0) and (0,10); each
     * group's middle point is its mean, so K-Means with 3 centres must pick exactly the three middles.
     */
    @Test
    void picksTheImagesNearestTheClusterCentres() {
        float[][] points = {
            {-0.1f, 0}, {0, 0}, {0.1f, 0}, {10, -0.1f}, {10, 0}, {10, 0.1f}, {0, 9.9f}, {0, 10}, {0, 10.1f}
        };
        float[] px = new float[points.length * 2];
        for (int i = 0; i < points.length; i++) {
            px[2 * i] = points[i][0];
            px[2 * i + 1] = points[i][1];
        }
        ImageSet set = ImageSet.of("groups", px, new int[points.length], 1, 1, 2, List.of("only"));
        RepresentativeSampler s = new RepresentativeSampler(set, 3, 3, 10);
        int[] picked = s.sample(0, 3, 0, null);
        Arrays.sort(picked);
        assertArrayEquals(new int[] {1, 4, 7}, picked);
        int[] two = s.sample(0, 2, 1, null);
        assertEquals(2, two.length);
        assertTrue(
                Arrays.stream(two).allMatch(i -> i == 1 || i == 4 || i == 7), "fewer than N: a subset of the N picks");
        int[] five = s.sample(0, 5, 2, null);
        assertEquals(5, Arrays.stream(five).distinct().count(), "more than N: the N picks plus distinct others");
        assertTrue(Arrays.stream(five).boxed().toList().containsAll(List.of(1, 4, 7)));
    }

    @Test
    void reclustersExactlyEveryInterval() {
        RepresentativeSampler s = new RepresentativeSampler(STRIPES, 0, 8, 10);
        long start = System.nanoTime();
        for (long step = 0; step <= 35; step++) {
            s.sample(0, 8, step, null);
            s.sample(0, 4, step, null);
            assertEquals(
                    step / 10 + 1, s.clusterings(), "at step " + step + ": clustered at steps 0, 10, 20 and 30 only");
        }
        double wall = (System.nanoTime() - start) / 1e9;
        assertTrue(
                s.embeddingSeconds() > 0 && s.kmeansSeconds() > 0 && s.clusteringSeconds() <= wall,
                s.embeddingSeconds() + " s embedding and " + s.kmeansSeconds() + " s K-Means in " + wall + " s");
        assertTrue(s.clusteringSeconds() > 0);
        assertEquals(
                s.clusteringSeconds(),
                s.embeddingSeconds() + s.kmeansSeconds(),
                1e-12,
                "the overhead is embedding plus K-Means");
        assertEquals(4L, s.samplingBreakdown().get("clusterings"));
        // Asked about an earlier step (a run restarted from an earlier checkpoint), it clusters for that step
        // instead of reusing picks from the future.
        int[] back = s.sample(0, 8, 3, null);
        assertEquals(5, s.clusterings());
        assertArrayEquals(new RepresentativeSampler(STRIPES, 0, 8, 10).sample(0, 8, 3, null), back);
    }

    @Test
    void seededPicks() {
        try (NDManager m = NDManager.newBaseManager()) {
            Network net = Architectures.create(
                            "convnet:width=8,depth=2", STRIPES.shape().slice(1), 4)
                    .initialize(m, 1);
            int[] a = new RepresentativeSampler(STRIPES, 7, 5, 10).sample(2, 5, 0, net);
            int[] b = new RepresentativeSampler(STRIPES, 7, 5, 10).sample(2, 5, 0, net);
            int[] c = new RepresentativeSampler(STRIPES, 8, 5, 10).sample(2, 5, 0, net);
            assertArrayEquals(a, b, "same seed, same picks");
            assertFalse(Arrays.equals(a, c), "another seed, other picks");
            assertTrue(Arrays.stream(a).allMatch(i -> STRIPES.label(i) == 2), "picks are of the asked class");
        }
    }

    @Test
    void moreClustersThanImagesIsAClearError() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new RepresentativeSampler(STRIPES, 0, 41, 10));
        assertTrue(
                e.getMessage().contains("'row0' has 40 images")
                        && e.getMessage().contains("--clusters 40"),
                e.getMessage());
        assertEquals(40, new RepresentativeSampler(STRIPES, 0, 40, 10).clusters(), "as many clusters as images");
        assertThrows(IllegalArgumentException.class, () -> new RepresentativeSampler(STRIPES, 0, 8, 0));
        assertThrows(IllegalArgumentException.class, () -> new RepresentativeSampler(STRIPES, 0, 8, 10, 7));
        assertEquals(8, new RepresentativeSampler(STRIPES, 0, 8, 10, 8).clusters(), "as many candidates as clusters");
        assertEquals(1, new RepresentativeSampler(STRIPES, 0, 1, 1).clusters(), "one cluster, re-clustered every step");
        assertThrows(IllegalArgumentException.class, () -> new RepresentativeSampler(STRIPES, 0, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> new RepresentativeSampler(STRIPES, 0, 8, 10, -1));
        ImageSet noThirdClass =
                ImageSet.of("two of three", new float[4 * 2], new int[] {0, 0, 1, 1}, 1, 1, 2, List.of("a", "b", "c"));
        assertEquals(
                2,
                new RepresentativeSampler(noThirdClass, 0, 2, 10).clusters(),
                "a class without images is refused only when asked for");
        e = assertThrows(
                IllegalArgumentException.class,
                () -> new RepresentativeSampler(STRIPES, 0, 8, 10).sample(0, 41, 0, null));
        assertTrue(e.getMessage().startsWith("cannot draw 41 distinct images of class 'row0'"), e.getMessage());
    }

    /** The settings a run's metadata records and a resume re-creates the sampler from. */
    @Test
    void describesItsSettings() {
        RepresentativeSampler s = new RepresentativeSampler(STRIPES, 0, 8, 5, 20);
        assertEquals(Map.of("sampler", "dream", "clusters", 8, "interval", 5, "candidates", 20), s.describe());
        assertEquals(5, s.interval());
    }

    /**
     * With a candidate bound (the command line's default), each clustering embeds a seeded subset of the
     * class: the picks are of the class, distinct, the same for the same seed and step, and another
     * clustering draws another subset.
     */
    @Test
    void candidatesAreASeededSubsetPerClustering() {
        RepresentativeSampler a = new RepresentativeSampler(STRIPES, 4, 4, 10, 8);
        RepresentativeSampler b = new RepresentativeSampler(STRIPES, 4, 4, 10, 8);
        int[] first = a.representatives(1, 0, null);
        assertArrayEquals(first, b.representatives(1, 0, null));
        assertEquals(4, Arrays.stream(first).distinct().count());
        assertTrue(Arrays.stream(first).allMatch(i -> STRIPES.label(i) == 1), Arrays.toString(first));
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        RepresentativeSampler unbounded = new RepresentativeSampler(STRIPES, 4, 4, 10);
        int differ = 0;
        for (long step = 0; step < 100; step += 10) {
            int[] picks = a.representatives(1, step, null);
            Arrays.stream(picks).forEach(seen::add);
            differ += Arrays.equals(picks, unbounded.representatives(1, step, null)) ? 0 : 1;
        }
        assertTrue(
                seen.size() > 8,
                "ten clusterings of 8-image subsets reach more than 8 of the 40 images: " + seen.size());
        assertTrue(differ > 0, "clustering 8 candidates picks other images than clustering all 40, at some step");
        // A bound at or above the class's size (the default 500 on a small dataset) takes every image.
        int[] all = new RepresentativeSampler(STRIPES, 4, 4, 10).representatives(1, 0, null);
        assertArrayEquals(all, new RepresentativeSampler(STRIPES, 4, 4, 10, 40).representatives(1, 0, null));
        assertArrayEquals(all, new RepresentativeSampler(STRIPES, 4, 4, 10, 500).representatives(1, 0, null));
    }

    @Test
    void stateCarriesTheCachedPicks() {
        RepresentativeSampler a = new RepresentativeSampler(STRIPES, 3, 6, 10);
        for (int c = 0; c < 4; c++) {
            a.sample(c, 6, 4, null);
        }
        RepresentativeSampler b = new RepresentativeSampler(STRIPES, 3, 6, 10);
        b.load(a.state());
        for (int c = 0; c < 4; c++) {
            assertArrayEquals(a.sample(c, 4, 7, null), b.sample(c, 4, 7, null));
        }
        assertEquals(
                a.clusterings(),
                b.clusterings(),
                "restored picks are used until the interval ends (no new clustering)");
        assertEquals(a.samplingSeconds(), b.samplingSeconds(), "the overhead so far travels with the state");
        assertEquals(a.samplingBreakdown(), b.samplingBreakdown(), "and so does its split into embedding and K-Means");
        RepresentativeSampler old = new RepresentativeSampler(STRIPES, 3, 6, 10);
        Map<String, Object> earlier = new java.util.HashMap<>(a.state());
        earlier.keySet().removeAll(List.of("embedding_seconds", "kmeans_seconds"));
        earlier.put("clustering_seconds", 2.5);
        old.load(earlier);
        assertEquals(2.5, old.samplingSeconds(), 1e-12, "a checkpoint of an earlier version keeps its total");
        assertThrows(IllegalArgumentException.class, () -> b.load(Map.of()));
    }

    /** A checkpoint taken before every class was sampled: the classes without picks cluster at their first request. */
    @Test
    void stateOfAPartlySampledRun() {
        RepresentativeSampler a = new RepresentativeSampler(STRIPES, 3, 6, 10);
        a.sample(0, 6, 2, null);
        RepresentativeSampler b = new RepresentativeSampler(STRIPES, 3, 6, 10);
        b.load(a.state());
        assertArrayEquals(a.sample(0, 6, 3, null), b.sample(0, 6, 3, null));
        assertEquals(1, b.clusterings());
        assertArrayEquals(a.sample(2, 6, 3, null), b.sample(2, 6, 3, null));
        assertEquals(2, b.clusterings(), "class 2 had no picks in the checkpoint");
        RepresentativeSampler threeClasses = new RepresentativeSampler(TinySets.stripes(40, 3, 5), 3, 6, 10);
        assertThrows(IllegalArgumentException.class, () -> threeClasses.load(a.state()), "a state for four classes");
    }

    @Test
    void aShortDcRunWithRepresentativeBatchesLowersItsLoss() {
        MatchingConfig config = MatchingConfig.defaults(MatchingConfig.Method.DC, 2, 30)
                .withArchitecture("convnet:width=8,depth=2")
                .withRealBatch(8)
                .withLoops(2, 2);
        try (NDManager m = NDManager.newBaseManager();
                Distiller d =
                        new GradientMatching(config, new RepresentativeSampler(STRIPES, 0, 8, 10), "stripes", m)) {
            List<Double> losses = new ArrayList<>();
            while (d.stepsDone() < d.totalSteps()) {
                losses.add(d.step().loss());
            }
            double first = losses.subList(0, 8).stream()
                    .mapToDouble(Double::doubleValue)
                    .average()
                    .orElseThrow();
            double last = losses.subList(22, 30).stream()
                    .mapToDouble(Double::doubleValue)
                    .average()
                    .orElseThrow();
            assertTrue(last < first, "loss " + first + " -> " + last);
        }
    }

    @Test
    void aResumedRunWithTheDreamSamplerEqualsAnUninterruptedOne(@TempDir Path dir) throws Exception {
        MatchingConfig config = MatchingConfig.defaults(MatchingConfig.Method.DM, 2, 12)
                .withArchitecture("convnet:width=8,depth=2")
                .withRealBatch(6);
        float[] straight;
        try (NDManager m = NDManager.newBaseManager();
                DistributionMatching d =
                        new DistributionMatching(config, new RepresentativeSampler(STRIPES, 0, 6, 5), "stripes", m)) {
            new DistillationRun(dir.resolve("a"), 100, 1, null).run(d, r -> true);
            straight = d.synthetic().images().stopGradient().toFloatArray();
        }
        try (NDManager m = NDManager.newBaseManager();
                DistributionMatching d =
                        new DistributionMatching(config, new RepresentativeSampler(STRIPES, 0, 6, 5), "stripes", m)) {
            new DistillationRun(dir.resolve("b"), 100, 1, null).run(d, r -> r.step() < 7); // mid-interval
        }
        try (NDManager m = NDManager.newBaseManager();
                DistributionMatching d =
                        new DistributionMatching(config, new RepresentativeSampler(STRIPES, 0, 6, 5), "stripes", m)) {
            DistillationRun run = new DistillationRun(dir.resolve("b"), 100, 1, null);
            assertEquals(7L, run.resume(d).orElseThrow());
            run.run(d, r -> true);
            assertArrayEquals(straight, d.synthetic().images().stopGradient().toFloatArray(), 1e-5f);
        }
    }

    @Test
    void kMeansInitStartsFromRepresentativesOfEachClass() {
        try (NDManager m = NDManager.newBaseManager()) {
            MatchingConfig config =
                    MatchingConfig.defaults(MatchingConfig.Method.DM, 3, 1).withArchitecture("convnet:width=8,depth=2");
            Network net = Architectures.create(
                            "convnet:width=8,depth=2", STRIPES.shape().slice(1), 4)
                    .initialize(m, 0);
            int[] idx = KMeansInit.indices(STRIPES, 3, net, 0);
            assertEquals(12, idx.length);
            for (int i = 0; i < idx.length; i++) {
                assertEquals(i / 3, STRIPES.label(idx[i]), "class-ordered, IPC per class");
            }
            try (DistributionMatching d =
                    new DistributionMatching(config, new RepresentativeSampler(STRIPES, 0, 6, 5), "stripes", m)) {
                KMeansInit.apply(d, STRIPES, 3, net, 0);
                assertArrayEquals(
                        STRIPES.images(m, idx).toFloatArray(),
                        d.synthetic().images().stopGradient().toFloatArray());
                int[] wrong = idx.clone();
                wrong[0] = idx[3];
                assertThrows(
                        IllegalArgumentException.class,
                        () -> d.startFrom(wrong),
                        "an image of another class in slot 0");
            }
        }
    }
}
