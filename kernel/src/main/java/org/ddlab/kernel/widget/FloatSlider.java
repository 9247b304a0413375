package org.ddlab.kernel.widget;

import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;

/** A slider over real numbers from min to max in steps (0.1 unless set). */
public final class FloatSlider extends ValueWidget<Double> {

    private final double min;
    private final double max;

    public FloatSlider(String description, double min, double max, double value) {
        super("FloatSliderModel", "FloatSliderView");
        if (!(min <= max) || !Double.isFinite(min) || !Double.isFinite(max)) {
            throw new IllegalArgumentException("FloatSlider: need finite min <= max, got " + min + ", " + max);
        }
        this.min = min;
        this.max = max;
        description(description);
        set("min", min);
        set("max", max);
        set("step", 0.1);
        set("orientation", "horizontal");
        set("readout", true);
        set("readout_format", ".2f");
        set("_range", false);
        set("disabled", false);
        // As IntSlider: one change, one run of the listeners, when the handle is let go.
        set("continuous_update", false);
        set("value", toJson(check(value)));
    }

    public FloatSlider step(double step) {
        if (!(step > 0)) {
            throw new IllegalArgumentException("FloatSlider: step must be positive, got " + step);
        }
        set("step", step);
        return this;
    }

    /** The readout's format, Python's format mini-language as d3-format reads it (".2f", ".1e"). */
    public FloatSlider readoutFormat(String format) {
        set("readout_format", format);
        return this;
    }

    public FloatSlider continuousUpdate(boolean continuous) {
        set("continuous_update", continuous);
        return this;
    }

    @Override
    protected JsonElement toJson(Double value) {
        return new JsonPrimitive(value);
    }

    @Override
    protected Double fromJson(JsonElement json) {
        try {
            return json.getAsDouble();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("FloatSlider: not a number: " + json);
        }
    }

    @Override
    protected Double check(Double value) {
        if (value == null || value.isNaN()) {
            throw new IllegalArgumentException("FloatSlider: value must be a number, got " + value);
        }
        return Math.max(min, Math.min(max, value));
    }
}
