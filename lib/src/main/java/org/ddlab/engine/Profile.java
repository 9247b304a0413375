package org.ddlab.engine;

import java.util.Arrays;
import java.util.Locale;

/**
 * How big a run is. Every notebook reads {@code DDLAB_PROFILE} in its first cell and scales its
 * work with it: {@code quick} is what CI executes (seconds to a few minutes per notebook, checks
 * still meaningful), {@code default} is what a student runs on a 2-core laptop (minutes),
 * {@code full} reproduces the papers' protocols (hours; GPU advised).
 */
public enum Profile {
    QUICK,
    DEFAULT,
    FULL;

    /** Environment variable that selects the profile. */
    public static final String ENV = "DDLAB_PROFILE";

    /** The profile named by {@code DDLAB_PROFILE}; {@link #DEFAULT} when it is unset. */
    public static Profile current() {
        return parse(System.getenv(ENV));
    }

    /** Parses a profile name, case-insensitively; null or blank → {@link #DEFAULT}. */
    public static Profile parse(String name) {
        if (name == null || name.isBlank()) {
            return DEFAULT;
        }
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    ENV + "='" + name + "' is not a profile; use one of "
                            + Arrays.toString(values()).toLowerCase(Locale.ROOT) + ".",
                    e);
        }
    }

    /** Picks the value for this profile: {@code profile.pick(2, 20, 200)}. */
    public <T> T pick(T quick, T dflt, T full) {
        return switch (this) {
            case QUICK -> quick;
            case DEFAULT -> dflt;
            case FULL -> full;
        };
    }

    public int pick(int quick, int dflt, int full) {
        return switch (this) {
            case QUICK -> quick;
            case DEFAULT -> dflt;
            case FULL -> full;
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
