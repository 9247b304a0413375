package org.ddlab.engine;

import ai.djl.engine.Engine;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the deep-learning engine is and where it runs: printed by {@code ddlab info} and the first
 * notebook, so a student can tell at once whether the GPU, the threads and the data were found.
 *
 * @param engine     engine name (PyTorch)
 * @param version    engine (libtorch) version
 * @param djlVersion DJL version
 * @param device     the device ddlab computes on
 * @param gpus       GPUs the engine sees
 * @param threads    intra-op threads of the engine
 * @param cores      processors the JVM sees
 */
public record EngineInfo(
        String engine, String version, String djlVersion, String device, int gpus, int threads, int cores) {

    /** Starts the engine if needed (first start unpacks libtorch, a minute) and describes it. */
    public static EngineInfo current() {
        offlineByDefault();
        Engine engine = Engine.getInstance();
        return new EngineInfo(
                engine.getEngineName(),
                engine.getVersion(),
                Engine.getDjlVersion(),
                Devices.preferred().toString(),
                engine.getGpuCount(),
                intraOpThreads(),
                Runtime.getRuntime().availableProcessors());
    }

    /**
     * Keeps DJL from reaching for the network: the CPU natives ship in a Maven jar, and classrooms
     * behind firewalls have no route out. A user who wants DJL's download sets the property to false.
     */
    public static void offlineByDefault() {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
    }

    private static int intraOpThreads() {
        try {
            // PyTorch-specific; reflective so the lib still loads under the cuda profile or another engine.
            Class<?> jni = Class.forName("ai.djl.pytorch.jni.JniUtils");
            return (int) jni.getMethod("getNumThreads").invoke(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }

    /** Ordered key → value view, for tables and JSON. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("engine", engine);
        m.put("engine version", version);
        m.put("DJL", djlVersion);
        m.put("device", device);
        m.put("GPUs", gpus);
        m.put("threads", threads);
        m.put("cores", cores);
        m.put(
                "freed memory",
                NativeMemory.inEffect() == NativeMemory.Policy.REUSE
                        ? "reused (DDLAB_MALLOC=reuse)"
                        : "returned to the system");
        return m;
    }
}
