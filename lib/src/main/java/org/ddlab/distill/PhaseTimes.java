package org.ddlab.distill;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a distiller's step time goes: wall time split into named phases, in the order they first
 * occur. {@link #mark()} starts a stretch; each {@link #lap(String)} charges the time since the
 * previous mark or lap to a phase. The engine's CPU operations run eagerly, so the time of a call is the
 * time of its work. Two clock reads per lap: cheap beside any tensor operation.
 */
public final class PhaseTimes {

    private final Map<String, Long> nanos = new LinkedHashMap<>();
    private long last = System.nanoTime();

    /** Starts a stretch: the next lap counts from now. */
    public void mark() {
        last = System.nanoTime();
    }

    /** Charges the time since the last mark or lap to {@code phase}. */
    public void lap(String phase) {
        long now = System.nanoTime();
        nanos.merge(phase, now - last, Long::sum);
        last = now;
    }

    /** Seconds per phase so far, in the order the phases first occurred. */
    public Map<String, Double> seconds() {
        Map<String, Double> out = new LinkedHashMap<>();
        nanos.forEach((k, v) -> out.put(k, v / 1e9));
        return Collections.unmodifiableMap(out);
    }

    /** Forgets every phase (e.g. after a warm-up). */
    public void reset() {
        nanos.clear();
        mark();
    }
}
