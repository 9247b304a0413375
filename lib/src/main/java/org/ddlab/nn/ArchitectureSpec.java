package org.ddlab.nn;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * A parsed architecture spec such as {@code "convnet:width=64,depth=3,norm=batch"}: a name, then
 * optional {@code key=value} pairs after a colon. Builders read options through the typed getters,
 * which remember what was read, so {@link #rejectUnread()} can name any option nobody understood
 * (a typo like {@code widht=64} must fail loudly, not silently fall back to the default).
 */
final class ArchitectureSpec {

    private final String name;
    private final Map<String, String> options;
    private final Set<String> read = new HashSet<>();
    /** Resolved options in the order read, defaults included: the canonical spec. */
    private final Map<String, String> resolved = new LinkedHashMap<>();

    private ArchitectureSpec(String name, Map<String, String> options) {
        this.name = name;
        this.options = options;
    }

    static ArchitectureSpec parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("Empty architecture spec; use one of " + Architectures.names() + ".");
        }
        String text = spec.trim();
        int colon = text.indexOf(':');
        String name = (colon < 0 ? text : text.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
        Map<String, String> options = new LinkedHashMap<>();
        if (colon >= 0) {
            for (String pair : text.substring(colon + 1).split(",")) {
                if (pair.isBlank()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                if (eq <= 0 || eq == pair.length() - 1) {
                    throw new IllegalArgumentException("Bad option '" + pair.trim() + "' in architecture spec '" + spec
                            + "'; options are key=value, separated by commas.");
                }
                String key = pair.substring(0, eq).trim().toLowerCase(Locale.ROOT);
                if (options.put(key, pair.substring(eq + 1).trim()) != null) {
                    throw new IllegalArgumentException("Option '" + key + "' given twice in '" + spec + "'.");
                }
            }
        }
        return new ArchitectureSpec(name, options);
    }

    String name() {
        return name;
    }

    Map<String, String> options() {
        return Collections.unmodifiableMap(options);
    }

    /** An integer option in [min, max]; {@code dflt} when absent. */
    int intOption(String key, int dflt, int min, int max) {
        read.add(key);
        String raw = options.get(key);
        int value;
        if (raw == null) {
            value = dflt;
        } else {
            try {
                value = Integer.parseInt(raw);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + ": option " + key + "='" + raw + "' is not an integer.", e);
            }
            if (value < min || value > max) {
                throw new IllegalArgumentException(
                        name + ": option " + key + "=" + value + " is out of range [" + min + ", " + max + "].");
            }
        }
        resolved.put(key, Integer.toString(value));
        return value;
    }

    /** One of {@code allowed} (case-insensitive); {@code dflt} when absent. */
    String choice(String key, String dflt, String... allowed) {
        read.add(key);
        String raw = options.get(key);
        String value = raw == null ? dflt : raw.toLowerCase(Locale.ROOT);
        if (!Arrays.asList(allowed).contains(value)) {
            throw new IllegalArgumentException(
                    name + ": option " + key + "='" + raw + "' is not one of " + Arrays.toString(allowed) + ".");
        }
        resolved.put(key, value);
        return value;
    }

    /** Fails, naming the options given but never read by the builder, and the ones it knows. */
    void rejectUnread() {
        Set<String> unknown = new HashSet<>(options.keySet());
        unknown.removeAll(read);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(name + ": unknown option(s) "
                    + unknown.stream().sorted().toList() + "; " + name + " takes "
                    + (read.isEmpty() ? "no options" : read.stream().sorted().toList()) + ".");
        }
    }

    /** The canonical spec: name plus every option with its resolved value, defaults included. */
    String canonical() {
        if (resolved.isEmpty()) {
            return name;
        }
        StringJoiner joiner = new StringJoiner(",", name + ":", "");
        resolved.forEach((k, v) -> joiner.add(k + "=" + v));
        return joiner.toString();
    }
}
