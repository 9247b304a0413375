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

    private volatile String lastInvokedClass;

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
