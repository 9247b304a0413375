package org.ddlab.kernel.render;

import org.dflib.jjava.jupyter.kernel.display.Renderer;

/**
 * Registers the kernel's renderers. Each group sits in its own class and is registered
 * separately, so a library missing from the class path (a NoClassDefFoundError while loading
 * that group) only loses that group, never the kernel.
 */
public final class Renderers {
    private Renderers() {}

    public static Renderer registerAll(Renderer renderer) {
        guard(() -> ImageRenderer.register(renderer));
        guard(() -> TableRenderer.register(renderer));
        guard(() -> ChartRenderer.register(renderer));
        guard(() -> LabVizRenderer.registerChart(renderer));
        guard(() -> LabVizRenderer.registerProgress(renderer));
        guard(() -> NDArrayRenderer.register(renderer));
        return renderer;
    }

    private static void guard(Runnable registration) {
        try {
            registration.run();
        } catch (LinkageError e) {
            System.err.println("ddlab kernel: a renderer is unavailable (" + e.getMessage() + ")");
        }
    }
}
