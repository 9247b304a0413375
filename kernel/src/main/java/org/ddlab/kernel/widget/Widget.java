package org.ddlab.kernel.widget;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.List;
import java.util.UUID;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;

/**
 * A widget model: JSON state mirrored in the frontend over one comm. Changing an attribute in Java
 * sends an update; the frontend's change arrives through {@link #receive}, where each subclass checks
 * and applies it. The comm opens when the widget is first shown (or put in a shown box), so a
 * widget nobody shows never touches the wire.
 */
public abstract class Widget {

    private final WidgetRegistry registry;
    private final String id = UUID.randomUUID().toString().replace("-", "");
    private final String modelName;
    private final JsonObject state = new JsonObject();
    private boolean opened;
    /** The attributes the frontend is setting now: applying them must not echo them back. */
    private JsonObject fromFrontend = new JsonObject();

    protected Widget(String modelName, String viewName) {
        this.registry = WidgetRegistry.current();
        this.modelName = modelName;
        // Modules and their versions depend on the protocol the frontend speaks: added on the wire (WidgetProtocol).
        state.addProperty("_model_name", modelName);
        state.addProperty("_view_name", viewName);
        state.add("_dom_classes", new JsonArray());
    }

    /** The comm id, which is the model id a view names. */
    public final String id() {
        return id;
    }

    final WidgetRegistry registry() {
        return registry;
    }

    final synchronized JsonObject stateSnapshot() {
        return state.deepCopy();
    }

    /** The whole state as the protocol puts it on the wire. */
    final synchronized JsonObject wireState(WidgetProtocol protocol) {
        return protocol.wireState(modelName, toWire(protocol, state.deepCopy()));
    }

    /**
     * Some of the kernel's attributes as the protocol syncs them; by default as they are. A widget
     * whose synced attributes differ between versions (a Dropdown) translates them here and in
     * {@link #fromWire}.
     */
    protected JsonObject toWire(WidgetProtocol protocol, JsonObject attributes) {
        return attributes;
    }

    /** Attributes the frontend set, as the kernel keeps them; by default as they are. */
    protected JsonObject fromWire(WidgetProtocol protocol, JsonObject attributes) {
        return attributes;
    }

    protected final synchronized JsonElement get(String key) {
        return state.get(key);
    }

    /** Sets an attribute; an open widget tells the frontend, unless the frontend itself just set this value. */
    protected final synchronized void set(String key, JsonElement value) {
        JsonElement old = state.get(key);
        state.add(key, value);
        if (opened && !value.equals(old) && !value.equals(fromFrontend.get(key))) {
            JsonObject change = new JsonObject();
            change.add(key, value);
            registry.sendUpdate(this, change);
            // The browser shows this value now, not the one it sent: setting that one again must reach it.
            fromFrontend.remove(key);
        }
    }

    protected final void set(String key, String value) {
        set(key, new JsonPrimitive(value));
    }

    protected final void set(String key, Number value) {
        set(key, new JsonPrimitive(value));
    }

    protected final void set(String key, boolean value) {
        set(key, new JsonPrimitive(value));
    }

    /** The widgets this one shows inside itself: they open before it, so the frontend knows them when it unpacks the references. */
    protected List<Widget> children() {
        return List.of();
    }

    /** Opens the comm (children first) if a transport exists and it is not open yet. */
    final void open() {
        synchronized (this) {
            if (opened || !registry.online()) {
                return;
            }
        }
        for (Widget c : children()) {
            c.open();
        }
        synchronized (this) {
            if (!opened) {
                registry.open(this);
                opened = true;
            }
        }
    }

    final synchronized boolean isOpen() {
        return opened;
    }

    final synchronized void forget() {
        opened = false;
    }

    /** Closes the comm: the frontend removes every view of the widget. */
    public final void close() {
        synchronized (this) {
            if (!opened) {
                return;
            }
            opened = false;
        }
        registry.close(this);
    }

    /**
     * The widget's display bundle: a view of its model. No text/plain: the classic notebook with the
     * version-1 extension has no renderer for the view type and would print the text beside the control.
     */
    public final DisplayData view() {
        open();
        DisplayData d = new DisplayData();
        d.putData(WidgetProtocol.VIEW_MIME, registry.protocol().view(id));
        return d;
    }

    /**
     * Opens the widget, asks the classic notebook (version 1) to show a view of it in the current cell,
     * and returns the view bundle, which is all a version-2 manager needs.
     */
    public final DisplayData shown() {
        DisplayData d = view();
        if (registry.protocol().sendsDisplayMessage()) {
            registry.send(this, WidgetProtocol.displayMessage());
        }
        return d;
    }

    final void receive(WidgetProtocol.Incoming in) {
        switch (in.method()) {
            case SET_STATE -> {
                JsonObject changed = fromWire(registry.protocol(), in.state());
                synchronized (this) {
                    fromFrontend = changed;
                }
                try {
                    for (String key : changed.keySet()) {
                        // Model and view names belong to the kernel's class: the frontend cannot change them.
                        if (!key.startsWith("_") && get(key) != null) {
                            accept(key, changed.get(key));
                        }
                    }
                } finally {
                    synchronized (this) {
                        fromFrontend = new JsonObject();
                    }
                }
            }
            case REQUEST_STATE -> registry.sendState(this);
            case CUSTOM -> custom(in.content());
            case UNKNOWN ->
                System.err.println("ddlab widgets: unknown method '" + in.name() + "' for "
                        + getClass().getSimpleName());
        }
    }

    /** The frontend sets an attribute: by default it is taken as it is; value widgets check and convert. */
    protected void accept(String key, JsonElement value) {
        set(key, value);
    }

    /** A custom message from the frontend (a button's click). */
    protected void custom(JsonElement content) {}

    @Override
    public String toString() {
        JsonElement d = get("description");
        return getClass().getSimpleName()
                + (d != null && !d.getAsString().isEmpty() ? "(" + d.getAsString() + ")" : "");
    }
}
