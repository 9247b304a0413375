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

    /** The device named by {@code DDLAB_DEVICE}, else the engine's default (GPU 0 when there is one). */
    public static Device preferred() {
        return resolve(System.getenv(ENV), Engine.getInstance());
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
