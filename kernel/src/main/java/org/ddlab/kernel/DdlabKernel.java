package org.ddlab.kernel;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.ddlab.kernel.eval.EvaluationInterruptedException;
import org.ddlab.kernel.eval.JShellEvaluator;
import org.ddlab.kernel.eval.KernelException;
import org.ddlab.kernel.render.Renderers;
import org.ddlab.kernel.widget.Widget;
import org.ddlab.kernel.widget.WidgetRegistry;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.HelpLink;
import org.dflib.jjava.jupyter.kernel.JupyterIO;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.dflib.jjava.jupyter.kernel.history.HistoryEntry;
import org.dflib.jjava.jupyter.kernel.history.HistoryManager;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;
import org.dflib.jjava.jupyter.kernel.util.TextColor;
import org.dflib.jjava.jupyter.messages.Header;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.MessageType;
import org.dflib.jjava.jupyter.messages.comm.CommMsgCommand;
import org.dflib.jjava.jupyter.messages.reply.KernelInfoReply;
import org.dflib.jjava.jupyter.messages.request.HistoryRequest;
import org.dflib.jjava.jupyter.messages.request.KernelInfoRequest;

/**
 * The Jupyter side of the ddlab kernel: jjava's {@link BaseKernel} does the messaging, a
 * {@link JShellEvaluator} runs the cells.
 *
 * <p>JShell is started on a background thread as soon as the kernel object exists, so the
 * kernel answers kernel_info at once and the first cell waits only for what is left of it.
 */
public final class DdlabKernel extends BaseKernel {

    public static final String NAME = "ddlab";

    private final CompletableFuture<JShellEvaluator> evaluator;
    private final KernelCommManager comms;

    public DdlabKernel() {
        this(CompletableFuture.supplyAsync(JShellEvaluator::new, DdlabKernel::daemon));
    }

    /** With a ready evaluator (tests). */
    public DdlabKernel(JShellEvaluator evaluator) {
        this(CompletableFuture.completedFuture(evaluator));
    }

    private DdlabKernel(CompletableFuture<JShellEvaluator> evaluator) {
        this(evaluator, new KernelCommManager());
    }

    private DdlabKernel(CompletableFuture<JShellEvaluator> evaluator, KernelCommManager comms) {
        super(
                NAME,
                version(),
                languageInfo(),
                List.of(
                        new HelpLink("ddlab README", "https://github.com/ddlab/ddlab#readme"),
                        new HelpLink("DJL documentation", "https://docs.djl.ai/"),
                        new HelpLink(
                                "DJL NDArray API",
                                "https://javadoc.io/doc/ai.djl/api/latest/ai/djl/ndarray/NDArray.html"),
                        new HelpLink(
                                "Java API",
                                "https://docs.oracle.com/en/java/javase/"
                                        + Runtime.version().feature() + "/docs/api/")),
                new InMemoryHistory(),
                new KernelIO(),
                comms,
                Renderers.registerAll(new Renderer()),
                null,
                null,
                false,
                new StringStyler.Builder()
                        .addPrimaryStyle(TextColor.BOLD_RED_FG)
                        .addSecondaryStyle(TextColor.RED_FG)
                        .addHighlightStyle(TextColor.BOLD_BLACK_FG)
                        .build());
        this.evaluator = evaluator;
        this.comms = comms;
        // Widgets made in cells send their comms through this kernel.
        WidgetRegistry.install(comms.widgets());
    }

    /** jjava's IO, whose attachment to a request's reply environment a comm_msg needs as an execute_request has it. */
    private static final class KernelIO extends JupyterIO {
        KernelIO() {
            super(StandardCharsets.UTF_8);
        }

        void attach(ShellReplyEnvironment env) {
            setEnv(env);
        }

        void detach(ShellReplyEnvironment env) {
            retractEnv(env);
        }
    }

    private static void daemon(Runnable r) {
        Thread t = new Thread(r, "ddlab-jshell-start");
        t.setDaemon(true);
        t.start();
    }

    static String version() {
        String v = DdlabKernel.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }

    static LanguageInfo languageInfo() {
        return new LanguageInfo.Builder("java")
                .version(Runtime.version().toString())
                .mimetype("text/x-java-source")
                .fileExtension(".jshell")
                .pygments("java")
                .codemirror("text/x-java")
                .build();
    }

