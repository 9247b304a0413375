package org.ddlab.kernel.widget;

import com.google.gson.JsonElement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A button; its click listeners run on the kernel when the student presses it. */
public final class Button extends Widget {

    private final List<Runnable> clickListeners = new CopyOnWriteArrayList<>();

    public Button(String description) {
        super("ButtonModel", "ButtonView");
        set("description", description == null ? "" : description);
        set("tooltip", "");
        set("disabled", false);
        set("icon", "");
        set("button_style", "");
    }

    public Button onClick(Runnable listener) {
        clickListeners.add(listener);
        return this;
    }

    /** Does what a press in the browser does: runs the click listeners. */
    public void click() {
        for (Runnable r : clickListeners) {
            r.run();
        }
    }

    public Button disabled(boolean disabled) {
        set("disabled", disabled);
        return this;
    }

    @Override
    protected void accept(String key, JsonElement value) {
        // A button's view sends no state; its clicks come as custom messages.
    }

    /** The view reports a press as the custom message {@code {"event": "click"}}. */
    @Override
    protected void custom(JsonElement content) {
        if (content != null && content.isJsonObject()) {
            JsonElement event = content.getAsJsonObject().get("event");
            if (event != null && event.isJsonPrimitive() && event.getAsString().equals("click")) {
                click();
            }
        }
    }
}
