package org.ddlab.engine;

import java.util.SplittableRandom;

/**
 * Counter-based random streams: the stream for (seed, step, purpose) is a pure function of those
 * numbers. A distillation loop that draws step t's randomness from {@code Seeds.at(seed, t, purpose)}
 * needs no random state in its checkpoints, and a resumed run draws exactly what an uninterrupted
 * one would have drawn.
 */
public final class Seeds {

    private Seeds() {}

    /** A well-mixed 64-bit value of the given parts (SplitMix64 finaliser applied after each part). */
    public static long mix(long... parts) {
        long h = 0x9E3779B97F4A7C15L;
        for (long p : parts) {
            h = finalise(h ^ finalise(p + 0x9E3779B97F4A7C15L));
        }
        return h;
    }

    /** A fresh random stream for (seed, step, purpose). */
    public static SplittableRandom at(long seed, long step, long purpose) {
        return new SplittableRandom(mix(seed, step, purpose));
    }

    private static long finalise(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
