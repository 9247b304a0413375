package org.ddlab.kernel.widget;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The one place that says how the kernel's widgets look on the wire, in the two versions of ipywidgets'
 * message protocol (packages/schema/messages.md) that frontends speak:
 *
 * <ul>
 *   <li>{@link #V1}, as ipywidgets 6.0 speaks it: what Debian bookworm's classic-notebook extension
 *       (jupyter-nbextension-jupyter-js-widgets 6.0.0, the frontend jupyter-js-widgets 2.1.4) understands.
 *       Every model and view is in the module {@code jupyter-js-widgets}; the extension announces itself
 *       by opening the {@value #VERSION_TARGET} comm, and shows a model on a {@code display} message.
 *   <li>{@link #V2}, version 2.1.0 as ipywidgets 8 speaks it: what JupyterLab's widget manager (and the
 *       other ipywidgets-8 managers) understands. Models live in
 *       {@code @jupyter-widgets/controls} 2.0.0 and {@code @jupyter-widgets/output} 1.0.0; a comm_open
 *       carries the state under {@code state} and the protocol version in its metadata; a Dropdown syncs
 *       {@code index}, not its label; a model shows through the view bundle alone. The manager announces
 *       itself by opening the {@value #CONTROL_TARGET} comm, on which it asks for every model's state.
 * </ul>
 *
 * <p>No one set of messages serves both, so the kernel speaks version 1 (or the version {@value #ENV}
 * names) until a manager announces its own: the last to connect decides, one protocol per kernel.
 * Incoming state is read in either framing
 * ({@code backbone}/{@code sync_data} and {@code update}/{@code state}), which costs nothing.
 */
public enum WidgetProtocol {
    V1,
    V2;

    /** The comm target of widget models. */
    public static final String TARGET = "jupyter.widget";

    /** The comm target the version-1 frontend opens to learn which frontend version the kernel expects. */
    public static final String VERSION_TARGET = "jupyter.widget.version";

    /** The comm target a version-2 manager opens to fetch every model's state (ipywidgets 8's control comm). */
    public static final String CONTROL_TARGET = "jupyter.widget.control";

    /** Version 1's JavaScript module of every model and view (controls, boxes and the output area alike). */
    public static final String MODULE = "jupyter-js-widgets";

    /** ipywidgets 6.0.0's {@code __frontend_version__}: the semver range of jupyter-js-widgets it expects. */
    public static final String MODULE_VERSION = "~2.1.4";

    /** Version 2's module of the controls and boxes, and of the output area, with their model versions (ipywidgets 8). */
    static final String CONTROLS_MODULE = "@jupyter-widgets/controls";

    static final String CONTROLS_VERSION = "2.0.0";

    static final String OUTPUT_MODULE = "@jupyter-widgets/output";

    static final String OUTPUT_VERSION = "1.0.0";

    /** Version 2's protocol version, which a comm_open's metadata carries (ipywidgets 8's {@code __protocol_version__}). */
    static final String V2_PROTOCOL_VERSION = "2.1.0";

    /** The MIME type of a widget's view in a display_data bundle. */
    public static final String VIEW_MIME = "application/vnd.jupyter.widget-view+json";

    /** The environment variable that names the protocol the kernel speaks before a manager announces one. */
    public static final String ENV = "DDLAB_WIDGET_PROTOCOL";

    /**
     * The protocol {@value #ENV} names: "1" or "2", unset or blank: version 1, which Debian's classic
     * notebook needs. "2" serves a version-2 manager that opens no control comm when it connects.
     */
    public static WidgetProtocol parse(String name) {
        if (name == null || name.isBlank()) {
            return V1;
        }
        return switch (name.strip()) {
            case "1" -> V1;
            case "2" -> V2;
            default ->
                throw new IllegalArgumentException(ENV + "='" + name + "' is not a widget protocol version; use 1 (the "
                        + "classic notebook's) or 2 (ipywidgets 8's, JupyterLab's)");
        };
    }

    /** The protocol's major version, as the view bundle announces it. */
    public int major() {
        return this == V1 ? 1 : 2;
    }

    /**
     * A model's whole state as this version names it: the kernel's attributes plus the modules and
     * versions of its model and view. Version 1 also keeps {@code msg_throttle}, which its frontend reads.
     */
    JsonObject wireState(String modelName, JsonObject attributes) {
        JsonObject state = attributes.deepCopy();
        String module = this == V1 ? MODULE : modelName.equals("OutputModel") ? OUTPUT_MODULE : CONTROLS_MODULE;
        String version = this == V1 ? MODULE_VERSION : module.equals(OUTPUT_MODULE) ? OUTPUT_VERSION : CONTROLS_VERSION;
        state.addProperty("_model_module", module);
        state.addProperty("_model_module_version", version);
        state.addProperty("_view_module", module);
        state.addProperty("_view_module_version", version);
        if (this == V1) {
            state.addProperty("msg_throttle", 1);
        }
        return state;
    }

    /**
     * The data of the comm_open that creates a model. Version 1 sends the state itself, and the same
     * state under {@code "state"} too, because nbclient (nbconvert's executor, Debian's 0.7) reads
     * {@code data["state"]} from every jupyter.widget comm_open and fails the cell without it; the
     * version-1 frontend keeps it as an unused attribute. Version 2 sends {@code state} and
     * {@code buffer_paths}.
     */
    JsonObject openData(JsonObject state) {
        JsonObject data = this == V1 ? state.deepCopy() : new JsonObject();
        data.add("state", state.deepCopy());
        if (this == V2) {
            data.add("buffer_paths", new JsonArray());
        }
        return data;
    }

    /** The comm_open's metadata: version 2 names the protocol version there, and its managers refuse a model without it. */
    Map<String, Object> openMetadata() {
        return this == V1 ? Map.of() : Map.of("version", V2_PROTOCOL_VERSION);
    }

    /** An update of some of a model's state, kernel to frontend (no binary attributes: none of ours has one). */
    JsonObject update(JsonObject state) {
        JsonObject data = new JsonObject();
        data.addProperty("method", "update");
        data.add("state", state.deepCopy());
        data.add(this == V1 ? "buffers" : "buffer_paths", new JsonArray());
        return data;
    }

    /** Whether a model is shown by a {@code display} message on its comm (version 1) or by the view bundle alone. */
    boolean sendsDisplayMessage() {
        return this == V1;
    }

    /** Asks the classic notebook to show a view of the model in the cell whose request this message answers. */
    static JsonObject displayMessage() {
        JsonObject data = new JsonObject();
        data.addProperty("method", "display");
        return data;
    }

    /** The version-1 reply on the jupyter.widget.version comm. */
    static JsonObject versionMessage() {
        JsonObject data = new JsonObject();
        data.addProperty("version", MODULE_VERSION);
        return data;
    }

    /**
     * Version 2's answer to {@code request_states} on the control comm: every open model by id, with its
     * model name, module and version beside its state.
     */
    static JsonObject updateStates(Map<String, JsonObject> wireStates) {
        JsonObject states = new JsonObject();
        wireStates.forEach((id, state) -> {
            JsonObject entry = new JsonObject();
            entry.add("model_name", state.get("_model_name"));
            entry.add("model_module", state.get("_model_module"));
            entry.add("model_module_version", state.get("_model_module_version"));
            entry.add("state", state);
            states.add(id, entry);
        });
        JsonObject data = new JsonObject();
        data.addProperty("method", "update_states");
        data.add("states", states);
        data.add("buffer_paths", new JsonArray());
        return data;
    }

    /** The value of the view MIME type: which model the output shows. */
    Map<String, Object> view(String modelId) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("model_id", modelId);
        v.put("version_major", major());
        v.put("version_minor", 0);
        return v;
    }

    /** What a frontend's comm_msg on a widget's comm asks for. */
    enum Method {
        SET_STATE,
        REQUEST_STATE,
        CUSTOM,
        UNKNOWN
    }

    /** A message from the frontend: its method, the state it sets (JSON attributes only) and a custom message's content. */
    record Incoming(Method method, String name, JsonObject state, JsonElement content) {}

    /** Reads a comm_msg's data in either protocol's framing. */
    static Incoming read(JsonObject data) {
        String method = data.has("method") ? data.get("method").getAsString() : "";
        return switch (method) {
            case "backbone" ->
                new Incoming(
                        Method.SET_STATE,
                        method,
                        withoutBuffers(obj(data, "sync_data"), data.get("buffer_keys")),
                        null);
            case "update" ->
                new Incoming(
                        Method.SET_STATE, method, withoutBuffers(obj(data, "state"), data.get("buffer_paths")), null);
            case "request_state" -> new Incoming(Method.REQUEST_STATE, method, new JsonObject(), null);
            case "custom" -> new Incoming(Method.CUSTOM, method, new JsonObject(), data.get("content"));
            default -> new Incoming(Method.UNKNOWN, method, new JsonObject(), null);
        };
    }

    private static JsonObject obj(JsonObject data, String key) {
        JsonElement e = data.get(key);
        return e != null && e.isJsonObject() ? e.getAsJsonObject().deepCopy() : new JsonObject();
    }

    /**
     * Drops the attributes whose values travel as binary buffers (version 1 names them in
     * {@code buffer_keys}, version 2 gives their paths in {@code buffer_paths}): none of these
     * widgets has a binary attribute, so such a value can only be a mistake and is not applied.
     */
    private static JsonObject withoutBuffers(JsonObject state, JsonElement keys) {
        if (keys == null || !keys.isJsonArray()) {
            return state;
        }
        Set<String> binary = new HashSet<>();
        for (JsonElement k : keys.getAsJsonArray()) {
            if (k.isJsonPrimitive()) {
                binary.add(k.getAsString());
            } else if (k.isJsonArray() && !k.getAsJsonArray().isEmpty()) {
                binary.add(k.getAsJsonArray().get(0).getAsString());
            }
        }
        binary.forEach(state::remove);
        return state;
    }
}
