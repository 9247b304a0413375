package org.ddlab.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RocTest {

    /** Scores that separate perfectly give AUC 1 and advantage 1; swapped, AUC 0; one score for all, a diagonal. */
    @Test
    void separatingScoresReachOneReversedZeroAndEqualScoresAHalf() {
        Roc perfect = Roc.of(new double[] {3, 4}, new double[] {1, 2, 0});
        assertEquals(1.0, perfect.auc(), 1e-15);
        assertEquals(1.0, perfect.advantage(), 1e-15);
        assertEquals(1.0, perfect.truePositiveRateAt(0), 1e-15);
        assertEquals(0.0, Roc.of(new double[] {1, 2, 0}, new double[] {3, 4}).auc(), 1e-15);
        Roc tied = Roc.of(new double[] {5, 5, 5}, new double[] {5, 5});
        assertEquals(0.5, tied.auc(), 1e-15);
        assertArrayEquals(new double[] {0, 1}, tied.falsePositiveRates());
        assertArrayEquals(new double[] {0, 1}, tied.truePositiveRates());
        assertEquals(0.0, tied.advantage(), 1e-15);
    }

    /**
     * A small case worked by hand. Positives 0.9, 0.6, 0.6, 0.2; negatives 0.7, 0.6, 0.1. Pairs (4 × 3 = 12): 0.9 beats
     * all 3; each 0.6 beats 0.1, ties 0.6, loses to 0.7 (1.5 each); 0.2 beats 0.1 (1). AUC = (3 + 1.5 + 1.5 + 1) / 12.
     * Points, threshold by threshold: ∞ (0, 0); 0.9 (0, ¼); 0.7 (⅓, ¼); 0.6 (⅔, ¾); 0.2 (⅔, 1); 0.1 (1, 1).
     */
    @Test
    void aHandWorkedCurveWithATie() {
        Roc r = Roc.of(new double[] {0.9, 0.6, 0.6, 0.2}, new double[] {0.7, 0.6, 0.1});
        assertEquals(7.0 / 12, r.auc(), 1e-15);
        assertArrayEquals(new double[] {Double.POSITIVE_INFINITY, 0.9, 0.7, 0.6, 0.2, 0.1}, r.thresholds());
        assertArrayEquals(new double[] {0, 0, 1.0 / 3, 2.0 / 3, 2.0 / 3, 1}, r.falsePositiveRates(), 1e-15);
        assertArrayEquals(new double[] {0, 0.25, 0.25, 0.75, 1, 1}, r.truePositiveRates(), 1e-15);
        assertEquals(0.25, r.truePositiveRateAt(0), 1e-15);
        assertEquals(0.25, r.truePositiveRateAt(0.5), 1e-15);
        assertEquals(1.0, r.truePositiveRateAt(2.0 / 3), 1e-15);
        assertEquals(1.0 - 2.0 / 3, r.advantage(), 1e-15); // at threshold 0.2
        assertEquals(4, r.positives());
        assertEquals(3, r.negatives());
    }

    /**
     * Against the definition on random scores with many ties: the AUC is the share of (positive, negative) pairs the
     * positive wins, ties half, and also the trapezoid area under the points; the curve rises monotonically from
     * (0, 0) to (1, 1), and each point counts the scores at or above its threshold.
     */
    @Test
    void matchesThePairCountAndTheAreaUnderItsPoints() {
        Random random = new Random(7);
        for (int trial = 0; trial < 20; trial++) {
            double[] pos = new double[1 + random.nextInt(40)];
            double[] neg = new double[1 + random.nextInt(40)];
            for (int i = 0; i < pos.length; i++) pos[i] = random.nextInt(12) + 1.0;
            for (int i = 0; i < neg.length; i++) neg[i] = random.nextInt(10);
            double wins = 0;
            for (double p : pos) {
                for (double q : neg) {
                    wins += p > q ? 1 : p == q ? 0.5 : 0;
                }
            }
            Roc r = Roc.of(pos, neg);
            assertEquals(wins / (pos.length * neg.length), r.auc(), 1e-12, "trial " + trial);
            double[] x = r.falsePositiveRates();
            double[] y = r.truePositiveRates();
            double[] t = r.thresholds();
            double area = 0;
            for (int i = 1; i < x.length; i++) {
                assertTrue(x[i] >= x[i - 1] && y[i] >= y[i - 1] && t[i] < t[i - 1], "monotone at point " + i);
                area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
                double threshold = t[i];
                long tp =
                        java.util.Arrays.stream(pos).filter(v -> v >= threshold).count();
                long fp =
                        java.util.Arrays.stream(neg).filter(v -> v >= threshold).count();
                assertEquals((double) tp / pos.length, y[i], 1e-15);
                assertEquals((double) fp / neg.length, x[i], 1e-15);
            }
            assertEquals(r.auc(), area, 1e-12);
            assertEquals(0, x[0]);
            assertEquals(0, y[0]);
            assertEquals(1, x[x.length - 1]);
            assertEquals(1, y[y.length - 1]);
        }
    }

    @Test
    void refusesAnEmptySideANaNAndARateOutsideZeroToOne() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Roc.of(new double[0], new double[] {1}))
                .getMessage()
                .contains("needs positives and negatives, got 0 and 1"));
        assertThrows(IllegalArgumentException.class, () -> Roc.of(new double[] {1}, new double[0]));
        assertTrue(assertThrows(
                        IllegalArgumentException.class, () -> Roc.of(new double[] {1}, new double[] {2, Double.NaN}))
                .getMessage()
                .contains("score 1 of the negatives is NaN"));
        Roc r = Roc.of(new double[] {1}, new double[] {0});
        assertThrows(IllegalArgumentException.class, () -> r.truePositiveRateAt(1.5));
        assertThrows(IllegalArgumentException.class, () -> r.truePositiveRateAt(Double.NaN));
    }
}
