package org.ddlab.coreset;

import ai.djl.ndarray.NDManager;
import org.ddlab.data.ImageSet;
import org.ddlab.train.TinySets;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
            assertArrayEquals(Coresets.select(new RandomSelection(), set, 3, null, 9, m, 8),
                    Coresets.select(new RandomSelection(), set, 3, null, 9, m, 8));
        }
    }

    @Test
    void ipcLargerThanAClassSaysTheLimit() {
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Coresets.select(new Herding(), set, 11, pixels, 0, m, 8));
            assertTrue(e.getMessage().contains("largest possible IPC for this set is 10"), e.getMessage());
        }
    }

    @Test
    void featureMethodsNeedAnEmbedder() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertThrows(IllegalArgumentException.class, () -> Coresets.select(new KCenter(), set, 2, null, 0, m, 8));
        }
    }
}
