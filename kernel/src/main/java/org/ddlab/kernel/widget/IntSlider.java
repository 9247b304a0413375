package org.ddlab.kernel.widget;

import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;

/** A slider over whole numbers from min to max. */
public final class IntSlider extends ValueWidget<Integer> {

    private final int min;
    private final int max;

    public IntSlider(String description, int min, int max, int value) {
        super("IntSliderModel", "IntSliderView");
        if (min > max) {
            throw new IllegalArgumentException("IntSlider: min " + min + " > max " + max);
        }
        this.min = min;
        this.max = max;
        description(description);
        set("min", min);
        set("max", max);
        set("step", 1);
        set("orientation", "horizontal");
        set("readout", true);
        set("readout_format", "d");
        set("_range", false);
        set("disabled", false);
        // The value goes to the kernel when the handle is let go, not at every pixel of a drag: each
        // change runs the listeners, and a drag would queue one run per pixel.
        set("continuous_update", false);
        set("value", toJson(check(value)));
    }

    public IntSlider step(int step) {
        if (step <= 0) {
            throw new IllegalArgumentException("IntSlider: step must be positive, got " + step);
        }
        set("step", step);
        return this;
    }

    /** Sends every value passed during a drag, not only the one where the handle is let go. */
    public IntSlider continuousUpdate(boolean continuous) {
        set("continuous_update", continuous);
        return this;
    }

    public int min() {
        return min;
    }

    public int max() {
        return max;
    }

    @Override
    protected JsonElement toJson(Integer value) {
        return new JsonPrimitive(value);
    }

    @Override
    protected Integer fromJson(JsonElement json) {
        try {
            return (int) Math.round(json.getAsDouble());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("IntSlider: not a number: " + json);
        }
    }

    @Override
    protected Integer check(Integer value) {
        return Math.max(min, Math.min(max, value));
    }
}
