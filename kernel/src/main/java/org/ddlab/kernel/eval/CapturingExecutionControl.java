package org.ddlab.kernel.eval;

import java.lang.reflect.Field;
import jdk.jshell.execution.LocalExecutionControl;

/**
 * JShell's in-process execution engine, extended just enough to hand back the Java object a
 * snippet produced (JShell's public API only gives its {@code toString()}).
 *
 * <p>We keep {@link LocalExecutionControl}'s own {@code invoke}: since JDK 22 it weaves stop
 * checks into every loop of snippet code and runs the snippet on its own thread, which is what
 * makes {@code jshell.stop()} work on JDK 25 where {@code Thread.stop} is gone. We only record
 * which wrapper class ran last, so the value of an expression's temporary variable
 * ({@code $1}, a static field of that class) can be read back by reflection.
 */
final class CapturingExecutionControl extends LocalExecutionControl {

    /** The class whose static flag JShell's stop checks read (LocalExecutionControl's, loaded at the first cell). */
    private static final String CANCEL_CLASS = "REPL.$Cancel$";

    private volatile String lastInvokedClass;

    /** The thread running {@link #runAsUserCode}'s code, or null. */
    private volatile Thread listenerThread;

    /**
     * The default loader delegate: a class loader for snippets (and %classpath additions) whose
     * parent is the system class loader, parent first, so cells and renderers share classes.
     */
    CapturingExecutionControl() {
        super();
    }

    @Override
    public String invoke(String className, String methodName)
            throws RunException, EngineTerminationException, InternalException {
        lastInvokedClass = className;
        return super.invoke(className, methodName);
    }

    /**
     * Runs notebook code that the kernel calls between cells (a widget's listener) as JShell runs a
     * cell, so that {@link #stop} stops it as it stops a cell: user code is marked as running (else
     * {@code stop} does nothing), the stop flag that JShell's woven checks read is cleared, and the
     * code runs on a thread of its own, which {@code stop} interrupts — a blocking call ends, and the
     * caller's thread (the kernel's shell loop, whose sockets an interrupt would close) is never
     * interrupted. The caller waits for it, so a listener never runs beside a cell.
     *
     * <p>Order matters for an interrupt that comes while the listener starts: the flag is cleared and
     * the thread named before user code is marked as running, so a stop from then on both sets the
     * flag and interrupts the thread (an interrupt before {@code start} is kept).
     *
     * @return false when {@code stop} stopped the code, true when it ran to its end
     * @throws RuntimeException or Error: what the code threw, rethrown on the caller's thread
     */
    boolean runAsUserCode(Runnable code) {
        Throwable[] thrown = new Throwable[1];
        Thread t = new Thread(
                () -> {
                    try {
                        code.run();
                    } catch (Throwable e) { // NOPMD - handed to the caller's thread below
                        thrown[0] = e;
                    }
                },
                "ddlab listener");
        clearStopFlag();
        listenerThread = t;
        clientCodeEnter();
        boolean interrupted = false;
        try {
            t.start();
            // Waits for the end whatever happens to this thread: the listener must never run beside a cell.
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            clientCodeLeave();
            listenerThread = null;
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (EvaluationInterruptedException.isStop(thrown[0])) {
            return false;
        }
        if (thrown[0] instanceof RuntimeException e) {
            throw e;
        }
        if (thrown[0] instanceof Error e) {
            throw e;
        }
        return true;
    }

    private void clearStopFlag() {
        try {
            Field allStop = findClass(CANCEL_CLASS).getDeclaredField("allStop");
            allStop.set(null, false);
        } catch (ClassNotFoundException e) {
            // No cell has run yet, so no snippet code (none checks the flag) can be among the listener's.
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("JShell's stop flag cannot be reset: " + e, e);
        }
    }

    /** JShell's stop, and the listener's thread interrupted when a listener runs. */
    @Override
    public void stop() throws EngineTerminationException, InternalException {
        InternalException noCellYet = null;
        try {
            super.stop();
        } catch (InternalException e) {
            noCellYet = e; // no cell has run yet; a listener's stop needs only its thread interrupted
        }
        Thread t = listenerThread;
        if (t != null) {
            t.interrupt();
        } else if (noCellYet != null) {
            throw noCellYet;
        }
    }

    void resetLastInvoked() {
        lastInvokedClass = null;
    }

    String lastInvokedClass() {
        return lastInvokedClass;
    }

    /** The value of a static field of a loaded snippet class. */
    Object readStatic(String className, String field) throws ReflectiveOperationException {
        Field f = findClass(className).getDeclaredField(field);
        f.setAccessible(true);
        return f.get(null);
    }
}
