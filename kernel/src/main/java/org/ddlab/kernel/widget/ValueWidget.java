package org.ddlab.kernel.widget;

import com.google.gson.JsonElement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A control with a value the student changes: the value lives in the synced attribute
 * {@code "value"}, listeners hear every change (from Java or from the browser), and a value from the
 * browser is checked as one from Java is (a slider clamps it to its range and sends the clamped value back).
 */
public abstract class ValueWidget<T> extends Widget {

    private final List<Consumer<? super T>> listeners = new CopyOnWriteArrayList<>();

    protected ValueWidget(String modelName, String viewName) {
        super(modelName, viewName);
    }

    /** The value's JSON form in the model. */
    protected abstract JsonElement toJson(T value);

    /** The value a JSON attribute holds; throws IllegalArgumentException for one that cannot be this widget's. */
    protected abstract T fromJson(JsonElement json);

    /** The value as the widget keeps it (clamped, rounded), or IllegalArgumentException. */
    protected abstract T check(T value);

    public final T value() {
        return fromJson(get("value"));
    }

    /** Sets the value; when it changes, the browser shows it and the listeners run. */
    public final void value(T value) {
        T checked = check(value);
        JsonElement json = toJson(checked);
        if (json.equals(get("value"))) {
            return;
        }
        set("value", json);
        for (Consumer<? super T> l : listeners) {
            l.accept(checked);
        }
    }

    /** Runs the listener with the new value after every change. */
    public final void onChange(Consumer<? super T> listener) {
        listeners.add(listener);
    }

    /** The browser sets the value only: range, step and label are the kernel's, and the Java checks rely on them. */
    @Override
    protected void accept(String key, JsonElement json) {
        if (key.equals("value")) {
            value(fromJson(json));
        }
    }

    protected final void description(String text) {
        set("description", text == null ? "" : text);
    }

    /** Greys the control out (or not). */
    public void disabled(boolean disabled) {
        set("disabled", disabled);
    }

    @Override
    public String toString() {
        return super.toString() + " = " + value();
    }
}
