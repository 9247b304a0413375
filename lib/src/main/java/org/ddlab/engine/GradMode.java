package org.ddlab.engine;

import ai.djl.pytorch.jni.JniUtils;

/**
 * Turns PyTorch's autograd recording off for a block: {@code try (var off = GradMode.off()) { … }}.
 *
 * <p>Why: PyTorch's grad mode is per thread and <em>on</em> by default. DJL switches it off on the
 * thread that starts the engine and on only inside a GradientCollector, but any other thread — a
 * notebook cell, a worker pool — starts with it on. There, optimiser updates (in-place writes to
 * parameters) fail with "a leaf Variable that requires grad is being used in an in-place operation",
 * and plain inference records graphs it never uses. Code that updates parameters or only infers
 * wraps itself in this scope, so it behaves the same on every thread.
 */
public final class GradMode {

    /** Restores the previous mode on close; never throws. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    private GradMode() {}

    /** Records graphs in the block: for backward passes taken outside a GradientCollector (second order). */
    public static Scope on() {
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        return () -> JniUtils.setGradMode(previous);
    }

    public static Scope off() {
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        return () -> JniUtils.setGradMode(previous);
    }
}
