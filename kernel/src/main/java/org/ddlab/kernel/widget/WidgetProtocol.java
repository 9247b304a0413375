package org.ddlab.kernel.widget;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The one place that says which Jupyter widget message protocol the kernel speaks: version 1 of
 * ipywidgets' packages/schema/messages.md, as ipywidgets 6.0 speaks it, because that is what Debian
 * bookworm's classic-notebook extension (jupyter-nbextension-jupyter-js-widgets 6.0.0, the frontend
 * jupyter-js-widgets 2.1.4) understands.
 *
 * <p>Version 2 (ipywidgets 7 and later, JupyterLab's widget manager) differs in more than framing:
 * its models live in other modules ({@code @jupyter-widgets/controls} 1.x, {@code @jupyter-widgets/base},
 * {@code @jupyter-widgets/output}) with other state (a Dropdown syncs {@code index}, not its label; a
 * description has its own style model), widgets show through the view bundle alone, and the frontend
 * syncs with {@code update}. No one set of messages serves both, so outgoing messages follow version 1.
 * Incoming state is read in either framing ({@code backbone}/{@code sync_data} and
 * {@code update}/{@code state}), which costs nothing.
 */
public final class WidgetProtocol {

    /** The widget message protocol's major version, as the view bundle announces it. */
    public static final int VERSION_MAJOR = 1;

    public static final int VERSION_MINOR = 0;

    /** The comm target of widget models. */
    public static final String TARGET = "jupyter.widget";

    /** The comm target the version-1 frontend opens to learn which frontend version the kernel expects. */
    public static final String VERSION_TARGET = "jupyter.widget.version";

    /** The JavaScript module of every model and view (controls, boxes and the output area alike). */
    public static final String MODULE = "jupyter-js-widgets";

    /** ipywidgets 6.0.0's {@code __frontend_version__}: the semver range of jupyter-js-widgets it expects. */
    public static final String MODULE_VERSION = "~2.1.4";

    /** The MIME type of a widget's view in a display_data bundle. */
    public static final String VIEW_MIME = "application/vnd.jupyter.widget-view+json";

    private WidgetProtocol() {}

    /**
     * The data of the comm_open that creates a model: version 1 sends the state itself. The same
     * state also goes under {@code "state"}, because nbclient (nbconvert's executor, Debian's 0.7)
     * reads {@code data["state"]} from every jupyter.widget comm_open and fails the cell without it;
     * the version-1 frontend keeps it as an unused attribute.
     */
    static JsonObject openData(JsonObject state) {
        JsonObject data = state.deepCopy();
        data.add("state", state.deepCopy());
        return data;
    }

    /** An update of some of a model's state, kernel to frontend (no binary attributes: none of ours has one). */
    static JsonObject update(JsonObject state) {
        JsonObject data = new JsonObject();
        data.addProperty("method", "update");
        data.add("state", state.deepCopy());
        data.add("buffers", new JsonArray());
        return data;
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

    /** The value of the view MIME type: which model the output shows. */
    static Map<String, Object> view(String modelId) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("model_id", modelId);
        v.put("version_major", VERSION_MAJOR);
        v.put("version_minor", VERSION_MINOR);
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
