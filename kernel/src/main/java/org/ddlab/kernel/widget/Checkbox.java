package org.ddlab.kernel.widget;

import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;

/** A box to tick: true or false. */
public final class Checkbox extends ValueWidget<Boolean> {

    public Checkbox(String description, boolean value) {
        super("CheckboxModel", "CheckboxView");
        description(description);
        set("disabled", false);
        set("value", value);
    }

    @Override
    protected JsonElement toJson(Boolean value) {
        return new JsonPrimitive(value);
    }

    @Override
    protected Boolean fromJson(JsonElement json) {
        if (!json.isJsonPrimitive() || !json.getAsJsonPrimitive().isBoolean()) {
            throw new IllegalArgumentException("Checkbox: not true or false: " + json);
        }
        return json.getAsBoolean();
    }

    @Override
    protected Boolean check(Boolean value) {
        if (value == null) {
            throw new IllegalArgumentException("Checkbox: value must be true or false, not null");
        }
        return value;
    }
}
