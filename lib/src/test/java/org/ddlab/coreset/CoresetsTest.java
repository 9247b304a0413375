package org.ddlab.coreset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.ddlab.data.ImageSet;
import org.ddlab.train.TinySets;
import org.junit.jupiter.api.Test;

class CoresetsTest {

    private final ImageSet set = TinySets.stripes(10, 3, 4);
    /** Embedding = the flattened pixels: enough to test the bookkeeping. */
    private final Embedder pixels = x -> x.reshape(x.getShape().get(0), -1);

    @Test
    void everyMethodIsClassBalancedAndIndexesTheSet() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (String name : Coresets.NAMES) {
                int[] idx = Coresets.select(Coresets.byName(name), set, 4, pixels, 0, m, 7);
                assertEquals(12, idx.length, name);
                assertEquals(12, Arrays.stream(idx).distinct().count(), name);
                for (int c = 0; c < 3; c++) {
                    for (int j = 0; j < 4; j++) {
                        assertEquals(c, set.label(idx[c * 4 + j]), name + ": class-by-class order");
                    }
                }
            }
        }
    }

    @Test
    void sameSeedSamePicks() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertArrayEquals(
                    Coresets.select(new RandomSelection(), set, 3, null, 9, m, 8),
                    Coresets.select(new RandomSelection(), set, 3, null, 9, m, 8));
        }
    }

    @Test
    void ipcLargerThanAClassSaysTheLimit() {
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> Coresets.select(new Herding(), set, 11, pixels, 0, m, 8));
            assertTrue(e.getMessage().contains("largest possible IPC for this set is 10"), e.getMessage());
        }
    }

    /** Classes of 3, 2 and 4 images: the largest IPC is 2, and the message names the class that limits it. */
    @Test
    void ipcRunsFromOneToTheSmallestClass() {
        ImageSet uneven = ImageSet.of(
                "uneven", new float[9 * 4], new int[] {0, 0, 0, 1, 1, 2, 2, 2, 2}, 1, 2, 2, List.of("a", "b", "c"));
        try (NDManager m = NDManager.newBaseManager()) {
            assertEquals(6, Coresets.select(new RandomSelection(), uneven, 2, null, 0, m, 8).length);
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> Coresets.select(new RandomSelection(), uneven, 3, null, 0, m, 8));
            assertTrue(
                    e.getMessage().startsWith("IPC 3 is larger than class 'b', which has 2 images;"), e.getMessage());
            assertEquals(3, Coresets.select(new RandomSelection(), uneven, 1, null, 0, m, 8).length);
            e = assertThrows(
                    IllegalArgumentException.class,
                    () -> Coresets.select(new RandomSelection(), uneven, 0, null, 0, m, 8));
            assertTrue(e.getMessage().contains("at least 1"), e.getMessage());
        }
    }

    @Test
    void featureMethodsNeedAnEmbedder() {
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> Coresets.select(new KCenter(), set, 2, null, 0, m, 8));
            assertTrue(e.getMessage().startsWith("k-center selects in feature space"), e.getMessage());
        }
    }

    /** The notebook kernel's interrupt button interrupts the cell's thread; a selection stops between classes. */
    @Test
    void anInterruptedSelectionStops() {
        try (NDManager m = NDManager.newBaseManager()) {
            Thread.currentThread().interrupt();
            assertThrows(
                    CancellationException.class, () -> Coresets.select(new RandomSelection(), set, 2, null, 0, m, 8));
        } finally {
            Thread.interrupted();
        }
    }

    /** The words a saved coreset's provenance carries. */
    @Test
    void describeSaysHowTheImagesWereChosen() {
        assertEquals("random real images", Coresets.describe(Map.of("method", "random")));
        assertEquals(
                "herding in the features of convnet trained 2 epochs on all images, choosing among all candidates",
                Coresets.describe(Map.of("method", "herding")));
        assertEquals(
                "k-center in the features of mlp trained 1 epoch on 50 images per class, choosing among 20 candidates per class",
                Coresets.describe(Map.of(
                        "method",
                        "k-center",
                        "feature_architecture",
                        "mlp",
                        "feature_epochs",
                        1,
                        "feature_images",
                        50,
                        "candidates",
                        20)));
    }
}