    /** Waits for JShell's start; an error starting it becomes the error of the cell. */
    public JShellEvaluator evaluator() {
        try {
            return evaluator.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KernelException("interrupted while JShell was starting");
        } catch (ExecutionException e) {
            throw new KernelException("JShell failed to start: " + e.getCause());
        }
    }

    @Override
    public String getBanner() {
        return "ddlab — Java " + Runtime.version() + " (JShell) with DJL, Tablesaw and JFreeChart\n"
                + "Magics: %classpath, %jars, %maven, %load, %time, %%time. Notebook API: display, render, updateDisplay.";
    }

    /** A widget as a cell's value is shown as {@code display(widget)} shows it (a widget has no execute_result form). */
    @Override
    public Object evalRaw(String source) {
        Object value = evaluator().eval(source);
        if (value instanceof Widget w) {
            Notebook.display(w);
            return null;
        }
        return value;
    }

    @Override
    public void becomeHandlerForConnection(JupyterConnection connection) {
        super.becomeHandlerForConnection(connection);
        connection.setHandler(CommMsgCommand.MESSAGE_TYPE, this::handleCommMsg);
    }

    /**
     * A comm_msg from the frontend: a widget's change or click, whose listeners are notebook code.
     * It is served as a cell is: busy/idle around it, and what the listeners print or display goes
     * out as this request's output (the classic notebook shows it with the widget, JupyterLab in its log
     * console, and an {@link org.ddlab.kernel.widget.Output} that takes this request's output shows it
     * in place). An error in a listener, an Error included, is printed there and the kernel goes on. Cells and comm messages
     * arrive on the one shell thread, which waits for the listeners, so a listener never runs beside
     * a cell; they run as a cell runs, so the interrupt button stops a long one.
     */
    private void handleCommMsg(ShellReplyEnvironment env, Message<CommMsgCommand> message) {
        env.setBusyDeferIdle();
        replaceOutputStreams(env);
        KernelIO kio = (KernelIO) io;
        kio.attach(env);
        env.defer(() -> kio.detach(env));
        try {
            evaluator().runListener(() -> comms.deliver(message));
        } catch (EvaluationInterruptedException e) {
            System.err.println(e.getMessage());
        } catch (
                Throwable e) { // NOPMD - an Error in a listener (a StackOverflowError, say) must not end the shell loop
            e.printStackTrace(System.err);
        } finally {
            System.out.flush();
            System.err.flush();
        }
    }

    /** Empties the output area of the request being served (see {@link Notebook#clearOutput}). */
    void clearOutput() {
        System.out.flush();
        System.err.flush();
        comms.clearOutput(false);
    }

    /** Adds history keeping to {@link BaseKernel#eval}: the cell and the text of its result. */
    @Override
    public DisplayData eval(String code) {
        int count = executionCount.get() - 1;
        String output = "";
        try {
            DisplayData out = super.eval(code);
            if (out != null && out.hasDataForType(MIMEType.TEXT_PLAIN)) {
                output = String.valueOf(out.getData(MIMEType.TEXT_PLAIN));
            }
            return out;
        } catch (RuntimeException e) {
            output = e.getClass().getSimpleName() + ": " + e.getMessage();
            throw e;
        } finally {
            // Output without a trailing newline is still in the line buffer: send it while the
            // reply environment is attached (the deferred clean-up detaches it first).
            System.out.flush();
            System.err.flush();
            ((InMemoryHistory) historyManager).add(count, code, output);
        }
    }

    /**
     * Runs on the control channel's thread, while the shell thread is inside the synchronized
     * handleExecuteRequest: so this must not synchronize on the kernel, and it does not.
     */
    @Override
    public void interrupt() {
        if (evaluator.isDone() && !evaluator.isCompletedExceptionally()) {
            evaluator.join().interrupt();
        }
    }

    @Override
    public List<String> formatError(Throwable e) {
        if (e instanceof KernelException ke) {
            List<String> lines = new ArrayList<>();
            List<String> tb = ke.traceback();
            for (int i = 0; i < tb.size(); i++) {
                lines.add(i == 0 ? errorStyler.primary(tb.get(i)) : errorStyler.secondary(tb.get(i)));
            }
            return lines;
        }
        return super.formatError(e);
    }

