package org.ddlab.frepo;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * FRePo's settings. Defaults follow the reference code where a CPU allows it; where not, the change
 * and its reason are stated here.
 *
 * @param ipc            synthetic images per class
 * @param steps          outer steps (the cosine schedule decays over them)
 * @param realBatch      real images per outer step, class-balanced. Reference: 1024 on a GPU. Default
 *                       256: the step's cost is dominated by the real batch's forward pass, and 256
 *                       already estimates the regression loss well; 4× cheaper steps buy 4× more
 *                       of them in a CPU budget.
 * @param poolSize       models in the pool (reference 10)
 * @param maxOnlineSteps online steps before a model is re-initialised (reference 100)
 * @param ridge          λ, relative to tr(K)/n (reference 1e-6)
 * @param learnLabels    learn the labels too (reference: yes)
 * @param imageLr        Adam rate of the images with cosine decay to 10%. Reference: LAMB at 3e-4
 *                       over 500k steps (LAMB's step is relative to the weights' norm, Adam's is per
 *                       pixel). For CPU budgets of hundreds to a few thousand steps, chosen on a validation
 *                       split (500 training images per class held out of distillation and scored with
 *                       the default protocol, 2 runs; {@code environment/measure/frepo-lr}), IPC 10,
 *                       300 steps: 1e-2 → 80.9 %, 3e-2 → 83.4 %, 1e-1 → 83.1 %; hence 3e-2.
 * @param labelLr        Adam rate of the learned labels, same schedule
 * @param onlineLr       Adam rate of the pool's online steps (reference 3e-4)
 * @param architecture   network of the pool, e.g. {@code convnet} (the evaluation network: features
 *                       are the flattened last convolutional block)
 * @param seed           seed of every random choice
 */
public record FrepoConfig(
        int ipc,
        long steps,
        int realBatch,
        int poolSize,
        int maxOnlineSteps,
        double ridge,
        boolean learnLabels,
        double imageLr,
        double labelLr,
        double onlineLr,
        String architecture,
        long seed) {

    public FrepoConfig {
        if (ipc < 1 || steps < 1 || realBatch < 1 || poolSize < 1 || maxOnlineSteps < 0) {
            throw new IllegalArgumentException(
                    "FRePo needs ipc, steps, real batch and pool size ≥ 1 and max online steps ≥ 0;"
                            + " got ipc " + ipc + ", steps " + steps + ", real batch " + realBatch + ", pool "
                            + poolSize
                            + ", max online steps " + maxOnlineSteps);
        }
        if (!(imageLr >= 0 && labelLr >= 0 && onlineLr > 0)) {
            throw new IllegalArgumentException(
                    "learning rates must be ≥ 0 (online > 0), got " + imageLr + ", " + labelLr + ", " + onlineLr);
        }
    }

    /** The defaults for {@code ipc} images per class and {@code steps} outer steps. */
    public static FrepoConfig defaults(int ipc, long steps) {
        return new FrepoConfig(
                ipc, steps, 256, 10, 100, KernelRegression.DEFAULT_RIDGE, true, 3e-2, 3e-2, 3e-4, "convnet", 0);
    }

    public FrepoConfig withSteps(long n) {
        return new FrepoConfig(
                ipc,
                n,
                realBatch,
                poolSize,
                maxOnlineSteps,
                ridge,
                learnLabels,
                imageLr,
                labelLr,
                onlineLr,
                architecture,
                seed);
    }

    public FrepoConfig withRealBatch(int n) {
        return new FrepoConfig(
                ipc,
                steps,
                n,
                poolSize,
                maxOnlineSteps,
                ridge,
                learnLabels,
                imageLr,
                labelLr,
                onlineLr,
                architecture,
                seed);
    }

    public FrepoConfig withPool(int size, int maxOnline) {
        return new FrepoConfig(
                ipc,
                steps,
                realBatch,
                size,
                maxOnline,
                ridge,
                learnLabels,
                imageLr,
                labelLr,
                onlineLr,
                architecture,
                seed);
    }

    public FrepoConfig withRidge(double r) {
        return new FrepoConfig(
                ipc,
                steps,
                realBatch,
                poolSize,
                maxOnlineSteps,
                r,
                learnLabels,
                imageLr,
                labelLr,
                onlineLr,
                architecture,
                seed);
    }

    public FrepoConfig withLearnLabels(boolean on) {
        return new FrepoConfig(
                ipc,
                steps,
                realBatch,
                poolSize,
                maxOnlineSteps,
                ridge,
                on,
                imageLr,
                labelLr,
                onlineLr,
                architecture,
                seed);
    }

    public FrepoConfig withLearningRates(double images, double labels) {
        return new FrepoConfig(
                ipc,
                steps,
                realBatch,
                poolSize,
                maxOnlineSteps,
                ridge,
                learnLabels,
                images,
                labels,
                onlineLr,
                architecture,
                seed);
    }

    public FrepoConfig withOnlineLr(double lr) {
        return new FrepoConfig(
                ipc,
                steps,
                realBatch,
                poolSize,
                maxOnlineSteps,
                ridge,
                learnLabels,
                imageLr,
                labelLr,
                lr,
                architecture,
                seed);
    }

    public FrepoConfig withArchitecture(String a) {
        return new FrepoConfig(
                ipc,
                steps,
                realBatch,
                poolSize,
                maxOnlineSteps,
                ridge,
                learnLabels,
                imageLr,
                labelLr,
                onlineLr,
                a,
                seed);
    }

    public FrepoConfig withSeed(long s) {
        return new FrepoConfig(
                ipc,
                steps,
                realBatch,
                poolSize,
                maxOnlineSteps,
                ridge,
                learnLabels,
                imageLr,
                labelLr,
                onlineLr,
                architecture,
                s);
    }

    /** Back from {@link #toMap()} (as JSON gives it: numbers may come back as doubles). */
    public static FrepoConfig fromMap(Map<String, Object> m) {
        return new FrepoConfig(
                num(m, "ipc").intValue(),
                num(m, "steps").longValue(),
                num(m, "real_batch").intValue(),
                num(m, "pool_size").intValue(),
                num(m, "max_online_steps").intValue(),
                num(m, "ridge").doubleValue(),
                Boolean.TRUE.equals(m.get("learn_labels")),
                num(m, "image_lr").doubleValue(),
                num(m, "label_lr").doubleValue(),
                num(m, "online_lr").doubleValue(),
                String.valueOf(m.get("architecture")),
                num(m, "seed").longValue());
    }

    static Number num(Map<String, Object> m, String key) {
        if (!(m.get(key) instanceof Number n)) {
            throw new IllegalArgumentException("the saved FRePo configuration lacks '" + key + "': " + m);
        }
        return n;
    }

    /** As a JSON-friendly map, for metadata and the checkpoint's configuration check. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", "frepo");
        m.put("ipc", ipc);
        m.put("steps", steps);
        m.put("real_batch", realBatch);
        m.put("pool_size", poolSize);
        m.put("max_online_steps", maxOnlineSteps);
        m.put("ridge", ridge);
        m.put("learn_labels", learnLabels);
        m.put("image_lr", imageLr);
        m.put("label_lr", labelLr);
        m.put("online_lr", onlineLr);
        m.put("architecture", architecture);
        m.put("seed", seed);
        return m;
    }
}
