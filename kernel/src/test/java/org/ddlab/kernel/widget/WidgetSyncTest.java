package org.ddlab.kernel.widget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The widget messages of protocol versions 1 and 2 and state sync both ways, over a transport that records. */
class WidgetSyncTest {

    RecordingTransport wire;
    WidgetRegistry registry;

    @BeforeEach
    void connect() {
        wire = new RecordingTransport();
        registry = new WidgetRegistry(wire);
        WidgetRegistry.install(registry);
    }

    @AfterEach
    void disconnect() {
        WidgetRegistry.install(new WidgetRegistry(null));
    }

    static JsonObject json(String s) {
        return JsonParser.parseString(s).getAsJsonObject();
    }

    /** What the frontend sends when the student changes the model (version 1's framing). */
    static JsonObject backbone(String syncData) {
        return json("{\"method\": \"backbone\", \"sync_data\": " + syncData + "}");
    }

    JsonObject lastUpdate(Widget w) {
        List<RecordingTransport.Sent> msgs = wire.of("comm_msg").stream()
                .filter(s -> s.commId().equals(w.id())
                        && s.data().get("method").getAsString().equals("update"))
                .toList();
        return msgs.isEmpty() ? null : msgs.get(msgs.size() - 1).data().getAsJsonObject("state");
    }

    @Test
    void showingOpensTheModelWithItsStateThenAsksForAView() {
        IntSlider s = new IntSlider("steps", 0, 10, 3);
        assertTrue(wire.sent.isEmpty(), "a widget nobody shows sends nothing");

        DisplayData bundle = s.shown();

        assertEquals(2, wire.sent.size());
        RecordingTransport.Sent open = wire.sent.get(0);
        assertEquals("comm_open", open.type());
        assertEquals("jupyter.widget", open.target());
        assertEquals(s.id(), open.commId());
        JsonObject d = open.data();
        assertEquals("IntSliderModel", d.get("_model_name").getAsString());
        assertEquals("IntSliderView", d.get("_view_name").getAsString());
        assertEquals("jupyter-js-widgets", d.get("_model_module").getAsString());
        assertEquals("~2.1.4", d.get("_model_module_version").getAsString());
        assertEquals("jupyter-js-widgets", d.get("_view_module").getAsString());
        assertEquals(3, d.get("value").getAsInt());
        assertEquals(0, d.get("min").getAsInt());
        assertEquals(10, d.get("max").getAsInt());
        assertEquals("steps", d.get("description").getAsString());
        // The same state under "state", for nbclient.
        JsonObject nested = d.getAsJsonObject("state");
        assertEquals(3, nested.get("value").getAsInt());
        assertEquals("IntSliderModel", nested.get("_model_name").getAsString());

        RecordingTransport.Sent display = wire.sent.get(1);
        assertEquals("comm_msg", display.type());
        assertEquals(s.id(), display.commId());
        assertEquals("display", display.data().get("method").getAsString());

        Object view = bundle.getData(MIMEType.parse(WidgetProtocol.VIEW_MIME));
        assertEquals(Map.of("model_id", s.id(), "version_major", 1, "version_minor", 0), view);
        assertNull(bundle.getData(MIMEType.TEXT_PLAIN), "the classic notebook would print text beside the control");

        s.shown();
        assertEquals(1, wire.of("comm_open").size(), "a second display opens no second model");
    }