    /** As jjava's, but line-buffered (see {@link LineBufferedStream}); what is left is flushed when the cell ends. */
    @Override
    protected void replaceOutputStreams(ShellReplyEnvironment env) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        InputStream oldIn = System.in;
        PrintStream out = new PrintStream(new LineBufferedStream(io.out), false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new LineBufferedStream(io.err), false, StandardCharsets.UTF_8);
        System.setOut(out);
        System.setErr(err);
        System.setIn(io.in);
        env.defer(() -> {
            out.flush();
            err.flush();
            System.setOut(oldOut);
            System.setErr(oldErr);
            System.setIn(oldIn);
        });
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        String doc = evaluator().inspect(code, at);
        return doc == null ? null : new DisplayData(doc);
    }

    @Override
    public ReplacementOptions complete(String code, int at) {
        JShellEvaluator.Completion c = evaluator().complete(code, at);
        return new ReplacementOptions(c.matches(), c.start(), c.end());
    }

    @Override
    public String isComplete(String code) {
        return evaluator().isComplete(code);
    }

    /** jjava's reply lacks {@code "status": "ok"}, which the protocol (and jupyter_kernel_test) require. */
    static final class KernelInfoReplyWithStatus extends KernelInfoReply {
        @SuppressWarnings("unused") // serialised by Gson
        private final String status = "ok";

        KernelInfoReplyWithStatus(
                String protocolVersion,
                String implementation,
                String implementationVersion,
                LanguageInfo languageInfo,
                String banner,
                List<HelpLink> helpLinks) {
            super(protocolVersion, implementation, implementationVersion, languageInfo, banner, helpLinks);
        }
    }

    @Override
    protected void handleKernelInfoRequest(ShellReplyEnvironment env, Message<KernelInfoRequest> request) {
        env.setBusyDeferIdle();
        KernelInfoReply reply = new KernelInfoReplyWithStatus(
                Header.PROTOCOL_VERISON, NAME, getVersion(), getLanguageInfo(), getBanner(), getHelpLinks());
        env.reply(reply);
    }

    /**
     * The history_reply content. jjava's own HistoryReply lacks {@code "status"} and its entries
     * go out as JSON objects (its tuple adapter is only registered for reading), so we build
     * the {@code [session, line, input]} / {@code [session, line, [input, output]]} tuples here.
     */
    record HistoryReplyContent(String status, List<List<Object>> history) {
        static HistoryReplyContent of(List<HistoryEntry> entries) {
            List<List<Object>> tuples = new ArrayList<>();
            for (HistoryEntry e : entries) {
                tuples.add(List.of(
                        e.getSession(),
                        e.getCellNumber(),
                        e.hasOutput() ? List.of(e.getInput(), e.getOutput()) : e.getInput()));
            }
            return new HistoryReplyContent("ok", tuples);
        }
    }

    @Override
    protected void handleHistoryRequest(ShellReplyEnvironment env, Message<HistoryRequest> message) {
        HistoryRequest request = message.getContent();
        env.setBusyDeferIdle();
        Set<HistoryManager.ResultFlag> flags = EnumSet.noneOf(HistoryManager.ResultFlag.class);
        if (request.includeOutput()) {
            flags.add(HistoryManager.ResultFlag.INCLUDE_OUTPUT);
        }
        if (!request.useRaw()) {
            flags.add(HistoryManager.ResultFlag.TRANSFORMED_INPUT);
        }
        List<HistoryEntry> entries = switch (request.getAccessType()) {
            case TAIL -> historyManager.lookupTail(((HistoryRequest.Tail) request).getMaxReturnLength(), flags);
            case RANGE -> {
                HistoryRequest.Range r = (HistoryRequest.Range) request;
                yield historyManager.lookupRange(r.getSessionIndex(), r.getStart(), r.getStop(), flags);
            }
            case SEARCH -> {
                HistoryRequest.Search r = (HistoryRequest.Search) request;
                if (r.filterUnique()) {
                    flags.add(HistoryManager.ResultFlag.UNIQUE);
                }
                yield historyManager.search(r.getPattern(), r.getMaxReturnLength(), flags);
            }
        };
        @SuppressWarnings({"unchecked", "rawtypes"})
        Message<?> reply = new Message(
                message, MessageType.HISTORY_REPLY, HistoryReplyContent.of(entries == null ? List.of() : entries));
        env.reply(reply);
    }

    @Override
    public void onShutdown(boolean isRestarting) {
        super.onShutdown(isRestarting);
        if (evaluator.isDone() && !evaluator.isCompletedExceptionally()) {
            evaluator.join().close();
        }
    }
}
