package org.ddlab.sets;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.ddlab.coreset.Coresets;
import org.ddlab.methods.Methods;

/**
 * How one training set of a comparison is made, under a short name (the row it fills, e.g. a method's
 * name, or that name with "-dream"): either a coreset of real images ({@code random}, {@code herding},
 * {@code kcenter}) or a distillation by any registered method, configured in {@link Methods}' option
 * vocabulary, sampler included. Two recipes with the same {@link #config()} make the same set from the same data,
 * so the config is what a cached set is recognised by.
 *
 * <p>Coreset options: {@code ipc}, {@code seed}, and for the selections that work in a network's
 * feature space (herding, k-center) the feature network: {@code feature_architecture} (convnet),
 * {@code feature_epochs} (2, the default profile's whole-dataset schedule), {@code feature_images}
 * (training images per class it learns from, 0 = all) and {@code candidates} (images per class the
 * selection chooses among, a seeded subset; 0 = all). The last two exist because on a CPU embedding all
 * 60 000 training images costs minutes.
 *
 * @param name    row name in tables, directory name on disk ({@code [a-z0-9+-]})
 * @param method  one of {@link Coresets#NAMES} or {@link Methods#NAMES}
 * @param options the options as given (defaults are filled in by {@link #config()})
 */
public record SetRecipe(String name, String method, Map<String, Object> options) {

    private static final Set<String> CORESET_OPTIONS =
            Set.of("ipc", "seed", "feature_architecture", "feature_epochs", "feature_images", "candidates");

    public SetRecipe {
        if (name == null || !name.matches("[a-z0-9][a-z0-9+._-]*")) {
            throw new IllegalArgumentException(
                    "a set's name is also its directory: use lower-case letters, digits, '+', '-', " + "'.', '_'; got '"
                            + name + "'");
        }
        method = method.toLowerCase(Locale.ROOT);
        if (!isCoresetMethod(method) && !Methods.names().contains(method)) {
            throw new IllegalArgumentException("unknown method '" + method + "' for set '" + name
                    + "'; known: coresets " + Arrays.toString(Coresets.NAMES) + ", distillers " + Methods.names());
        }
        options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
        if (options.containsKey("method")
                && !String.valueOf(options.get("method")).equalsIgnoreCase(method)) {
            throw new IllegalArgumentException(
                    "set '" + name + "': method '" + method + "' but options say " + options.get("method"));
        }
        if (isCoresetMethod(method)) {
            for (String k : options.keySet()) {
                if (!CORESET_OPTIONS.contains(k) && !k.equals("method")) {
                    throw new IllegalArgumentException("unknown option '" + k + "' for coreset '" + name + "'; known: "
                            + new TreeSet<>(CORESET_OPTIONS));
                }
            }
        }
    }

    /** A coreset: {@code ipc} real images per class chosen by {@code method} (random, herding, kcenter). */
    public static SetRecipe coreset(String name, String method, int ipc, long seed) {
        return new SetRecipe(name, method, Map.of("ipc", ipc, "seed", seed));
    }

    /** A distilled set; {@code options} in {@link Methods}' vocabulary, {@code method} among them. */
    public static SetRecipe distilled(String name, Map<String, ?> options) {
        if (!options.containsKey("method")) {
            throw new IllegalArgumentException("set '" + name + "': the options must name the method ("
                    + String.join(", ", Methods.names()) + ")");
        }
        return new SetRecipe(name, String.valueOf(options.get("method")), new LinkedHashMap<>(options));
    }

    /** A copy with one option set (e.g. {@code with("steps", 200)}). */
    public SetRecipe with(String key, Object value) {
        Map<String, Object> o = new LinkedHashMap<>(options);
        o.put(key, value);
        return new SetRecipe(name, method, o);
    }

    public boolean isCoreset() {
        return isCoresetMethod(method);
    }

    private static boolean isCoresetMethod(String m) {
        return List.of(Coresets.NAMES).contains(m);
    }

    /** Whether the coreset chooses in a network's feature space (and so needs a feature network). */
    public boolean needsFeatures() {
        return isCoreset() && !method.equals("random");
    }

    /**
     * The complete configuration: a distiller's through {@link Methods#configure} (every default filled
     * in, so a typo or another method's option fails here), a coreset's with its defaults.
     */
    public Map<String, Object> config() {
        if (!isCoreset()) {
            Map<String, Object> o = new LinkedHashMap<>(options);
            o.put("method", method);
            return Methods.configure(o, 1000);
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("method", method);
        c.put("ipc", intOption("ipc", 10));
        c.put("seed", longOption("seed", 0));
        if (needsFeatures()) {
            c.put("feature_architecture", String.valueOf(options.getOrDefault("feature_architecture", "convnet")));
            c.put("feature_epochs", intOption("feature_epochs", 2));
            c.put("feature_images", intOption("feature_images", 0));
            c.put("candidates", intOption("candidates", 0));
        }
        return c;
    }

    public int ipc() {
        return ((Number) config().get("ipc")).intValue();
    }

    public long seed() {
        return ((Number) config().get("seed")).longValue();
    }

    /** Distillation steps (iterations), 0 for a coreset. */
    public long steps() {
        if (isCoreset()) {
            return 0;
        }
        Map<String, Object> c = config();
        return ((Number) (c.containsKey("steps") ? c.get("steps") : c.get("iterations"))).longValue();
    }

    private int intOption(String key, int fallback) {
        Object v = options.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.intValue() < 0) {
            throw new IllegalArgumentException(
                    "option '" + key + "' of set '" + name + "' must be a whole number ≥ 0, got " + v);
        }
        return n.intValue();
    }

    private long longOption(String key, long fallback) {
        Object v = options.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("option '" + key + "' of set '" + name + "' must be a number, got " + v);
        }
        return n.longValue();
    }

    /** The recipe in words, e.g. "FRePo, 60 steps on convnet, pool of 10, real batch 256, learned labels; seed 0". */
    public String describe() {
        return Provenance.describe(config());
    }

    @Override
    public String toString() {
        return name + ": " + describe();
    }
}
