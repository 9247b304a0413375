package org.ddlab.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SIGINT (Ctrl-C) and SIGTERM while a run distils. The JVM's own handling exits at once and loses every
 * step since the last checkpoint; with these handlers installed the run is asked to stop instead: it
 * finishes the step it is in, checkpoints, says how to go on, and exits with 128 + the signal's number
 * (130, 143), as shells expect of a process a signal ended. Work before a first step that reports its progress
 * (MTT's experts, {@code Distiller.Preparation}) stops after the piece it has just saved.
 *
 * <p>A handler only records the signal. It does not interrupt the running thread: an interrupt closes a
 * {@code FileChannel} that is being written, which would turn a checkpoint being saved into a failed
 * one. A second signal while the run is stopping changes nothing: a terminal's Ctrl-C reaches both the
 * launching JVM and the relaunched one ({@link Relaunch}), which passes it on, so the same key press can
 * arrive twice. {@code kill -9} stops at once, leaving the newest checkpoint written.
 */
final class StopSignals implements AutoCloseable {

    private static final List<String> HANDLED = List.of("INT", "TERM");

    private final Map<String, Object> previous = new LinkedHashMap<>();
    private volatile String received;
    private volatile int number;

    private StopSignals() {}

    /**
     * Handles SIGINT and SIGTERM until {@link #close}. Where the JVM does not let them be handled (it was
     * started with {@code -Xrs}, say) they keep the JVM's own handling, and {@link #received} stays false.
     */
    static StopSignals install() {
        StopSignals s = new StopSignals();
        for (String name : HANDLED) {
            try {
                s.previous.put(name, OsSignals.handle(name, (signal, number) -> {
                    if (s.received == null) {
                        s.number = number;
                        s.received = signal;
                    }
                }));
            } catch (IllegalArgumentException | UnsupportedOperationException notHandled) {
                // the JVM's default stays: exit at once, the newest checkpoint written kept
            }
        }
        return s;
    }

    /** Whether a signal asked the run to stop. */
    boolean received() {
        return received != null;
    }

    /** The signal's name, e.g. {@code SIGINT}. */
    String name() {
        return "SIG" + received;
    }

    /** 128 + the signal's number: 130 for SIGINT, 143 for SIGTERM. */
    int exitCode() {
        return 128 + number;
    }

    /** Puts the handlers back as they were. */
    @Override
    public void close() {
        previous.forEach(OsSignals::restore);
    }
}
