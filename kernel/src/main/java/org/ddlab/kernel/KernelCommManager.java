package org.ddlab.kernel;

import com.google.gson.JsonObject;
import java.util.Map;
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
        registerTarget(WidgetProtocol.VERSION_TARGET, (manager, id, target, msg) -> {
            VersionComm c = new VersionComm(id, target);
            c.send(widgets.versionOpened());
            return c;
        });
        registerTarget(WidgetProtocol.CONTROL_TARGET, (manager, id, target, msg) -> {
            widgets.controlOpened();
            return new ControlComm(id, target);
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
            } else if (c instanceof VersionComm v) {
                v.receive(message);
            } else if (c instanceof ControlComm k) {
                k.receive(message);
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

    /** The version-1 frontend's version check: it answers whether our expected version range fits it. */
    private final class VersionComm extends Comm {
        VersionComm(String id, String target) {
            super(KernelCommManager.this, id, target);
        }

        void receive(Message<CommMsgCommand> message) {
            onMessage(message);
        }

        @Override
        protected void onMessage(Message<CommMsgCommand> message) {
            widgets.versionAnswered(message.getContent().getData());
        }

        @Override
        protected void onClose(Message<CommCloseCommand> message, boolean sending) {}
    }

    /** A version-2 manager's control comm: it asks for every model's state when it opens a notebook. */
    private final class ControlComm extends Comm {
        ControlComm(String id, String target) {
            super(KernelCommManager.this, id, target);
        }

        void receive(Message<CommMsgCommand> message) {
            onMessage(message);
        }

        @Override
        protected void onMessage(Message<CommMsgCommand> message) {
            JsonObject reply = widgets.controlMessage(message.getContent().getData());
            if (reply != null) {
                send(reply);
            }
        }

        @Override
        protected void onClose(Message<CommCloseCommand> message, boolean sending) {}
    }
}
