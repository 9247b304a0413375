package org.ddlab.matching;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Settings of the matching methods. Defaults are the reference code's (DC/DSA: {@code main.py},
 * DM: {@code main_DM.py} of VICO-UoE/DatasetCondensation) except where noted.
 *
 * @param method       DC (gradient matching), DSA (DC with siamese augmentation), DM (distribution matching)
 * @param ipc          synthetic images per class
 * @param iterations   outer iterations (reference: 1000 for DC/DSA, 20000 for DM)
 * @param architecture network, re-initialised every iteration
 * @param realBatch    real images per class per matching (reference 256)
 * @param imageLr      SGD rate of the images (reference: 0.1 DC/DSA, 1.0 DM), momentum {@code imageMomentum} (0.5)
 * @param netLr        SGD rate of the network's inner training (DC/DSA, reference 0.01)
 * @param outerLoop    matchings per iteration (DC/DSA; reference by IPC: 1 → 1, 10 → 10, 50 → 50)
 * @param innerLoop    epochs of network training on the synthetic set between matchings (1 → 1, 10 → 50, 50 → 10)
 * @param distance     gradient distance (DC/DSA)
 * @param seed         seed of every random choice
 */
public record MatchingConfig(
        Method method,
        int ipc,
        long iterations,
        String architecture,
        int realBatch,
        double imageLr,
        double imageMomentum,
        double netLr,
        int outerLoop,
        int innerLoop,
        GradientDistance distance,
        long seed) {

    /** The three methods. */
    public enum Method {
        DC,
        DSA,
        DM;

        public static Method parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown matching method '" + s + "'; known: dc, dsa, dm");
            }
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public MatchingConfig {
        if (ipc < 1 || iterations < 1 || realBatch < 1 || outerLoop < 1 || innerLoop < 0) {
            throw new IllegalArgumentException(
                    "matching needs ipc, iterations, real batch and outer loop ≥ 1, inner loop ≥ 0; got " + ipc + ", "
                            + iterations + ", " + realBatch + ", " + outerLoop + ", " + innerLoop);
        }
    }

    /** The reference settings of {@code method} for {@code ipc} images per class and {@code iterations} iterations. */
    public static MatchingConfig defaults(Method method, int ipc, long iterations) {
        int[] loops = loops(ipc);
        return switch (method) {
            case DC, DSA ->
                new MatchingConfig(
                        method,
                        ipc,
                        iterations,
                        "convnet",
                        256,
                        0.1,
                        0.5,
                        0.01,
                        loops[0],
                        loops[1],
                        GradientDistance.LAYERWISE_COSINE,
                        0);
            case DM ->
                new MatchingConfig(
                        method,
                        ipc,
                        iterations,
                        "convnet",
                        256,
                        1.0,
                        0.5,
                        0.01,
                        1,
                        0,
                        GradientDistance.LAYERWISE_COSINE,
                        0);
        };
    }

    /**
     * DC's {@code get_loops}: (outer, inner) by IPC, interpolated between the published points (1: 1, 1;
     * 10: 10, 50; 20, 30, 40, 50: outer = IPC, inner 25, 20, 15, 10 — the line 35 − IPC/2; above 50: 50, 10).
     */
    static int[] loops(int ipc) {
        if (ipc == 1) {
            return new int[] {1, 1};
        }
        if (ipc < 20) {
            return new int[] {10, 50};
        }
        return new int[] {Math.min(ipc, 50), Math.max(10, 35 - ipc / 2)};
    }

    public MatchingConfig withIterations(long n) {
        return new MatchingConfig(
                method,
                ipc,
                n,
                architecture,
                realBatch,
                imageLr,
                imageMomentum,
                netLr,
                outerLoop,
                innerLoop,
                distance,
                seed);
    }

    public MatchingConfig withArchitecture(String a) {
        return new MatchingConfig(
                method,
                ipc,
                iterations,
                a,
                realBatch,
                imageLr,
                imageMomentum,
                netLr,
                outerLoop,
                innerLoop,
                distance,
                seed);
    }

    public MatchingConfig withRealBatch(int n) {
        return new MatchingConfig(
                method,
                ipc,
                iterations,
                architecture,
                n,
                imageLr,
                imageMomentum,
                netLr,
                outerLoop,
                innerLoop,
                distance,
                seed);
    }

    public MatchingConfig withImageLr(double lr) {
        return new MatchingConfig(
                method,
                ipc,
                iterations,
                architecture,
                realBatch,
                lr,
                imageMomentum,
                netLr,
                outerLoop,
                innerLoop,
                distance,
                seed);
    }

    public MatchingConfig withLoops(int outer, int inner) {
        return new MatchingConfig(
                method,
                ipc,
                iterations,
                architecture,
                realBatch,
                imageLr,
                imageMomentum,
                netLr,
                outer,
                inner,
                distance,
                seed);
    }

    public MatchingConfig withDistance(GradientDistance d) {
        return new MatchingConfig(
                method,
                ipc,
                iterations,
                architecture,
                realBatch,
                imageLr,
                imageMomentum,
                netLr,
                outerLoop,
                innerLoop,
                d,
                seed);
    }

    public MatchingConfig withSeed(long s) {
        return new MatchingConfig(
                method,
                ipc,
                iterations,
                architecture,
                realBatch,
                imageLr,
                imageMomentum,
                netLr,
                outerLoop,
                innerLoop,
                distance,
                s);
    }

    /**
     * Back from {@link #toMap()} or a complete option map of {@code Methods} (as JSON gives it: numbers
     * may come back as doubles). The run length is {@code steps}; a checkpoint that calls it
     * {@code iterations} is read too.
     */
    public static MatchingConfig fromMap(Map<String, Object> m) {
        Method method = Method.parse(String.valueOf(m.get("method")));
        long steps = num(m, m.containsKey("steps") ? "steps" : "iterations").longValue();
        MatchingConfig d = defaults(method, num(m, "ipc").intValue(), steps);
        return new MatchingConfig(
                method,
                d.ipc(),
                d.iterations(),
                String.valueOf(m.get("architecture")),
                num(m, "real_batch").intValue(),
                num(m, "image_lr").doubleValue(),
                num(m, "image_momentum").doubleValue(),
                m.containsKey("net_lr") ? num(m, "net_lr").doubleValue() : d.netLr(),
                m.containsKey("outer_loop") ? num(m, "outer_loop").intValue() : d.outerLoop(),
                m.containsKey("inner_loop") ? num(m, "inner_loop").intValue() : d.innerLoop(),
                m.containsKey("distance")
                        ? GradientDistance.valueOf(
                                String.valueOf(m.get("distance")).toUpperCase(Locale.ROOT))
                        : d.distance(),
                num(m, "seed").longValue());
    }

    private static Number num(Map<String, Object> m, String key) {
        if (!(m.get(key) instanceof Number n)) {
            throw new IllegalArgumentException("the saved matching configuration lacks '" + key + "': " + m);
        }
        return n;
    }

    /** As a JSON-friendly map, for metadata and the checkpoint's configuration check. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", method.id());
        m.put("ipc", ipc);
        m.put("steps", iterations);
        m.put("architecture", architecture);
        m.put("real_batch", realBatch);
        m.put("image_lr", imageLr);
        m.put("image_momentum", imageMomentum);
        if (method != Method.DM) {
            m.put("net_lr", netLr);
            m.put("outer_loop", outerLoop);
            m.put("inner_loop", innerLoop);
            m.put("distance", distance.name().toLowerCase(Locale.ROOT));
        }
        m.put("seed", seed);
        return m;
    }
}
