package org.ddlab.cli;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Handling SIGINT and SIGTERM: {@code sun.misc.Signal} of the {@code jdk.unsupported} module, the JDK's only
 * way to do it, reached through reflection. The API has been stable since JDK 1.2 and is exported for
 * exactly this use, but javac warns at every reference to it, and this build treats warnings as errors.
 */
final class OsSignals {

    /** What to do when a signal arrives, on the JVM's signal thread; {@code number} is e.g. 2 for INT. */
    @FunctionalInterface
    interface Handler {
        void handle(String name, int number);
    }

    private static final Class<?> SIGNAL;
    private static final Class<?> HANDLER;
    private static final Method HANDLE;
    private static final Method GET_NAME;
    private static final Method GET_NUMBER;

    static {
        try {
            SIGNAL = Class.forName("sun.misc.Signal");
            HANDLER = Class.forName("sun.misc.SignalHandler");
            HANDLE = SIGNAL.getMethod("handle", SIGNAL, HANDLER);
            GET_NAME = SIGNAL.getMethod("getName");
            GET_NUMBER = SIGNAL.getMethod("getNumber");
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private OsSignals() {}

    /**
     * Handles signal {@code name} ({@code INT}, {@code TERM}) with {@code handler} and returns the handler it
     * replaces, for {@link #restore}.
     *
     * @throws IllegalArgumentException where the JVM keeps the signal to itself (e.g. started with {@code -Xrs})
     */
    static Object handle(String name, Handler handler) {
        Object proxy = Proxy.newProxyInstance(
                OsSignals.class.getClassLoader(),
                new Class<?>[] {HANDLER},
                (self, method, args) -> switch (method.getName()) {
                    case "handle" -> {
                        handler.handle((String) GET_NAME.invoke(args[0]), (Integer) GET_NUMBER.invoke(args[0]));
                        yield null;
                    }
                    case "hashCode" -> System.identityHashCode(self);
                    case "equals" -> self == args[0];
                    default -> "signal handler for SIG" + name;
                });
        return install(name, proxy);
    }

    /** Puts back a handler {@link #handle} returned. */
    static void restore(String name, Object previous) {
        install(name, previous);
    }

    private static Object install(String name, Object handler) {
        try {
            return HANDLE.invoke(null, SIGNAL.getConstructor(String.class).newInstance(name), handler);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r; // IllegalArgumentException: a signal the JVM does not hand over
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("sun.misc.Signal is not usable here: " + e, e);
        }
    }
}
