package org.ddlab.eval;

import java.util.Arrays;

/**
 * The receiver operating characteristic of a score that should be higher for positives than for negatives, over
 * every threshold: an example is called positive when its score is at least the threshold. Each distinct score is a
 * threshold, so the curve runs from (0, 0) (nothing called positive) to (1, 1) (everything), one point per distinct
 * score, and a threshold that several examples share moves the curve diagonally.
 *
 * <p>The area under it ({@link #auc()}) is the Mann–Whitney statistic: the probability that a random positive scores
 * above a random negative, ties counted half — 0.5 for a score that carries no information, 1 for one that separates
 * the two perfectly. A membership-inference attack is judged by it ({@link MembershipInference}).
 */
public final class Roc {

    private final double[] thresholds;
    private final double[] falsePositiveRates;
    private final double[] truePositiveRates;
    private final double auc;
    private final int positives;
    private final int negatives;

    private Roc(double[] thresholds, double[] fpr, double[] tpr, double auc, int positives, int negatives) {
        this.thresholds = thresholds;
        this.falsePositiveRates = fpr;
        this.truePositiveRates = tpr;
        this.auc = auc;
        this.positives = positives;
        this.negatives = negatives;
    }

    /**
     * The curve of {@code positiveScores} against {@code negativeScores}.
     *
     * @throws IllegalArgumentException when either side is empty or a score is not a number
     */
    public static Roc of(double[] positiveScores, double[] negativeScores) {
        if (positiveScores.length == 0 || negativeScores.length == 0) {
            throw new IllegalArgumentException("a ROC curve needs positives and negatives, got " + positiveScores.length
                    + " and " + negativeScores.length);
        }
        int n = positiveScores.length + negativeScores.length;
        double[] score = new double[n];
        boolean[] positive = new boolean[n];
        for (int i = 0; i < n; i++) {
            boolean p = i < positiveScores.length;
            score[i] = p ? positiveScores[i] : negativeScores[i - positiveScores.length];
            positive[i] = p;
            if (Double.isNaN(score[i])) {
                throw new IllegalArgumentException("score " + (p ? i : i - positiveScores.length) + " of the "
                        + (p ? "positives" : "negatives") + " is NaN");
            }
        }
        Integer[] order = new Integer[n];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a])); // highest first
        double np = positiveScores.length;
        double nn = negativeScores.length;
        double[] thr = new double[n + 1];
        double[] fpr = new double[n + 1];
        double[] tpr = new double[n + 1];
        thr[0] = Double.POSITIVE_INFINITY;
        int points = 1;
        long tp = 0;
        long fp = 0;
        // Area: each group of equal scores adds the trapezoid under its (possibly diagonal) step.
        double area = 0;
        for (int i = 0; i < n; ) {
            double s = score[order[i]];
            long groupTp = 0;
            long groupFp = 0;
            for (; i < n && Double.compare(score[order[i]], s) == 0; i++) {
                if (positive[order[i]]) {
                    groupTp++;
                } else {
                    groupFp++;
                }
            }
            area += groupFp * (tp + groupTp / 2.0);
            tp += groupTp;
            fp += groupFp;
            thr[points] = s;
            fpr[points] = fp / nn;
            tpr[points] = tp / np;
            points++;
        }
        return new Roc(
                Arrays.copyOf(thr, points),
                Arrays.copyOf(fpr, points),
                Arrays.copyOf(tpr, points),
                area / (np * nn),
                positiveScores.length,
                negativeScores.length);
    }

    /** The area under the curve: P(a positive scores above a negative) + ½ P(they tie). */
    public double auc() {
        return auc;
    }

    /** False-positive rates of the points, from 0 to 1, non-decreasing. */
    public double[] falsePositiveRates() {
        return falsePositiveRates.clone();
    }

    /** True-positive rates of the points, from 0 to 1, non-decreasing. */
    public double[] truePositiveRates() {
        return truePositiveRates.clone();
    }

    /** The threshold of each point: +∞ for the first (nothing called positive), then each distinct score, descending. */
    public double[] thresholds() {
        return thresholds.clone();
    }

    public int positives() {
        return positives;
    }

    public int negatives() {
        return negatives;
    }

    /**
     * The largest true-positive rate of a threshold whose false-positive rate is at most {@code fpr}: how much an
     * attack finds while rarely accusing a negative (a low-{@code fpr} view that an average like the AUC hides).
     */
    public double truePositiveRateAt(double fpr) {
        if (!(fpr >= 0 && fpr <= 1)) {
            throw new IllegalArgumentException("a false-positive rate is in [0, 1], got " + fpr);
        }
        double best = 0;
        for (int i = 0; i < thresholds.length; i++) {
            if (falsePositiveRates[i] <= fpr) {
                best = Math.max(best, truePositiveRates[i]);
            }
        }
        return best;
    }

    /**
     * The largest TPR − FPR over the thresholds: Yeom et al.'s membership advantage of the best threshold (0 for a
     * score that carries no information, 1 for one that separates perfectly).
     */
    public double advantage() {
        double best = 0;
        for (int i = 0; i < thresholds.length; i++) {
            best = Math.max(best, truePositiveRates[i] - falsePositiveRates[i]);
        }
        return best;
    }

    @Override
    public String toString() {
        return String.format(
                java.util.Locale.ROOT,
                "ROC of %d positives vs %d negatives: AUC %.3f, advantage %.3f",
                positives,
                negatives,
                auc,
                advantage());
    }
}
