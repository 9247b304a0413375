package org.ddlab.kernel.widget;

/**
 * A place in the notebook where a callback's output goes: {@link #replace} runs code whose printing
 * and {@code display(...)} show inside this widget, in place of what it showed before.
 *
 * <p>Version 1 routes output by message: while the model's {@code msg_id} names a request, the
 * frontend puts every output of that request into this widget. So {@code replace} sets
 * {@code msg_id} to the request the kernel is serving (the cell, or the comm_msg whose callback runs),
 * sends clear_output, runs the code, and sets {@code msg_id} back to empty. Without a widget manager
 * (nbconvert, plain Java) nobody could show the widget: the code runs and its output stays in the cell.
 */
public final class Output extends Widget {

    public Output() {
        super("OutputModel", "OutputView");
        set("msg_id", "");
        set("outputs", new com.google.gson.JsonArray());
    }

    /** Runs the code; what it prints or displays replaces this area's content. */
    public void replace(Runnable code) {
        capture(true, code);
    }

    /** Runs the code; what it prints or displays goes below this area's content. */
    public void append(Runnable code) {
        capture(false, code);
    }

    /** Empties the area. */
    public void clear() {
        String parent = routedRequest();
        if (parent == null) {
            return;
        }
        route(parent, () -> registry().clearOutput(false));
    }

    private void capture(boolean clearFirst, Runnable code) {
        String parent = routedRequest();
        if (parent == null) {
            code.run();
            return;
        }
        route(parent, () -> {
            if (clearFirst) {
                // Cleared when the first new output arrives, so the area does not flicker empty.
                registry().clearOutput(true);
            }
            code.run();
        });
    }

    /** The request whose outputs this area may take over, or null when output stays where it is. */
    private String routedRequest() {
        WidgetRegistry r = registry();
        if (!isOpen() || !r.managerPresent()) {
            return null;
        }
        return r.parentMessageId();
    }

    private void route(String parent, Runnable body) {
        registry().flushStreams();
        set("msg_id", parent);
        try {
            body.run();
        } finally {
            registry().flushStreams();
            set("msg_id", "");
        }
    }

    /**
     * msg_id is the kernel's to set. Version 2's output area sends what it shows as {@code outputs} after
     * each output it takes; the kernel keeps it, so a manager that fetches every model's state (a page
     * reloaded in JupyterLab) gets the area back with its content.
     */
    @Override
    protected void accept(String key, com.google.gson.JsonElement value) {
        if (key.equals("outputs") && value.isJsonArray()) {
            set(key, value);
        }
    }

    /** Version 1's output model has no {@code outputs}. */
    @Override
    protected com.google.gson.JsonObject toWire(WidgetProtocol protocol, com.google.gson.JsonObject attributes) {
        if (protocol == WidgetProtocol.V1) {
            attributes.remove("outputs");
        }
        return attributes;
    }
}
