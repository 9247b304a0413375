package org.ddlab.kernel.widget;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import java.util.List;

/** Lays widgets out in a row ({@link #horizontal}) or a column ({@link #vertical}). */
public final class Box extends Widget {

    private final List<Widget> children;

    private Box(String model, String view, Widget... children) {
        super(model, view);
        this.children = List.of(children);
        JsonArray refs = new JsonArray();
        // A model attribute that holds widgets holds references the frontend resolves to its models.
        for (Widget w : this.children) {
            refs.add("IPY_MODEL_" + w.id());
        }
        set("children", refs);
        set("box_style", "");
    }

    public static Box horizontal(Widget... children) {
        return new Box("HBoxModel", "HBoxView", children);
    }

    public static Box vertical(Widget... children) {
        return new Box("VBoxModel", "VBoxView", children);
    }

    @Override
    protected List<Widget> children() {
        return children;
    }

    @Override
    protected void accept(String key, JsonElement value) {
        // The layout is the kernel's; the view sends nothing to apply.
    }
}
