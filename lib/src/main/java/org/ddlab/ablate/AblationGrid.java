package org.ddlab.ablate;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.reflect.TypeToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A grid of distillation settings: a base configuration (any option of {@link org.ddlab.methods.Methods})
 * and, for some options, the values to try. The cells are every combination, the first varied option
 * changing slowest. As a file:
 * <pre>{@code
 * {"name": "FRePo pool size", "base": {"method": "frepo", "ipc": 10, "steps": 300},
 *  "vary": {"pool_size": [1, 5, 10]}}
 * }</pre>
 *
 * @param name title of the tables and charts
 * @param base options every cell shares
 * @param vary option → values, in order
 */
public record AblationGrid(String name, Map<String, Object> base, Map<String, List<Object>> vary) {

    private static final Set<String> FILE_KEYS = Set.of("name", "base", "vary");

    public AblationGrid {
        base = new LinkedHashMap<>(base);
        Map<String, List<Object>> v = new LinkedHashMap<>();
        for (Map.Entry<String, List<Object>> e : vary.entrySet()) {
            if (e.getValue().isEmpty()) {
                throw new IllegalArgumentException(
                        "grid '" + name + "': option '" + e.getKey() + "' has no values to try");
            }
            v.put(e.getKey(), List.copyOf(e.getValue()));
        }
        vary = v;
    }

    /** A grid of one cell, {@code base}; add options to vary with {@link #vary(String, Object...)}. */
    public static AblationGrid of(String name, Map<String, ?> base) {
        return new AblationGrid(name, new LinkedHashMap<>(base), Map.of());
    }

    /** This grid with {@code option} also taking each of {@code values}. */
    public AblationGrid vary(String option, Object... values) {
        Map<String, List<Object>> v = new LinkedHashMap<>(vary);
        v.put(option, Arrays.asList(values));
        return new AblationGrid(name, base, v);
    }

    /**
     * This grid with {@code option} fixed at {@code value} in every cell (added to the base, or
     * replacing the base's value): how a notebook scales a committed grid to its profile, e.g.
     * {@code grid.with("steps", 40)}. An option the grid varies cannot be fixed; give it other values
     * with {@link #vary(String, Object...)} instead.
     */
    public AblationGrid with(String option, Object value) {
        if (vary.containsKey(option)) {
            throw new IllegalArgumentException("grid '" + name + "' varies '" + option + "' over " + vary.get(option)
                    + "; it cannot also be fixed (use vary(\"" + option + "\", ...) for other values)");
        }
        Map<String, Object> b = new LinkedHashMap<>(base);
        b.put(option, normalise(value));
        return new AblationGrid(name, b, vary);
    }

    /** This grid with every entry of {@code options} fixed (see {@link #with(String, Object)}). */
    public AblationGrid with(Map<String, ?> options) {
        AblationGrid g = this;
        for (Map.Entry<String, ?> e : options.entrySet()) {
            g = g.with(e.getKey(), e.getValue());
        }
        return g;
    }

    /** The values the grid tries for {@code option}, or an error naming the varied options. */
    public List<Object> values(String option) {
        List<Object> v = vary.get(option);
        if (v == null) {
            throw new IllegalArgumentException(
                    "grid '" + name + "' does not vary '" + option + "'; it varies " + vary.keySet());
        }
        return v;
    }

    /** Every combination of the varied values over the base, first option slowest. */
    public List<Map<String, Object>> cells() {
        List<Map<String, Object>> out = new ArrayList<>();
        out.add(new LinkedHashMap<>(base));
        for (Map.Entry<String, List<Object>> e : vary.entrySet()) {
            List<Map<String, Object>> next = new ArrayList<>();
            for (Map<String, Object> cell : out) {
                for (Object value : e.getValue()) {
                    Map<String, Object> c = new LinkedHashMap<>(cell);
                    c.put(e.getKey(), value);
                    next.add(c);
                }
            }
            out = next;
        }
        return out;
    }

    /**
     * This grid as a grid file's JSON ({@code name}, {@code base}, {@code vary}): {@link #parse} of it gives a grid
     * with the same cells, so a grid with options fixed on the command line travels to other machines whole.
     */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("base", base);
        m.put("vary", vary);
        return new com.google.gson.GsonBuilder()
                .setPrettyPrinting()
                .serializeSpecialFloatingPointValues()
                .create()
                .toJson(m);
    }

    /** Reads a grid file (see the class comment); errors name the file and what is wrong. */
    public static AblationGrid load(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("no grid file " + file + "; check the path (the committed grids are in "
                    + GridFiles.DIRECTORY + ")");
        }
        try {
            return parse(text, file.getFileName().toString());
        } catch (JsonParseException | IllegalStateException e) {
            // Gson wraps the parser's message in its exception's name and adds a line with a link: the message is the
            // first line.
            Throwable why = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause() : e;
            throw new IllegalArgumentException(
                    file + " is not a grid: "
                            + String.valueOf(why.getMessage())
                                    .lines()
                                    .findFirst()
                                    .orElse("")
                            + "; a grid is a JSON object such as {\"base\": {\"method\": \"frepo\"}, \"vary\": {\"pool_size\": [1, 5]}}");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage());
        }
    }

    /** A grid from JSON text. */
    public static AblationGrid parse(String json, String defaultName) {
        JsonElement root = JsonParser.parseString(json);
        if (!root.isJsonObject()) {
            throw new IllegalArgumentException("a grid is a JSON object with \"base\" and \"vary\"");
        }
        JsonObject o = root.getAsJsonObject();
        for (String k : o.keySet()) {
            if (!FILE_KEYS.contains(k)) {
                throw new IllegalArgumentException(
                        "unknown key \"" + k + "\"; a grid has \"name\", \"base\" and \"vary\"");
            }
        }
        Gson gson = new Gson();
        Map<String, Object> base = o.has("base")
                ? normalise(gson.fromJson(o.get("base"), new TypeToken<LinkedHashMap<String, Object>>() {}.getType()))
                : new LinkedHashMap<>();
        Map<String, List<Object>> vary = new LinkedHashMap<>();
        if (o.has("vary")) {
            for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("vary").entrySet()) {
                if (!e.getValue().isJsonArray()) {
                    throw new IllegalArgumentException(
                            "\"vary\": \"" + e.getKey() + "\" must be a list of values, got " + e.getValue());
                }
                List<Object> values = new ArrayList<>();
                for (JsonElement v : e.getValue().getAsJsonArray()) {
                    values.add(normalise(gson.fromJson(v, Object.class)));
                }
                vary.put(e.getKey(), values);
            }
        }
        String name = o.has("name") ? o.get("name").getAsString() : defaultName;
        return new AblationGrid(name, base, vary);
    }

    /** JSON numbers come back as doubles; whole ones become longs so that 10 and 10.0 name the same cell. */
    @SuppressWarnings("unchecked")
    static <T> T normalise(T value) {
        if (value instanceof Double d && d == Math.rint(d) && !d.isInfinite() && Math.abs(d) < 1e15) {
            return (T) Long.valueOf(d.longValue());
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), normalise(v)));
            return (T) out;
        }
        return value;
    }
}
