package org.ddlab.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.stream.IntStream;
import org.ddlab.data.ImageSet;
import org.ddlab.nn.Architectures;
import org.ddlab.nn.Network;
import org.ddlab.train.TinySets;
import org.junit.jupiter.api.Test;

class AccuracyTest {

    /**
     * The score every table reports, against an oracle: the network's own predictions, taken in one pass, as the
     * labels of the first k images and a wrong class for the rest give exactly k / n, in batches that do not
     * divide n.
     */
    @Test
    void isTheShareOfImagesWhoseTopClassIsTheLabel() {
        ImageSet images = TinySets.stripes(5, 4, 3);
        int n = images.size();
        try (NDManager m = NDManager.newBaseManager()) {
            Network net =
                    Architectures.create("mlp:width=8", new Shape(1, 8, 8), 4).initialize(m, 1);
            long[] predicted = net.logits(images.images(m, IntStream.range(0, n).toArray()), false)
                    .argMax(1)
                    .toLongArray();
            for (int k : new int[] {0, 7, n}) {
                int[] labels = new int[n];
                for (int i = 0; i < n; i++) {
                    labels[i] = (int) (i < k ? predicted[i] : (predicted[i] + 1) % 4);
                }
                float[] px = new float[n * 64];
                images.pixels().get(px);
                ImageSet scored = ImageSet.of("scored", px, labels, 1, 8, 8, images.classNames());
                for (int batch : new int[] {3, n, 256}) {
                    assertEquals(
                            (double) k / n, Accuracy.of(net, scored, batch), 1e-12, k + " right, batches of " + batch);
                }
            }
        }
    }

    /** Scoring a 10000-image test split takes a while: the kernel's interrupt stops it between batches. */
    @Test
    void anInterruptedScoringStops() {
        try (NDManager m = NDManager.newBaseManager()) {
            Network net =
                    Architectures.create("mlp:width=8", new Shape(1, 8, 8), 4).initialize(m, 1);
            Thread.currentThread().interrupt();
            assertThrows(
                    java.util.concurrent.CancellationException.class,
                    () -> Accuracy.of(net, TinySets.stripes(5, 4, 3), 4));
        } finally {
            Thread.interrupted();
        }
    }

    /** Mean ± population standard deviation over runs, as the papers report, in the result and in its table. */
    @Test
    void resultsReportMeanAndStdOverRuns() {
        EvalResult r =
                new EvalResult("random IPC 1", "convnet", new double[] {0.8, 0.9, 1.0}, new double[] {2, 3, 5}, 100);
        assertEquals(0.9, r.mean(), 1e-12);
        assertEquals(Math.sqrt(0.02 / 3), r.std(), 1e-12);
        assertEquals("90.00 ± 8.16 %", r.formatted());
        assertEquals("random IPC 1 on convnet: 90.00 ± 8.16 % (3 runs)", r.toString());
        var table = EvalTables.of("t", List.of(r));
        assertEquals(90.0, table.doubleColumn("mean %").get(0), 1e-12);
        assertEquals(8.16, table.doubleColumn("std %").get(0), 1e-12);
        assertEquals("80.00 90.00 100.00", table.stringColumn("per run %").get(0));
        assertThrows(IllegalArgumentException.class, () -> new EvalResult("s", "a", new double[0], new double[0], 0));
        assertThrows(
                IllegalArgumentException.class, () -> new EvalResult("s", "a", new double[] {1}, new double[2], 0));
    }
}
