package org.ddlab.sets;

import org.ddlab.distill.Metadata;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a set was made, in words, from a recipe's configuration or from a saved set's sidecar: what a
 * table of results needs next to every row, since a FRePo set of 60 steps and one of 2000 are not the
 * same thing. Reads the sidecars {@code ddlab distill}, {@code ddlab baseline} and {@link SetStore} write.
 */
public final class Provenance {

    private Provenance() {
    }

    /** A complete configuration ({@link SetRecipe#config()}, or a distiller's saved config) in words. */
    public static String describe(Map<String, ?> config) {
        String method = String.valueOf(config.get("method")).toLowerCase(Locale.ROOT);
        List<String> parts = new ArrayList<>();
        switch (method) {
            case "random" -> parts.add("random real images");
            case "herding", "kcenter", "k-center" -> parts.add((method.equals("herding") ? "herding" : "k-center")
                    + " in the features of " + str(config, "feature_architecture", "convnet") + " trained "
                    + plural(num(config, "feature_epochs", 2), "epoch") + " on " + perClass(num(config, "feature_images", 0), "images")
                    + ", choosing among " + perClass(num(config, "candidates", 0), "candidates"));
            case "frepo" -> parts.add("FRePo, " + plural(num(config, "steps", 0), "step") + " on " + str(config, "architecture", "convnet")
                    + ": pool of " + num(config, "pool_size", 10) + ", real batch " + num(config, "real_batch", 256) + ", "
                    + (Boolean.FALSE.equals(config.get("learn_labels")) ? "fixed" : "learned") + " labels");
            case "dc", "dsa" -> parts.add(method.toUpperCase(Locale.ROOT) + ", " + plural(num(config, "iterations", 0), "iteration")
                    + " on " + str(config, "architecture", "convnet") + ": real batch " + num(config, "real_batch", 256)
                    + " per class, outer/inner loop " + num(config, "outer_loop", 1) + "/" + num(config, "inner_loop", 1));
            case "dm" -> parts.add("DM, " + plural(num(config, "iterations", 0), "iteration") + " on " + str(config, "architecture", "convnet")
                    + ": real batch " + num(config, "real_batch", 256) + " per class");
            default -> parts.add(method);
        }
        if (config.containsKey("sampler")) {
            parts.add(sampler(config));
        }
        if ("kmeans".equals(config.get("init"))) {
            parts.add("started from the images nearest K-Means centres");
        }
        if (config.get("seed") instanceof Number seed) {
            parts.add("seed " + seed.longValue());
        }
        return String.join("; ", parts);
    }

    private static String sampler(Map<String, ?> c) {
        if (!"dream".equals(c.get("sampler"))) {
            return "random real batches";
        }
        long candidates = num(c, "candidates", 0);
        return "DREAM batches (" + num(c, "clusters", 128) + " clusters per class, re-clustered every "
                + num(c, "interval", 10) + " steps, " + (candidates == 0 ? "all images" : candidates + " candidates") + " per class)";
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
                c.put(c.containsKey("iterations") ? "iterations" : "steps", m.steps());
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
            what = method.equals("random") ? "random real images" : method;
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
            parts.add("saved " + m.created().replace('T', ' ').replaceAll("\\.\\d+Z$", " UTC").replaceAll("Z$", " UTC")
                    + (m.ddlabVersion() == null ? "" : " by ddlab " + m.ddlabVersion()));
        }
        return String.join("; ", parts);
    }

    private static long num(Map<String, ?> c, String key, long fallback) {
        return c.get(key) instanceof Number n ? n.longValue() : fallback;
    }

    private static String str(Map<String, ?> c, String key, String fallback) {
        Object v = c.get(key);
        return v == null ? fallback : String.valueOf(v);
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }

    private static String perClass(long n, String what) {
        return n == 0 ? "all " + what : n + " " + what + " per class";
    }
}
