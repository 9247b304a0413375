package org.ddlab.eval;

import java.util.Arrays;
import java.util.Locale;

/**
 * Test accuracy of one training set under one architecture, over several runs.
 *
 * @param set            what was trained on (e.g. "random IPC 10")
 * @param architecture   the network spec
 * @param accuracies     test accuracy of each run, in [0, 1]
 * @param trainSeconds   training time of each run
 * @param imagesPerSecond training throughput, averaged over runs
 */
public record EvalResult(
        String set, String architecture, double[] accuracies, double[] trainSeconds, double imagesPerSecond) {

    public EvalResult {
        if (accuracies.length == 0 || accuracies.length != trainSeconds.length) {
            throw new IllegalArgumentException("need one accuracy and one time per run");
        }
        accuracies = accuracies.clone();
        trainSeconds = trainSeconds.clone();
    }

    public int runs() {
        return accuracies.length;
    }

    public double mean() {
        return Arrays.stream(accuracies).average().orElseThrow();
    }

    /** Population standard deviation over runs, as the papers report (numpy's default). */
    public double std() {
        double m = mean();
        return Math.sqrt(Arrays.stream(accuracies).map(a -> (a - m) * (a - m)).sum() / accuracies.length);
    }

    @Override
    public double[] accuracies() {
        return accuracies.clone();
    }

    @Override
    public double[] trainSeconds() {
        return trainSeconds.clone();
    }

    /** "84.12 ± 0.35 %" */
    public String formatted() {
        return String.format(Locale.ROOT, "%.2f ± %.2f %%", 100 * mean(), 100 * std());
    }

    @Override
    public String toString() {
        return set + " on " + architecture + ": " + formatted() + " (" + runs() + " runs)";
    }
}