    /** A version-2 manager (JupyterLab's, ipywidgets 8) opens the control comm; from then on messages are version 2's. */
    @Test
    void aVersion2ManagerGetsIpywidgets8ModulesFramingAndDropdownIndex() {
        assertEquals(WidgetProtocol.V1, registry.protocol(), "version 1 until a manager says otherwise");
        registry.controlOpened();
        assertEquals(WidgetProtocol.V2, registry.protocol());
        assertTrue(registry.managerPresent());
        IntSlider slider = new IntSlider("n", 0, 10, 3);
        Dropdown method = new Dropdown("method", List.of("dc", "dm", "frepo"));
        Output out = new Output();
        Box box = Box.vertical(slider, method, out);
        DisplayData bundle = box.shown();

        List<RecordingTransport.Sent> opens = wire.of("comm_open");
        assertEquals(
                List.of(slider.id(), method.id(), out.id(), box.id()),
                opens.stream().map(RecordingTransport.Sent::commId).toList(),
                "children before the box");
        for (RecordingTransport.Sent o : opens) {
            assertEquals(Map.of("version", "2.1.0"), o.metadata(), "ipywidgets 8's managers refuse a model without it");
            assertEquals(new JsonArray(), o.data().get("buffer_paths"));
            assertEquals(
                    List.of("buffer_paths", "state"),
                    o.data().keySet().stream().sorted().toList());
            assertFalse(o.data().getAsJsonObject("state").has("msg_throttle"), "version 1's attribute");
        }
        JsonObject sliderState = opens.get(0).data().getAsJsonObject("state");
        assertEquals(
                "@jupyter-widgets/controls", sliderState.get("_model_module").getAsString());
        assertEquals("2.0.0", sliderState.get("_model_module_version").getAsString());
        assertEquals(
                "@jupyter-widgets/controls", sliderState.get("_view_module").getAsString());
        assertEquals("2.0.0", sliderState.get("_view_module_version").getAsString());
        assertEquals(3, sliderState.get("value").getAsInt());
        JsonObject dropdownState = opens.get(1).data().getAsJsonObject("state");
        assertEquals(0, dropdownState.get("index").getAsInt());
        assertFalse(dropdownState.has("value"), "version 2 syncs the position, not the label");
        assertEquals(List.of("dc", "dm", "frepo"), labels(dropdownState));
        JsonObject outState = opens.get(2).data().getAsJsonObject("state");
        assertEquals("@jupyter-widgets/output", outState.get("_model_module").getAsString());
        assertEquals("1.0.0", outState.get("_model_module_version").getAsString());
        assertEquals("@jupyter-widgets/output", outState.get("_view_module").getAsString());
        assertTrue(wire.of("comm_msg").isEmpty(), "no display message: the view bundle shows the model");
        assertEquals(
                Map.of("model_id", box.id(), "version_major", 2, "version_minor", 0),
                bundle.getData(MIMEType.parse(WidgetProtocol.VIEW_MIME)));

        // The browser picks by position; the kernel keeps the label and does not echo it back.
        registry.receive(
                method.id(), json("{\"method\": \"update\", \"state\": {\"index\": 2}, \"buffer_paths\": []}"));
        assertEquals("frepo", method.value());
        assertNull(lastUpdate(method));
        // Java picks by label; the browser gets the position, in version 2's framing.
        method.value("dm");
        assertEquals(json("{\"index\": 1}"), lastUpdate(method));
        RecordingTransport.Sent update =
                wire.of("comm_msg").get(wire.of("comm_msg").size() - 1);
        assertEquals(new JsonArray(), update.data().get("buffer_paths"));
        assertFalse(update.data().has("buffers"));
        // A position that is no option changes nothing (the error goes to the request's output).
        PrintStream err = System.err;
        System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            registry.receive(method.id(), json("{\"method\": \"update\", \"state\": {\"index\": 3}}"));
            registry.receive(method.id(), json("{\"method\": \"update\", \"state\": {\"index\": 1.5}}"));
        } finally {
            System.setErr(err);
        }
        assertEquals("dm", method.value());

