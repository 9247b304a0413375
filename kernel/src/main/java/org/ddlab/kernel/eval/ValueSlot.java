package org.ddlab.kernel.eval;

/**
 * Hands a value from a snippet to the kernel. Used for a cell ending in a bare variable name,
 * whose value JShell does not keep in a field of the snippet's own class. It is on the system
 * class path, so the snippet and the kernel see the same class (parent-first loading).
 */
public final class ValueSlot {

    private static volatile Object value;

    private ValueSlot() {}

    /** Returns void so that JShell treats the call as a statement and creates no {@code $n} variable. */
    public static void hold(Object v) {
        value = v;
    }

    static Object take() {
        Object v = value;
        value = null;
        return v;
    }
}
