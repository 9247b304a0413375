package org.ddlab.kernel;

import com.google.gson.JsonObject;
import java.util.Map;
import java.util.function.Function;
import org.ddlab.kernel.widget.CommTransport;
import org.ddlab.kernel.widget.WidgetProtocol;
import org.ddlab.kernel.widget.WidgetRegistry;
import org.dflib.jjava.jupyter.channels.ReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.comm.Comm;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.MessageContext;
import org.dflib.jjava.jupyter.messages.comm.CommCloseCommand;
import org.dflib.jjava.jupyter.messages.comm.CommMsgCommand;
import org.dflib.jjava.jupyter.messages.comm.CommOpenCommand;
import org.dflib.jjava.jupyter.messages.publish.PublishClearOutput;

/**
 * jjava's comm manager as the widgets' transport. jjava opens a comm with empty data and no way to
 * add the widget's state, so {@link #open} builds the comm_open itself. Every message goes out as part
 * of the request being served: jjava points the manager at a cell's execute_request, and
 * {@link DdlabKernel} points it at the comm_msg whose callbacks run.
 */
final class KernelCommManager extends CommManager implements CommTransport {

    private final WidgetRegistry widgets = new WidgetRegistry(this, initialProtocol());

    KernelCommManager() {
        // The version-1 frontend's version check: it answers whether our expected version range fits it.
        registerTarget(WidgetProtocol.VERSION_TARGET, (manager, id, target, msg) -> {
            HandlerComm c = new HandlerComm(id, target, data -> {
                widgets.versionAnswered(data);
                return null;
            });
            c.send(widgets.versionOpened());
            return c;
        });
        // A version-2 manager's control comm: it asks for every model's state when it opens a notebook.
        registerTarget(WidgetProtocol.CONTROL_TARGET, (manager, id, target, msg) -> {
            widgets.controlOpened();
            return new HandlerComm(id, target, widgets::controlMessage);
        });
    }

    /** The protocol {@value WidgetProtocol#ENV} names; a wrong value is said once, and version 1 used. */
    private static WidgetProtocol initialProtocol() {
        try {
            return WidgetProtocol.parse(System.getenv(WidgetProtocol.ENV));
        } catch (IllegalArgumentException e) {
            System.err.println("ddlab widgets: " + e.getMessage() + "; speaking version 1");
            return WidgetProtocol.V1;
        }
    }

    WidgetRegistry widgets() {
        return widgets;
    }

    MessageContext messageContext() {
        return context;
    }

    @Override
    public void open(String commId, String target, JsonObject data, Map<String, Object> metadata) {
        if (iopub == null) {
            return;
        }
        Message<CommOpenCommand> open = new Message<>(
                context, CommOpenCommand.MESSAGE_TYPE, new CommOpenCommand(commId, target, data), null, metadata);
        registerComm(new WidgetComm(commId, target));
        iopub.sendMessage(open);
    }

    @Override
    public void send(String commId, JsonObject data) {
        if (iopub != null) {
            messageComm(commId, data);
        }
    }

    @Override
    public void close(String commId) {
        Comm c = getCommByID(commId);
        if (c != null && iopub != null) {
            closeComm(c);
        }
    }

    @Override
    public void clearOutput(boolean wait) {
        if (iopub != null) {
            iopub.sendMessage(new Message<>(
                    context,
                    PublishClearOutput.MESSAGE_TYPE,
                    wait ? PublishClearOutput.BEFORE_NEXT_OUTPUT : PublishClearOutput.NOW));
        }
    }

    @Override
    public String parentMessageId() {
        return context == null || context.getHeader() == null
                ? null
                : context.getHeader().getId();
    }

    @Override
    public void flushStreams() {
        System.out.flush();
        System.err.flush();
    }

    /** The frontend opens a comm (the version check): whatever the new comm sends answers that request. */
    @Override
    public void handleCommOpenCommand(ReplyEnvironment env, Message<CommOpenCommand> message) {
        MessageContext previous = context;
        setMessageContext(message);
        try {
            super.handleCommOpenCommand(env, message);
        } finally {
            setMessageContext(previous);
        }
    }

    /** Hands a frontend's comm_msg to its comm; the request it belongs to is the context of whatever the comm sends meanwhile. */
    void deliver(Message<CommMsgCommand> message) {
        MessageContext previous = context;
        setMessageContext(message);
        try {
            Comm c = getCommByID(message.getContent().getCommID());
            if (c instanceof WidgetComm w) {
                w.receive(message);
            } else if (c instanceof HandlerComm h) {
                h.receive(message);
            }
        } finally {
            setMessageContext(previous);
        }
    }

    /** A widget model's comm: messages go to the registry, a close from the frontend forgets the widget. */
    private final class WidgetComm extends Comm {
        WidgetComm(String id, String target) {
            super(KernelCommManager.this, id, target);
        }

        void receive(Message<CommMsgCommand> message) {
            onMessage(message);
        }

        @Override
        protected void onMessage(Message<CommMsgCommand> message) {
            widgets.receive(getID(), message.getContent().getData());
        }

        @Override
        protected void onClose(Message<CommCloseCommand> message, boolean sending) {
            if (!sending) {
                widgets.closedByFrontend(getID());
            }
        }
    }

    /** A comm of the widget machinery (not a model's): each message goes to a handler, whose answer, if any, it sends back. */
    private final class HandlerComm extends Comm {
        private final Function<JsonObject, JsonObject> handler;

        HandlerComm(String id, String target, Function<JsonObject, JsonObject> handler) {
            super(KernelCommManager.this, id, target);
            this.handler = handler;
        }

        void receive(Message<CommMsgCommand> message) {
            onMessage(message);
        }

        @Override
        protected void onMessage(Message<CommMsgCommand> message) {
            JsonObject reply = handler.apply(message.getContent().getData());
            if (reply != null) {
                send(reply);
            }
        }

        @Override
        protected void onClose(Message<CommCloseCommand> message, boolean sending) {}
    }
}
