package org.ddlab.dream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Our engine K-Means against Smile's, the reference {@code ddlab bench kmeans} times it with. */
class KMeansAgainstSmileTest {

    /** The same partition as Smile's K-Means on well-separated blobs, centres and inertia equal within float tolerance. */
    @Test
    void agreesWithSmileOnSeparatedBlobs() {
        try (NDManager manager = NDManager.newBaseManager()) {
            double[][] x = KMeansTest.blobs(5, 40, 6, 7);
            KMeans.Result ours = KMeans.fit(KMeansTest.toNd(manager, x), 5, 11);
            smile.clustering.CentroidClustering<double[], double[]> theirs = smile.clustering.KMeans.fit(x, 5, 100);
            // Same partition up to the names of the clusters: a one-to-one map between our labels and Smile's.
            Map<Integer, Integer> map = new HashMap<>();
            for (int i = 0; i < x.length; i++) {
                Integer before = map.putIfAbsent(ours.assignments()[i], theirs.group(i));
                assertTrue(
                        before == null || before == theirs.group(i),
                        "point " + i + " is grouped differently from Smile");
            }
            assertEquals(5, new HashSet<>(map.values()).size());
            for (Map.Entry<Integer, Integer> e : map.entrySet()) {
                double[] c = theirs.center(e.getValue());
                for (int t = 0; t < c.length; t++) {
                    assertEquals(
                            c[t],
                            ours.centres()[e.getKey() * 6 + t],
                            1e-3,
                            "centre " + e.getKey() + " coordinate " + t);
                }
            }
            double smileInertia = 0;
            for (int i = 0; i < x.length; i++) {
                double[] c = theirs.center(theirs.group(i));
                for (int t = 0; t < c.length; t++) {
                    smileInertia += (x[i][t] - c[t]) * (x[i][t] - c[t]);
                }
            }
            assertEquals(smileInertia, ours.inertia(), 1e-3 * smileInertia);
        }
    }
}
