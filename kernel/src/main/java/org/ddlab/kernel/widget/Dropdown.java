package org.ddlab.kernel.widget;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;
import java.util.HashSet;
import java.util.List;

/**
 * A choice of one of a few labels. Protocol version 1 syncs the chosen label itself (and the labels
 * as {@code _options_labels}), so the labels must differ from each other.
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
