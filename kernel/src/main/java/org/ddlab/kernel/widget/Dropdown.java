package org.ddlab.kernel.widget;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.HashSet;
import java.util.List;

/**
 * A choice of one of a few labels, shown as {@code _options_labels}. Protocol version 1 syncs the
 * chosen label itself, so the labels must differ from each other; version 2 syncs its position,
 * {@code index}, which the kernel turns into the label and back.
 */
public final class Dropdown extends ValueWidget<String> {

    private final List<String> options;

    public Dropdown(String description, List<String> options, String value) {
        super("DropdownModel", "DropdownView");
        if (options.isEmpty()) {
            throw new IllegalArgumentException("Dropdown: no options");
        }
        if (new HashSet<>(options).size() != options.size()) {
            throw new IllegalArgumentException("Dropdown: options repeat a label: " + options);
        }
        this.options = List.copyOf(options);
        JsonArray labels = new JsonArray();
        this.options.forEach(labels::add);
        description(description);
        set("_options_labels", labels);
        set("disabled", false);
        set("value", toJson(check(value)));
    }

    /** The first option is chosen. */
    public Dropdown(String description, List<String> options) {
        this(description, options, options.isEmpty() ? null : options.get(0));
    }

    public List<String> options() {
        return options;
    }

    /** The position of the chosen label among the options. */
    public int index() {
        return options.indexOf(value());
    }

    @Override
    protected JsonObject toWire(WidgetProtocol protocol, JsonObject attributes) {
        if (protocol == WidgetProtocol.V1 || !attributes.has("value")) {
            return attributes;
        }
        JsonObject wire = attributes.deepCopy();
        wire.addProperty("index", options.indexOf(wire.remove("value").getAsString()));
        return wire;
    }

    @Override
    protected JsonObject fromWire(WidgetProtocol protocol, JsonObject attributes) {
        if (protocol == WidgetProtocol.V1 || !attributes.has("index")) {
            return attributes;
        }
        JsonObject kept = attributes.deepCopy();
        JsonElement index = kept.remove("index");
        if (!index.isJsonPrimitive()
                || !index.getAsJsonPrimitive().isNumber()
                || index.getAsDouble() != Math.rint(index.getAsDouble())
                || index.getAsInt() < 0
                || index.getAsInt() >= options.size()) {
            throw new IllegalArgumentException("Dropdown: no option at index " + index + " of " + options);
        }
        kept.addProperty("value", options.get(index.getAsInt()));
        return kept;
    }

    @Override
    protected JsonElement toJson(String value) {
        return new JsonPrimitive(value);
    }

    @Override
    protected String fromJson(JsonElement json) {
        if (!json.isJsonPrimitive()) {
            throw new IllegalArgumentException("Dropdown: not a label: " + json);
        }
        return json.getAsString();
    }

    @Override
    protected String check(String value) {
        if (!options.contains(value)) {
            throw new IllegalArgumentException("Dropdown: '" + value + "' is not one of " + options);
        }
        return value;
    }
}
