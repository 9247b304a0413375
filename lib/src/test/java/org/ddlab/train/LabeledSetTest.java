package org.ddlab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import org.ddlab.data.ImageSet;
import org.junit.jupiter.api.Test;

class LabeledSetTest {

    private static final ImageSet TWO = TinySets.stripes(1, 2, 0);

    /**
     * Soft labels that are distributions train with soft cross-entropy, one-hot rows (zeros are not negative)
     * included; rows with a negative entry or not summing to 1 (FRePo's regression targets) train with MSE.
     */
    @Test
    void theLossFitsTheTargets() {
        assertEquals(Loss.CROSS_ENTROPY, LabeledSet.hard(TWO).defaultLoss());
        assertEquals(Loss.SOFT_CROSS_ENTROPY, new LabeledSet(TWO, new float[] {1, 0, 0, 1}).defaultLoss());
        assertEquals(Loss.SOFT_CROSS_ENTROPY, new LabeledSet(TWO, new float[] {0.7f, 0.3f, 0.4f, 0.6f}).defaultLoss());
        assertEquals(
                Loss.MSE, new LabeledSet(TWO, new float[] {0.7f, 0.3f, 1.1f, -0.1f}).defaultLoss(), "a negative entry");
        assertEquals(
                Loss.MSE,
                new LabeledSet(TWO, new float[] {0.5f, 0.5f, 0.5f, 0.4f}).defaultLoss(),
                "a row summing to 0.9");
        assertFalse(Loss.CROSS_ENTROPY.wantsVectors(), "class indices");
        assertTrue(Loss.SOFT_CROSS_ENTROPY.wantsVectors() && Loss.MSE.wantsVectors());
    }

    @Test
    void targetsAreTheRowsAskedFor() {
        LabeledSet soft = new LabeledSet(TWO, new float[] {0.7f, 0.3f, 0.4f, 0.6f});
        try (NDManager m = NDManager.newBaseManager()) {
            assertArrayEquals(
                    new float[] {0.4f, 0.6f, 0.7f, 0.3f},
                    soft.targets(m, new int[] {1, 0}, false).toFloatArray());
            assertArrayEquals(
                    new float[] {0, 1, 1, 0},
                    LabeledSet.hard(TWO)
                            .targets(m, new int[] {1, 0}, true)
                            .toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                            .toFloatArray(),
                    "hard labels as one-hot vectors");
            assertArrayEquals(
                    new int[] {1, 0},
                    LabeledSet.hard(TWO)
                            .targets(m, new int[] {1, 0}, false)
                            .toType(ai.djl.ndarray.types.DataType.INT32, false)
                            .toIntArray());
        }
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new LabeledSet(TWO, new float[3]));
        assertTrue(e.getMessage().contains("[2, 2]"), e.getMessage());
    }
}
