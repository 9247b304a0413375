package org.ddlab.kernel;

import java.io.IOException;
import java.nio.channels.Selector;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.channels.ShellChannel;
import org.dflib.jjava.jupyter.channels.ShellHandler;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.publish.PublishStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZMQ;

/**
 * jjava's connection with request loops that wake when a request arrives. jjava's shell and control
 * loops poll their socket without waiting and then sleep 50 ms whatever they found, so a request waits
 * up to 50 ms before the kernel sees it — in a cell's round trip, most of what is not JShell's compiling.
 * Here each of the two channels has a thread that blocks in a ZeroMQ poll of its socket and hands each
 * request to the handler registered for its type, as jjava's loop does. Control keeps its own thread,
 * so an interrupt arrives while a cell runs.
 *
 * <p>Heartbeat, stdin and IOPub are jjava's own: only the shell and control sockets are bound here,
 * and jjava's {@link #close} still closes every socket and the ZeroMQ context.
 */
final class BlockingJupyterConnection extends JupyterConnection {

    private static final Logger LOG = LoggerFactory.getLogger(BlockingJupyterConnection.class);

    /** How long a loop with no request waits before it looks whether the connection was closed. */
    static final long STOP_CHECK_MS = 100;

    /** How long {@link #close} waits for a loop to end before closing its socket anyway. */
    static final long STOP_WAIT_MS = 1000;

    private final KernelConnectionProperties props;
    private RequestLoop shellLoop;
    private RequestLoop controlLoop;
    private boolean closed;

    BlockingJupyterConnection(KernelConnectionProperties props) throws NoSuchAlgorithmException, InvalidKeyException {
        super(props);
        this.props = props;
    }

    @Override
    public synchronized void connect() {
        if (shellLoop != null || closed) {
            return;
        }
        heartbeat.bind(props);
        shellLoop = new RequestLoop("shell", shell, props.getShellPort());
        controlLoop = new RequestLoop("control", control, props.getControlPort());
        stdin.bind(props);
        iopub.bind(props);
        shellLoop.start();
        controlLoop.start();
        getIOPub().sendMessage(new Message<>(null, PublishStatus.MESSAGE_TYPE, PublishStatus.STARTING));
    }

    /**
     * Stops both loops, then jjava closes every socket and the ZeroMQ context; once, whoever calls it first. A
     * ZeroMQ socket belongs to one thread, so a loop waiting in its poll is let end before its socket is closed
     * (it looks every {@link #STOP_CHECK_MS}); a loop inside a long handler — a running cell — is not waited for
     * beyond {@link #STOP_WAIT_MS}: its socket closes under it and the reply it then sends is dropped.
     */
    @Override
    public void close() {
        RequestLoop s;
        RequestLoop c;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            s = shellLoop;
            c = controlLoop;
            if (s != null) {
                s.running = false;
                c.running = false;
            }
        }
        if (s != null) {
            awaitEnd(s);
            awaitEnd(c);
        }
        super.close();
    }

    /** Waits up to {@link #STOP_WAIT_MS} for a loop other than the caller's to end. */
    private static void awaitEnd(RequestLoop loop) {
        if (loop == Thread.currentThread()) {
            return;
        }
        try {
            loop.join(STOP_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void waitUntilClose() {
        RequestLoop s;
        RequestLoop c;
        synchronized (this) {
            s = shellLoop;
            c = controlLoop;
        }
        try {
            if (s != null) {
                s.join();
                c.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        super.waitUntilClose();
    }

    /** What jjava's shell loop does with one request: its handler, in a reply environment whose deferrals run after it. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private void dispatch(ShellChannel channel, Message message) {
        ShellHandler handler = getHandler(message.getHeader().getType());
        if (handler == null) {
            LOG.warn("Unhandled message: {}", message.getHeader().getType().getName());
            return;
        }
        ShellReplyEnvironment env = prepareReplyEnv(channel, message);
        try {
            handler.handle(env, message);
        } catch (Exception e) {
            LOG.warn(
                    "Unhandled exception handling {}: {}",
                    message.getHeader().getType().getName(),
                    e.toString());
        } finally {
            env.resolveDeferrals();
        }
        if (env.isMarkedForShutdown()) {
            close();
        }
    }

    /** One channel's thread: blocks until a request is readable (or {@link #STOP_CHECK_MS} passed), then handles it. */
    private final class RequestLoop extends Thread {

        private final ShellChannel channel;
        volatile boolean running = true;

        RequestLoop(String name, ShellChannel channel, int port) {
            super("ddlab-" + name);
            this.channel = channel;
            // jjava's address format (JupyterSocket.formatAddress), without starting jjava's sleeping loop.
            channel.bind(props.getTransport() + "://" + props.getIp() + ":" + port);
        }

        @Override
        public void run() {
            try (Selector selector = Selector.open()) {
                ZMQ.PollItem[] items = {new ZMQ.PollItem(channel, ZMQ.Poller.POLLIN)};
                while (running) {
                    if (!waitForRequest(selector, items)) {
                        continue;
                    }
                    Message<?> message;
                    try {
                        message = channel.readMessage();
                    } catch (RuntimeException e) {
                        // A message that does not parse or whose signature is wrong: drop it, keep serving.
                        if (running) {
                            LOG.warn("{}: unreadable message dropped: {}", getName(), e.toString());
                        }
                        continue;
                    }
                    if (message == null) {
                        continue;
                    }
                    try {
                        dispatch(channel, message);
                    } catch (RuntimeException e) {
                        // A reply that cannot be sent (the connection closed under a long cell) or a failing deferral.
                        if (running) {
                            LOG.warn(
                                    "{}: handling {} failed: {}",
                                    getName(),
                                    message.getHeader().getType().getName(),
                                    e.toString());
                        }
                    }
                }
            } catch (IOException e) {
                LOG.error("{}: no selector for the ZeroMQ poll", getName(), e);
            }
        }

        /** True when a request is readable; false on time-out, or once the socket is closed under the poll. */
        private boolean waitForRequest(Selector selector, ZMQ.PollItem[] items) {
            try {
                return ZMQ.poll(selector, items, STOP_CHECK_MS) > 0 && items[0].isReadable();
            } catch (RuntimeException e) {
                if (running) {
                    LOG.error("{}: polling the socket failed, the channel stops", getName(), e);
                    running = false;
                }
                return false;
            }
        }
    }
}
