package org.ddlab.train;

/**
 * Adam's rate in FRePo's evaluation ({@code script/eval.py}): a linear warm-up from 0 to the schedule's
 * rate over {@code warmupSteps} steps, then a cosine decay to {@code floor} times that rate over the steps
 * left (optax's {@code linear_schedule} joined to {@code cosine_decay_schedule} with {@code alpha = floor}).
 * Step t counts from 0, as optax's update count does, so the first step's rate is 0 when there is a warm-up.
 *
 * @param warmupSteps steps of the linear warm-up (0: none)
 * @param floor       the rate the cosine ends at, as a fraction of the peak, in [0, 1]
 */
public record WarmupCosine(int warmupSteps, double floor) {

    /** FRePo's: 500 steps of warm-up, a cosine down to 1 % of the rate. */
    public static final WarmupCosine FREPO = new WarmupCosine(500, 0.01);

    public WarmupCosine {
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warm-up steps must be ≥ 0, got " + warmupSteps);
        }
        if (!(floor >= 0 && floor <= 1)) {
            throw new IllegalArgumentException("the cosine's floor is a fraction of the rate in [0, 1], got " + floor);
        }
    }

    /** The rate of step {@code t} (from 0) of {@code total}, peaking at {@code peak}. */
    public double rate(double peak, long t, long total) {
        if (t < warmupSteps) {
            return peak * t / warmupSteps;
        }
        long decaySteps = Math.max(total - warmupSteps, 1);
        double progress = Math.min(t - warmupSteps, decaySteps) / (double) decaySteps;
        return peak * ((1 - floor) * 0.5 * (1 + Math.cos(Math.PI * progress)) + floor);
    }
}
