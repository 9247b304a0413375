package org.ddlab.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;

/**
 * Where ddlab computes. Everything uses {@link #preferred()} rather than hard-coding the CPU, so
 * the same notebook runs on a GPU when the engine has one. {@code DDLAB_DEVICE=cpu|gpu} overrides.
 */
public final class Devices {

    /** Environment variable that overrides the device choice. */
    public static final String ENV = "DDLAB_DEVICE";

    private Devices() {}

    /** The device {@link #on} set for this thread, if any. */
    private static final ThreadLocal<Device> SCOPED = new ThreadLocal<>();

    /**
     * The device {@link #on} set for this thread, else the one named by {@code DDLAB_DEVICE}, else the engine's
     * default (GPU 0 when there is one).
     */
    public static Device preferred() {
        Device scoped = SCOPED.get();
        return scoped != null ? scoped : resolve(System.getenv(ENV), Engine.getInstance());
    }

    /**
     * Runs {@code work} with {@link #preferred()} answering {@code device} on this thread: how a worker that runs
     * one task per GPU (a Spark executor given GPU 3 for this task) keeps each task on its own GPU.
     */
    public static <T> T on(Device device, java.util.concurrent.Callable<T> work) throws Exception {
        Device before = SCOPED.get();
        SCOPED.set(device);
        try {
            return work.call();
        } finally {
            if (before == null) {
                SCOPED.remove();
            } else {
                SCOPED.set(before);
            }
        }
    }

    static Device resolve(String requested, Engine engine) {
        if (requested == null || requested.isBlank()) {
            return engine.defaultDevice();
        }
        switch (requested.trim().toLowerCase(Locale.ROOT)) {
            case "cpu":
                return Device.cpu();
            case "gpu":
            case "cuda":
                if (engine.getGpuCount() == 0) {
                    throw new IllegalStateException(ENV + "=gpu but the " + engine.getEngineName()
                            + " engine sees no GPU. The CPU natives are on the classpath: build with "
                            + "'mvn -Pcuda' and point PYTORCH_LIBRARY_PATH at a CUDA libtorch "
                            + engine.getVersion() + " (see docs/gpu.md), or unset " + ENV + ".");
                }
                return Device.gpu();
            default:
                throw new IllegalArgumentException(ENV + "='" + requested + "' is not a device; use cpu or gpu.");
        }
    }
}
