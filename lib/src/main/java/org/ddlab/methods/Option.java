package org.ddlab.methods;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * One typed setting of a method: its name in the option vocabulary (what grids, checkpoints and
 * {@code --name-with-dashes} on the command line use), what it means, its default in a context (IPC,
 * dataset, steps — the papers' defaults differ by both), and what values it takes. A value of the
 * wrong type or out of range is an error that names the option and what it accepts.
 *
 * @param name        e.g. {@code pool_size}
 * @param type        the kind of value
 * @param description one line for {@code --help} and the docs
 * @param defaults    the default in a context
 * @param min         smallest allowed number (inclusive), or null
 * @param max         largest allowed number (inclusive), or null
 * @param choices     allowed words for {@link Type#CHOICE}, else empty
 */
public record Option(
        String name,
        Type type,
        String description,
        Function<Context, Object> defaults,
        Double min,
        Double max,
        List<String> choices) {

    /** What kind of value an option takes. */
    public enum Type {
        INT,
        LONG,
        DOUBLE,
        BOOLEAN,
        CHOICE,
        TEXT
    }

    /** What a default may depend on: the run's images per class, steps and dataset. */
    public record Context(int ipc, long steps, String dataset) {}

    public Option {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("option names are lower case with underscores, got '" + name + "'");
        }
        choices = List.copyOf(choices);
    }

    /** A whole number ≥ min. */
    public static Option integer(String name, String description, Function<Context, Object> defaults, int min) {
        return new Option(name, Type.INT, description, defaults, (double) min, null, List.of());
    }

    /** A whole number ≥ min, as a long (steps, seeds). */
    public static Option whole(String name, String description, Function<Context, Object> defaults, long min) {
        return new Option(name, Type.LONG, description, defaults, (double) min, null, List.of());
    }

    /** A real number in [min, max] (max null: no upper bound). */
    public static Option real(
            String name, String description, Function<Context, Object> defaults, double min, Double max) {
        return new Option(name, Type.DOUBLE, description, defaults, min, max, List.of());
    }

    public static Option flag(String name, String description, Function<Context, Object> defaults) {
        return new Option(name, Type.BOOLEAN, description, defaults, null, null, List.of());
    }

    /** One of the given words. */
    public static Option choice(
            String name, String description, Function<Context, Object> defaults, List<String> choices) {
        return new Option(name, Type.CHOICE, description, defaults, null, null, choices);
    }

    /** Free text, e.g. an architecture spec. */
    public static Option text(String name, String description, Function<Context, Object> defaults) {
        return new Option(name, Type.TEXT, description, defaults, null, null, List.of());
    }

    /** The default in {@code context}, as {@link #check} would return it. */
    public Object defaultIn(Context context) {
        return check(defaults.apply(context), "default of " + name);
    }

    /**
     * {@code value} as this option's type (numbers from JSON may come as doubles; words from the
     * command line as strings), or an error naming the option, the value and what is allowed.
     *
     * @param whose for the message, e.g. "frepo"
     */
    public Object check(Object value, String whose) {
        Object v = switch (type) {
            case INT -> whole(value) ? (Object) Math.toIntExact(Math.round(number(value))) : null;
            case LONG -> whole(value) ? (Object) Math.round(number(value)) : null;
            case DOUBLE -> isNumber(value) ? (Object) number(value) : null;
            case BOOLEAN ->
                value instanceof Boolean b
                        ? b
                        : value instanceof String s && (s.equals("true") || s.equals("false"))
                                ? (Object) Boolean.parseBoolean(s)
                                : null;
            case CHOICE ->
                value != null && choices.contains(String.valueOf(value).toLowerCase(Locale.ROOT))
                        ? String.valueOf(value).toLowerCase(Locale.ROOT)
                        : null;
            case TEXT -> value instanceof String s && !s.isBlank() ? s : null;
        };
        if (v == null) {
            throw new IllegalArgumentException(
                    "option '" + name + "' of " + whose + " must be " + accepts() + ", got " + value);
        }
        if (v instanceof Number n && (min != null && n.doubleValue() < min || max != null && n.doubleValue() > max)) {
            throw new IllegalArgumentException(
                    "option '" + name + "' of " + whose + " must be " + accepts() + ", got " + value);
        }
        return v;
    }

    /** What values it takes, in words, e.g. "a whole number ≥ 1" or "one of: mse, l1". */
    public String accepts() {
        String range = (min != null ? " ≥ " + trim(min) : "")
                + (max != null ? (min != null ? " and" : "") + " ≤ " + trim(max) : "");
        return switch (type) {
            case INT, LONG -> "a whole number" + range;
            case DOUBLE -> "a number" + range;
            case BOOLEAN -> "true or false";
            case CHOICE -> "one of: " + String.join(", ", choices);
            case TEXT -> "text";
        };
    }

    /** The command-line flag: {@code --pool-size} for {@code pool_size}. */
    public String flag() {
        return "--" + name.replace('_', '-');
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    private static boolean isNumber(Object v) {
        if (v instanceof Number) {
            return true;
        }
        if (v instanceof String s) {
            try {
                Double.parseDouble(s);
                return true;
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return false;
    }

    private static double number(Object v) {
        return v instanceof Number n ? n.doubleValue() : Double.parseDouble((String) v);
    }

    private static boolean whole(Object v) {
        return isNumber(v) && number(v) == Math.rint(number(v)) && Math.abs(number(v)) < 9e15;
    }
}
