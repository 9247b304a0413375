package org.ddlab.dream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KMeansTest {

    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** {@code k} Gaussian blobs of {@code per} points in {@code d} dimensions, centres far apart; row i belongs to blob i / per. */
    static double[][] blobs(int k, int per, int d, long seed) {
        Random r = new Random(seed);
        double[][] centres = new double[k][d];
        for (double[] c : centres) {
            for (int t = 0; t < d; t++) {
                c[t] = 20 * r.nextGaussian();
            }
        }
        double[][] x = new double[k * per][d];
        for (int i = 0; i < x.length; i++) {
            for (int t = 0; t < d; t++) {
                x[i][t] = centres[i / per][t] + r.nextGaussian();
            }
        }
        return x;
    }

    static NDArray toNd(NDManager manager, double[][] x) {
        float[] flat = new float[x.length * x[0].length];
        for (int i = 0; i < x.length; i++) {
            for (int t = 0; t < x[0].length; t++) {
                flat[i * x[0].length + t] = (float) x[i][t];
            }
        }
        return manager.create(flat, new Shape(x.length, x[0].length));
    }

    /** Well-separated blobs: every blob is one cluster (bench's KMeansAgainstSmileTest compares with Smile's K-Means). */
    @Test
    void findsSeparatedBlobs() {
        double[][] x = blobs(5, 40, 6, 7);
        KMeans.Result ours = KMeans.fit(toNd(manager, x), 5, 11);
        // Each blob is one cluster, and no two blobs share one.
        Set<Integer> blobLabels = new HashSet<>();
        for (int b = 0; b < 5; b++) {
            Set<Integer> labels = new HashSet<>();
            for (int i = b * 40; i < (b + 1) * 40; i++) {
                labels.add(ours.assignments()[i]);
            }
            assertEquals(1, labels.size(), "blob " + b + " is split");
            blobLabels.addAll(labels);
        }
        assertEquals(5, blobLabels.size(), "two blobs share a cluster");
    }

    @Test
    void sameSeedSameClusteringAndEveryCentreHasPoints() {
        double[][] x = blobs(3, 30, 4, 1);
        NDArray data = toNd(manager, x);
        KMeans.Result a = KMeans.fit(data, 12, 5);
        KMeans.Result b = KMeans.fit(data, 12, 5);
        assertArrayEquals(a.assignments(), b.assignments());
        assertArrayEquals(a.centres(), b.centres());
        assertTrue(Arrays.stream(a.sizes()).allMatch(n -> n > 0), Arrays.toString(a.sizes()));
        KMeans.Result c = KMeans.fit(data, 12, 6);
        assertTrue(!Arrays.equals(a.centres(), c.centres()), "another seed, another k-means++ start");
    }

    @Test
    void representativesAreTheMembersNearestTheirCentres() {
        // Points on a line: 0, 1, 2, 10, 11, 12, 13. Clusters {0,1,2} and {10..13}: centres 1 and 11.5.
        NDArray x = manager.create(new float[] {0, 1, 2, 10, 11, 12, 13}, new Shape(7, 1));
        KMeans.Result km = KMeans.fit(x, 2, 0);
        int[] rep = km.representatives(x);
        assertEquals(1, rep[km.assignments()[1]]);
        assertEquals(4, rep[km.assignments()[4]], "a tie (11 and 12 are both 0.5 from 11.5) goes to the first point");
        // The nearest point overall to centre 0 (at 4.9) is point 1 (5, in cluster 1): the representative is
        // cluster 0's own member 0 instead, so the picks cover both clusters and stay distinct.
        NDArray y = manager.create(new float[] {0, 5, 6}, new Shape(3, 1));
        KMeans.Result fixed = new KMeans.Result(new float[] {4.9f, 5.1f}, 1, new int[] {0, 1, 1}, 0, 1);
        assertArrayEquals(new int[] {0, 1}, fixed.representatives(y));
        // A centre without members takes its nearest point not already picked.
        KMeans.Result empty = new KMeans.Result(new float[] {5.5f, 5.4f}, 1, new int[] {0, 0, 0}, 0, 1);
        assertArrayEquals(new int[] {1, 2}, empty.representatives(y));
        assertThrows(IllegalArgumentException.class, () -> fixed.representatives(x));
    }

    /** k runs from 1 (one centre: the mean) to n (every point its own centre, inertia 0). */
    @Test
    void oneCentreIsTheMeanAndNCentresAreThePoints() {
        NDArray x = manager.create(new float[] {0, 1, 2, 7}, new Shape(4, 1));
        KMeans.Result one = KMeans.fit(x, 1, 0);
        assertArrayEquals(new float[] {2.5f}, one.centres(), 1e-6f);
        assertEquals(2.5 * 2.5 + 1.5 * 1.5 + 0.5 * 0.5 + 4.5 * 4.5, one.inertia(), 1e-4);
        KMeans.Result all = KMeans.fit(x, 4, 0);
        float[] centres = all.centres().clone();
        Arrays.sort(centres);
        assertArrayEquals(new float[] {0, 1, 2, 7}, centres);
        assertEquals(0, all.inertia(), 1e-6);
        assertEquals(4, new HashSet<>(Arrays.stream(all.assignments()).boxed().toList()).size());
    }

    /** Lloyd's iterations stop once no point changes centre, and never run past the cap. */
    @Test
    void iterationsStopAtConvergenceOrTheCap() {
        NDArray x = toNd(manager, blobs(4, 30, 5, 3));
        KMeans.Result converged = KMeans.fit(x, 4, 2);
        assertTrue(
                converged.iterations() < KMeans.DEFAULT_MAX_ITERATIONS,
                "separated blobs settle in a few iterations: " + converged.iterations());
        assertTrue(
                converged.iterations() >= 2,
                "the first iteration assigns every point, so convergence is seen in a second one");
        // One more iteration from there changes nothing: the result is the same clustering.
        assertEquals(
                converged.inertia(),
                KMeans.fit(x, 4, 2, converged.iterations() + 5).inertia(),
                1e-3);
        KMeans.Result capped = KMeans.fit(x, 4, 2, 1);
        assertEquals(1, capped.iterations());
        assertThrows(IllegalArgumentException.class, () -> KMeans.fit(x, 4, 2, 0));
    }

    /**
     * k-means++ seeding puts the first centres in different blobs (a centre is drawn with probability ∝ squared
     * distance to the nearest chosen one): a single Lloyd iteration already separates five tight blobs 100 apart
     * (the chance of a second centre in a covered blob is about 1e-6 a draw), for every seed tried. Uniform
     * seeding would start two centres in one blob for most seeds (all five apart: 5!/5⁵ ≈ 4 %).
     */
    @Test
    void kMeansPlusPlusSeedsOneCentrePerBlob() {
        Random r = new Random(4);
        double[][] points = new double[100][2];
        for (int i = 0; i < points.length; i++) {
            points[i][0] = 100 * (i / 20) + 0.1 * r.nextGaussian();
            points[i][1] = 100 * (i / 20) + 0.1 * r.nextGaussian();
        }
        NDArray x = toNd(manager, points);
        for (long seed = 0; seed < 10; seed++) {
            KMeans.Result once = KMeans.fit(x, 5, seed, 1);
            for (int b = 0; b < 5; b++) {
                Set<Integer> labels = new HashSet<>();
                for (int i = b * 20; i < (b + 1) * 20; i++) {
                    labels.add(once.assignments()[i]);
                }
                assertEquals(1, labels.size(), "seed " + seed + ": blob " + b + " is split after one iteration");
            }
            assertEquals(
                    5, new HashSet<>(Arrays.stream(once.assignments()).boxed().toList()).size(), "seed " + seed);
        }
    }

    /** DREAM clusters thousands of times in a run: nothing of a clustering stays on the caller's manager. */
    @Test
    void fittingLeavesNoArraysOnTheDatasManager() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(40, 3));
            int before = m.getManagedArrays().size();
            KMeans.Result km = KMeans.fit(x, 4, 0);
            km.representatives(x);
            assertEquals(before, m.getManagedArrays().size());
        }
    }

    /**
     * A class with fewer distinct images than centres (duplicated or blank images): every centre sits on a
     * data point, the clustering is exact, and the representatives are still k distinct images.
     */
    @Test
    void fewerDistinctPointsThanCentres() {
        NDArray x = manager.create(new float[] {0, 0, 0, 5, 5, 0}, new Shape(6, 1));
        for (long seed = 0; seed < 5; seed++) {
            KMeans.Result km = KMeans.fit(x, 4, seed);
            for (float c : km.centres()) {
                assertTrue(c == 0 || c == 5, "seed " + seed + ": centre " + c + " is not a data point");
            }
            assertEquals(0, km.inertia(), 1e-6, "seed " + seed);
            int[] rep = km.representatives(x);
            assertEquals(4, Arrays.stream(rep).distinct().count(), "seed " + seed + ": " + Arrays.toString(rep));
        }
    }

    @Test
    void representativesPreferTheFirstNearestAndNeverRepeat() {
        // One cluster around 1: point 0 is its member nearest the centre, later members do not displace it.
        NDArray y = manager.create(new float[] {1, 0, 2.5f}, new Shape(3, 1));
        assertArrayEquals(
                new int[] {0}, new KMeans.Result(new float[] {1}, 1, new int[] {0, 0, 0}, 0, 1).representatives(y));
        // Point 0 represents centre 0 and is also nearest the empty centre 1: that one takes the next nearest.
        NDArray z = manager.create(new float[] {5, 0, 6}, new Shape(3, 1));
        KMeans.Result empty = new KMeans.Result(new float[] {5.5f, 5.4f}, 1, new int[] {0, 0, 0}, 0, 1);
        assertArrayEquals(new int[] {0, 2}, empty.representatives(z));
        assertThrows(
                IllegalArgumentException.class,
                () -> empty.representatives(z.reshape(3, 1, 1)),
                "points as rows [n, d]");
        assertThrows(
                IllegalArgumentException.class,
                () -> empty.representatives(manager.zeros(new Shape(3, 2))),
                "of the fitted width");
    }

    @Test
    void impossibleRequestsAreClearErrors() {
        NDArray x = manager.create(new float[] {0, 1, 2}, new Shape(3, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KMeans.fit(x, 4, 0));
        assertTrue(e.getMessage().contains("between 1 and 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KMeans.fit(manager.create(new float[] {1, 2}), 1, 0));
    }
}