        // The control comm's request_states: every open model, its module beside its state.
        JsonObject states = registry.controlMessage(json("{\"method\": \"request_states\"}"));
        assertEquals("update_states", states.get("method").getAsString());
        assertEquals(new JsonArray(), states.get("buffer_paths"));
        JsonObject all = states.getAsJsonObject("states");
        assertEquals(4, all.size());
        JsonObject entry = all.getAsJsonObject(method.id());
        assertEquals("DropdownModel", entry.get("model_name").getAsString());
        assertEquals("@jupyter-widgets/controls", entry.get("model_module").getAsString());
        assertEquals("2.0.0", entry.get("model_module_version").getAsString());
        assertEquals(1, entry.getAsJsonObject("state").get("index").getAsInt());
        assertEquals(
                "@jupyter-widgets/output",
                all.getAsJsonObject(out.id()).get("model_module").getAsString());
        assertNull(registry.controlMessage(json("{\"method\": \"something_else\"}")));
    }

    private static List<String> labels(JsonObject state) {
        List<String> l = new ArrayList<>();
        state.getAsJsonArray("_options_labels").forEach(e -> l.add(e.getAsString()));
        return l;
    }

    @Test
    void settingTheValueInJavaUpdatesTheBrowserOnce() {
        IntSlider s = new IntSlider("n", 0, 10, 3);
        List<Integer> heard = new ArrayList<>();
        s.onChange(heard::add);
        s.shown();
        int before = wire.sent.size();

        s.value(5);
        assertEquals(json("{\"value\": 5}"), lastUpdate(s));
        assertEquals(before + 1, wire.sent.size());
        s.value(5);
        assertEquals(before + 1, wire.sent.size(), "an unchanged value sends nothing");
        s.value(99);
        assertEquals(10, s.value(), "clamped to max");
        assertEquals(json("{\"value\": 10}"), lastUpdate(s));
        assertEquals(List.of(5, 10), heard);
    }

    @Test
    void aChangeInTheBrowserSetsTheJavaValueAndRunsTheListenerWithoutEcho() {
        IntSlider s = new IntSlider("n", 0, 10, 3);
        List<Integer> heard = new ArrayList<>();
        s.onChange(heard::add);
        s.shown();
        int before = wire.sent.size();

        assertTrue(registry.receive(s.id(), backbone("{\"value\": 7}")));

        assertEquals(7, s.value());
        assertEquals(List.of(7), heard);
        assertEquals(before, wire.sent.size(), "the browser's own value is not sent back");
    }

    @Test
    void aListenerThatMovesTheValueAwayAndBackReachesTheBrowserBothTimes() {
        IntSlider s = new IntSlider("n", 0, 10, 3);
        // A listener that first shows 9, then puts back what the browser sent: the browser must end on 7.
        boolean[] once = {true};
        s.onChange(v -> {
            if (v == 7 && once[0]) {
                once[0] = false;
                s.value(9);
                s.value(7);
            }
        });
        s.shown();
        registry.receive(s.id(), backbone("{\"value\": 7}"));
        assertEquals(7, s.value());
        assertEquals(json("{\"value\": 7}"), lastUpdate(s), "the browser last saw 9; 7 must be sent again");
    }

    @Test
    void anOutputAreaKeepsWhatVersion2SaysItShows() {
        registry.controlOpened();
        Output out = new Output();
        out.shown();
        JsonObject opened = wire.of("comm_open").get(0).data().getAsJsonObject("state");
        assertEquals(new JsonArray(), opened.get("outputs"));
        JsonObject shown = json("{\"output_type\": \"stream\", \"name\": \"stdout\", \"text\": \"loss 0.1\\n\"}");
        JsonArray outputs = new JsonArray();
        outputs.add(shown);
        JsonObject update = new JsonObject();
        update.addProperty("method", "update");
        JsonObject state = new JsonObject();
        state.add("outputs", outputs);
        update.add("state", state);
        int before = wire.sent.size();
        registry.receive(out.id(), update);
        assertEquals(before, wire.sent.size(), "not echoed");
        JsonObject fetched = registry.controlMessage(json("{\"method\": \"request_states\"}"))
                .getAsJsonObject("states")
                .getAsJsonObject(out.id())
                .getAsJsonObject("state");
        assertEquals(outputs, fetched.get("outputs"), "a reloaded page gets the area's content back");
        assertFalse(out.wireState(WidgetProtocol.V1).has("outputs"), "version 1's output model has none");
    }

    @Test
    void theInitialProtocolIsNamedByTheEnvironment() {
        assertEquals(WidgetProtocol.V1, WidgetProtocol.parse(null));
        assertEquals(WidgetProtocol.V1, WidgetProtocol.parse(" "));
        assertEquals(WidgetProtocol.V1, WidgetProtocol.parse("1"));
        assertEquals(WidgetProtocol.V2, WidgetProtocol.parse(" 2 "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WidgetProtocol.parse("8"));
        assertTrue(
                e.getMessage().startsWith("DDLAB_WIDGET_PROTOCOL='8' is not a widget protocol version"),
                e.getMessage());
        WidgetRegistry lab = new WidgetRegistry(wire, WidgetProtocol.V2);
        assertEquals(WidgetProtocol.V2, lab.protocol());
        lab.versionOpened();
        assertEquals(WidgetProtocol.V1, lab.protocol(), "the frontend that connects last decides");
    }

    @Test
    void protocolTwoFramingIsReadToo() {
        FloatSlider f = new FloatSlider("lr", 0.0, 1.0, 0.5);
        f.shown();
        registry.receive(f.id(), json("{\"method\": \"update\", \"state\": {\"value\": 0.25}, \"buffer_paths\": []}"));
        assertEquals(0.25, f.value());
    }

    @Test
    void aValueOutOfRangeFromTheBrowserIsClampedAndTheClampedValueSentBack() {
        FloatSlider f = new FloatSlider("lr", 0.0, 1.0, 0.5);
        f.shown();
        registry.receive(f.id(), backbone("{\"value\": 3.5}"));
        assertEquals(1.0, f.value());
        assertEquals(json("{\"value\": 1.0}"), lastUpdate(f));
    }

    @Test
    void aListenerThatSetsAnotherWidgetUpdatesThatWidgetInTheBrowser() {
        IntSlider a = new IntSlider("a", 0, 10, 0);
        IntSlider b = new IntSlider("b", 0, 20, 0);
        a.onChange(v -> b.value(2 * v));
        Box.vertical(a, b).shown();
        registry.receive(a.id(), backbone("{\"value\": 4}"));
        assertEquals(8, b.value());
        assertEquals(json("{\"value\": 8}"), lastUpdate(b));
        assertNull(lastUpdate(a));
    }

    @Test
    void requestStateSendsTheWholeState() {
        Checkbox c = new Checkbox("augment", true);
        c.shown();
        registry.receive(c.id(), json("{\"method\": \"request_state\"}"));
        JsonObject state = lastUpdate(c);
        assertEquals(true, state.get("value").getAsBoolean());
        assertEquals("CheckboxModel", state.get("_model_name").getAsString());
        assertEquals("augment", state.get("description").getAsString());
    }

    @Test
    void checkboxAndDropdownTakeTheBrowsersValues() {
        Checkbox c = new Checkbox("augment", false);
        Dropdown d = new Dropdown("method", List.of("dc", "dm", "frepo"), "dm");
        List<String> chosen = new ArrayList<>();
        d.onChange(chosen::add);
        Box.horizontal(c, d).shown();
        RecordingTransport.Sent dOpen = wire.of("comm_open").stream()
                .filter(s -> s.commId().equals(d.id()))
                .findFirst()
                .orElseThrow();
        assertEquals(
                json("{\"a\": [\"dc\", \"dm\", \"frepo\"]}").get("a"),
                dOpen.data().get("_options_labels"));
        assertEquals("dm", dOpen.data().get("value").getAsString());

        registry.receive(c.id(), backbone("{\"value\": true}"));
        registry.receive(d.id(), backbone("{\"value\": \"frepo\"}"));
        assertTrue(c.value());
        assertEquals("frepo", d.value());
        assertEquals(2, d.index());
        assertEquals(List.of("frepo"), chosen);
    }

    @Test
    void aLabelTheDropdownDoesNotHaveIsRefusedAndTheKernelGoesOn() {
        Dropdown d = new Dropdown("method", List.of("dc", "dm"));
        d.shown();
        PrintStream err = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertTrue(registry.receive(d.id(), backbone("{\"value\": \"mtt\"}")));
        } finally {
            System.setErr(err);
        }
        assertEquals("dc", d.value());
        assertTrue(buf.toString(StandardCharsets.UTF_8).contains("'mtt' is not one of [dc, dm]"), buf.toString());
        assertThrows(IllegalArgumentException.class, () -> d.value("mtt"));
    }

    @Test
    void aClickRunsTheButtonsListeners() {
        Button b = new Button("distil");
        int[] clicks = {0};
        b.onClick(() -> clicks[0]++);
        b.shown();
        registry.receive(b.id(), json("{\"method\": \"custom\", \"content\": {\"event\": \"click\"}}"));
        registry.receive(b.id(), json("{\"method\": \"custom\", \"content\": {\"event\": \"hover\"}}"));
        assertEquals(1, clicks[0]);
        assertFalse(registry.receive(
                "no-such-comm", json("{\"method\": \"custom\", \"content\": {\"event\": \"click\"}}")));
    }

    @Test
    void aBoxOpensItsChildrenFirstAndRefersToThem() {
        IntSlider s = new IntSlider("n", 0, 10, 3);
        Button b = new Button("go");
        Box box = Box.horizontal(s, b);
        box.shown();
        List<RecordingTransport.Sent> opens = wire.of("comm_open");
        assertEquals(
                List.of(s.id(), b.id(), box.id()),
                opens.stream().map(RecordingTransport.Sent::commId).toList());
        JsonObject boxState = opens.get(2).data();
        assertEquals("HBoxModel", boxState.get("_model_name").getAsString());
        JsonArray children = boxState.getAsJsonArray("children");
        assertEquals("IPY_MODEL_" + s.id(), children.get(0).getAsString());
        assertEquals("IPY_MODEL_" + b.id(), children.get(1).getAsString());
    }

    @Test
    void anOutputTakesTheRequestsOutputWhileItsCodeRuns() {
        registry.versionAnswered(json("{\"validated\": true, \"frontend_version\": \"2.1.4\"}"));
        Output out = new Output();
        out.shown();
        wire.sent.clear();
        wire.parent = "comm-msg-42";
        List<Integer> sizeWhileRunning = new ArrayList<>();

        out.replace(() -> sizeWhileRunning.add(wire.sent.size()));

        assertEquals(List.of(2), sizeWhileRunning, "msg_id and clear_output go out before the code's output");
        assertEquals(3, wire.sent.size());
        assertEquals(
                json("{\"msg_id\": \"comm-msg-42\"}"), wire.sent.get(0).data().getAsJsonObject("state"));
        assertEquals("clear_output", wire.sent.get(1).type());
        assertTrue(wire.sent.get(1).data().get("wait").getAsBoolean());
        assertEquals(json("{\"msg_id\": \"\"}"), wire.sent.get(2).data().getAsJsonObject("state"));
        assertTrue(wire.flushes >= 2, "printed text is flushed before the routing ends");
    }

    @Test
    void withoutAWidgetManagerAnOutputLeavesOutputInTheCell() {
        Output out = new Output();
        out.shown();
        wire.sent.clear();
        boolean[] ran = {false};
        out.replace(() -> ran[0] = true);
        assertTrue(ran[0]);
        assertTrue(wire.sent.isEmpty(), "nbconvert has no widget manager: no routing, no clear_output");
    }

    @Test
    void aManagerThatRejectsTheVersionIsNotTrusted() {
        registry.versionAnswered(json("{\"validated\": false, \"frontend_version\": \"7.0.0\"}"));
        assertFalse(registry.managerPresent());
        assertEquals(json("{\"version\": \"~2.1.4\"}"), registry.versionOpened());
    }

    @Test
    void withoutATransportWidgetsWorkInJavaAlone() {
        WidgetRegistry.install(new WidgetRegistry(null));
        IntSlider s = new IntSlider("n", 0, 10, 3);
        int[] heard = {0};
        s.onChange(v -> heard[0] = v);
        s.shown();
        s.value(4);
        Output out = new Output();
        boolean[] ran = {false};
        out.replace(() -> ran[0] = true);
        assertEquals(4, heard[0]);
        assertTrue(ran[0]);
    }

    @Test
    void theFrontendCannotRenameTheModelNorChangeTheRange() {
        IntSlider s = new IntSlider("n", 0, 10, 3);
        s.shown();
        registry.receive(
                s.id(), backbone("{\"_model_name\": \"Evil\", \"description\": \"x\", \"max\": 100, \"value\": 40}"));
        assertEquals("IntSliderModel", s.stateSnapshot().get("_model_name").getAsString());
        assertEquals("n", s.stateSnapshot().get("description").getAsString());
        assertEquals(10, s.stateSnapshot().get("max").getAsInt());
        assertEquals(10, s.value(), "clamped to the kernel's range, not the one the message claims");
    }

    @Test
    void binaryAttributesNamedByTheFrameAreNotApplied() {
        IntSlider s = new IntSlider("n", 0, 10, 3);
        s.shown();
        registry.receive(
                s.id(),
                json("{\"method\": \"backbone\", \"sync_data\": {\"value\": 6}, \"buffer_keys\": [\"value\"]}"));
        assertEquals(3, s.value());
    }

    @Test
    void closingSendsCommCloseAndStopsUpdates() {
        IntSlider s = new IntSlider("n", 0, 10, 3);
        s.shown();
        s.close();
        int n = wire.sent.size();
        assertEquals("comm_close", wire.sent.get(n - 1).type());
        s.value(6);
        assertEquals(n, wire.sent.size());
        assertFalse(registry.receive(s.id(), backbone("{\"value\": 1}")));
    }
}
