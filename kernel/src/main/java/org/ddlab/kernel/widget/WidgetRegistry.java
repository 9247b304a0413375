package org.ddlab.kernel.widget;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.ddlab.kernel.eval.EvaluationInterruptedException;

/**
 * The kernel's side of the widget comms: which widgets are open, where a frontend's message for a
 * comm goes, and whether a widget manager is there at all. One registry serves the kernel; widgets
 * made in a cell find it through {@link #current()}. Without a transport (plain Java, a test of
 * something else) widgets keep their state in Java and send nothing.
 */
public final class WidgetRegistry {

    private static volatile WidgetRegistry current = new WidgetRegistry(null);

    private final CommTransport transport;
    private final Map<String, Widget> open = new ConcurrentHashMap<>();
    private volatile boolean managerPresent;
    /** The protocol the frontend speaks: the initial one until a manager announces its own. */
    private volatile WidgetProtocol protocol;

    public WidgetRegistry(CommTransport transport) {
        this(transport, WidgetProtocol.V1);
    }

    /** A registry that speaks {@code initial} until a frontend's widget manager announces its protocol. */
    public WidgetRegistry(CommTransport transport, WidgetProtocol initial) {
        this.transport = transport;
        this.protocol = initial;
    }

    /** The registry widgets made now join. */
    public static WidgetRegistry current() {
        return current;
    }

    /** Makes the registry the one new widgets join (the kernel at start; tests around each case). */
    public static void install(WidgetRegistry registry) {
        current = registry;
    }

    boolean online() {
        return transport != null;
    }

    /** The protocol messages follow now (see {@link WidgetProtocol}). */
    public WidgetProtocol protocol() {
        return protocol;
    }

    /**
     * True once a widget manager made itself known: the classic notebook's extension answers on the
     * {@value WidgetProtocol#VERSION_TARGET} comm, a version-2 manager opens the
     * {@value WidgetProtocol#CONTROL_TARGET} comm, both when they connect to the kernel; nbconvert's
     * executor does neither. An {@link Output} redirects text into itself only when someone is there to show it.
     */
    public boolean managerPresent() {
        return managerPresent;
    }

    void open(Widget w) {
        open.put(w.id(), w);
        WidgetProtocol p = protocol;
        transport.open(w.id(), WidgetProtocol.TARGET, p.openData(w.wireState(p)), p.openMetadata());
    }

    /** Sends a change of some of a widget's attributes, as the protocol syncs them. */
    void sendUpdate(Widget w, JsonObject change) {
        WidgetProtocol p = protocol;
        send(w, p.update(w.toWire(p, change)));
    }

    /** Sends a widget's whole state (the answer to a frontend's request_state), in one protocol throughout. */
    void sendState(Widget w) {
        WidgetProtocol p = protocol;
        send(w, p.update(w.wireState(p)));
    }

    void send(Widget w, JsonObject data) {
        if (transport != null && open.containsKey(w.id())) {
            transport.send(w.id(), data);
        }
    }

    void close(Widget w) {
        if (open.remove(w.id()) != null) {
            transport.close(w.id());
        }
    }

    String parentMessageId() {
        return transport == null ? null : transport.parentMessageId();
    }

    void clearOutput(boolean wait) {
        transport.clearOutput(wait);
    }

    void flushStreams() {
        if (transport != null) {
            transport.flushStreams();
        }
    }

    /** The open widget with the comm id, or null. */
    public Widget widget(String commId) {
        return open.get(commId);
    }

    /**
     * A comm_msg from the frontend on a widget's comm. A callback that throws is the notebook
     * user's mistake, not the kernel's: its trace goes to the output of the request (the cell that
     * shows the widget), and the kernel goes on.
     *
     * @return false when no open widget has the comm id
     */
    public boolean receive(String commId, JsonObject data) {
        Widget w = open.get(commId);
        if (w == null) {
            return false;
        }
        try {
            w.receive(WidgetProtocol.read(data));
        } catch (RuntimeException e) {
            if (EvaluationInterruptedException.isStop(e)) {
                throw e; // the interrupt button, wrapped by the listener's own code: a stop, not an error
            }
            e.printStackTrace(System.err);
        }
        return true;
    }

    /** The frontend closed the comm: the model is gone, nothing more is sent for it. */
    public void closedByFrontend(String commId) {
        Widget w = open.remove(commId);
        if (w != null) {
            w.forget();
        }
    }

    /** What the kernel sends when the frontend opens the version comm: the frontend version it expects. */
    public JsonObject versionOpened() {
        protocol = WidgetProtocol.V1;
        return WidgetProtocol.versionMessage();
    }

    /** A version-2 manager opened its control comm: from now on the kernel speaks version 2. */
    public void controlOpened() {
        protocol = WidgetProtocol.V2;
        managerPresent = true;
    }

    /**
     * A message on the control comm. {@code request_states} (the manager restoring the models of a
     * notebook it opens) is answered with every open model's state; returns null for anything else.
     */
    public JsonObject controlMessage(JsonObject data) {
        JsonElement method = data.get("method");
        if (method == null || !method.isJsonPrimitive() || !method.getAsString().equals("request_states")) {
            System.err.println("ddlab widgets: unknown control message " + data);
            return null;
        }
        Map<String, JsonObject> states = new LinkedHashMap<>();
        open.forEach((id, w) -> states.put(id, w.wireState(WidgetProtocol.V2)));
        return WidgetProtocol.updateStates(states);
    }

    /** The frontend's answer on the version comm: {@code {"validated": bool, "frontend_version": ...}}. */
    public void versionAnswered(JsonObject data) {
        JsonElement v = data.get("validated");
        managerPresent = v != null && v.isJsonPrimitive() && v.getAsBoolean();
        if (!managerPresent) {
            JsonElement fv = data.get("frontend_version");
            System.err.println("ddlab widgets: the notebook's widget extension "
                    + (fv == null ? "" : fv.getAsString() + " ") + "does not satisfy "
                    + WidgetProtocol.MODULE + " " + WidgetProtocol.MODULE_VERSION);
        }
    }
}
