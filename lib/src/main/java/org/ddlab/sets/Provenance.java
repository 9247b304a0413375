package org.ddlab.sets;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ddlab.coreset.Coresets;
import org.ddlab.distill.Metadata;
import org.ddlab.methods.Methods;

/**
 * How a set was made, in words, from a recipe's configuration or from a saved set's sidecar: what a
 * table of results needs next to every row, since a FRePo set of 60 steps and one of 2000 are not the
 * same thing. Reads the sidecars {@code ddlab distill}, {@code ddlab baseline} and {@link SetStore} write.
 */
public final class Provenance {

    private Provenance() {}

    /** A complete configuration ({@link SetRecipe#config()}, or a distiller's saved config) in words. */
    public static String describe(Map<String, ?> config) {
        String method = String.valueOf(config.get("method")).toLowerCase(Locale.ROOT);
        if (List.of(Coresets.NAMES).contains(method.replace("-", ""))) {
            String what = Coresets.describe(config);
            return config.get("seed") instanceof Number seed ? what + "; seed " + seed.longValue() : what;
        }
        if (!Methods.names().contains(method)) {
            return method;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> c = (Map<String, Object>) config;
        return Methods.describe(c);
    }

    /**
     * A saved set's sidecar in words: its recipe when {@link SetStore} made it, else what {@code ddlab
     * distill} or {@code ddlab baseline} recorded (steps actually taken, sampler, feature network),
     * plus the held-out validation split and when and by which version it was written.
     */
    @SuppressWarnings("unchecked")
    public static String describe(Metadata m) {
        Map<String, Object> extra = m.extra();
        String what;
        if (extra.get("recipe") instanceof Map<?, ?> recipe) {
            what = describe((Map<String, ?>) recipe);
        } else if (extra.get("config") instanceof Map<?, ?> saved) {
            Map<String, Object> c = new java.util.LinkedHashMap<>((Map<String, Object>) saved);
            // The steps a run actually took (a run stopped by its budget has fewer than configured).
            if (m.steps() != null) {
                c.put("steps", m.steps());
                c.remove("iterations");
            }
            if (extra.get("sampler_config") instanceof Map<?, ?> s) {
                c.putAll((Map<String, Object>) s);
            } else if (extra.get("sampler") != null) {
                c.put("sampler", extra.get("sampler"));
            }
            if (extra.get("init") != null) {
                c.put("init", extra.get("init"));
            }
            what = describe(c);
        } else {
            String method = m.method() == null ? "unknown method" : m.method();
            what = switch (method) {
                case "random" -> "random real images";
                case "kmeans" -> "the real images nearest K-Means centres";
                default -> method;
            };
            if (extra.get("feature network") != null) {
                what += " in the features of " + extra.get("feature network");
            }
            if (m.seed() != null) {
                what += "; seed " + m.seed();
            }
        }
        List<String> parts = new ArrayList<>(List.of(what));
        if (extra.get("validation_per_class") instanceof Number v && v.intValue() > 0) {
            parts.add(v.intValue() + " training images per class held out");
        }
        if (extra.get("made_by") != null) {
            parts.add("made by " + extra.get("made_by"));
        }
        if (m.created() != null) {
            parts.add("saved "
                    + m.created()
                            .replace('T', ' ')
                            .replaceAll("\\.\\d+Z$", " UTC")
                            .replaceAll("Z$", " UTC")
                    + (m.ddlabVersion() == null ? "" : " by ddlab " + m.ddlabVersion()));
        }
        return String.join("; ", parts);
    }
}
