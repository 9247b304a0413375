package org.ddlab.coreset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import org.ddlab.data.ImageSet;
import org.ddlab.engine.GradMode;
import org.ddlab.engine.Interrupts;

/**
 * Class-balanced coresets: {@code ipc} real images per class chosen by a {@link Selection}, the
 * baselines every distillation method is measured against.
 */
public final class Coresets {

    /** The known selections by name, for the CLI and notebooks. */
    public static final String[] NAMES = {"random", "herding", "kcenter"};

    private Coresets() {}

    public static Selection byName(String name) {
        return switch (name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "")) {
            case "random" -> new RandomSelection();
            case "herding" -> new Herding();
            case "kcenter" -> new KCenter();
            default ->
                throw new IllegalArgumentException(
                        "unknown coreset method '" + name + "'; known: " + String.join(", ", NAMES));
        };
    }

    /**
     * A coreset recipe's configuration in words ({@code method} one of {@link #NAMES}; for herding and
     * k-center the feature network's architecture, epochs and images, and the candidates per class).
     */
    public static String describe(java.util.Map<String, ?> config) {
        String method =
                String.valueOf(config.get("method")).toLowerCase(Locale.ROOT).replace("-", "");
        if (method.equals("random")) {
            return "random real images";
        }
        long epochs = number(config, "feature_epochs", 2);
        return (method.equals("herding") ? "herding" : "k-center") + " in the features of "
                + (config.get("feature_architecture") == null ? "convnet" : config.get("feature_architecture"))
                + " trained " + epochs + " epoch" + (epochs == 1 ? "" : "s")
                + " on " + perClass(number(config, "feature_images", 0), "images") + ", choosing among "
                + perClass(number(config, "candidates", 0), "candidates");
    }

    private static long number(java.util.Map<String, ?> c, String key, long fallback) {
        return c.get(key) instanceof Number n ? n.longValue() : fallback;
    }

    private static String perClass(long n, String what) {
        return n == 0 ? "all " + what : n + " " + what + " per class";
    }

    /**
     * Chooses {@code ipc} images of every class. Returns indices into {@code set}, class by class.
     *
     * @param embedder maps images to features; unused (may be null) for random selection
     * @param batch    images embedded at once (bounds memory on a 6000-image class)
     */
    public static int[] select(
            Selection selection, ImageSet set, int ipc, Embedder embedder, long seed, NDManager manager, int batch) {
        if (ipc < 1) {
            throw new IllegalArgumentException("IPC must be at least 1, got " + ipc);
        }
        int largest = Arrays.stream(set.classCounts()).min().orElse(0);
        if (ipc > largest) {
            int smallest = 0;
            for (int c = 0; c < set.numClasses(); c++) {
                if (set.classCounts()[c] == largest) {
                    smallest = c;
                    break;
                }
            }
            throw new IllegalArgumentException(
                    "IPC " + ipc + " is larger than class '" + set.classNames().get(smallest) + "', which has "
                            + largest + " images; the largest possible IPC for this set is " + largest + ".");
        }
        Random random = new Random(seed);
        int[] out = new int[ipc * set.numClasses()];
        for (int c = 0; c < set.numClasses(); c++) {
            Interrupts.check();
            int[] members = set.indicesOf(c);
            int[] local;
            if (selection instanceof RandomSelection) {
                local = RandomSelection.sample(members.length, ipc, random);
            } else {
                if (embedder == null) {
                    throw new IllegalArgumentException(selection + " selects in feature space and needs an embedder");
                }
                try (NDManager scope = manager.newSubManager()) {
                    NDArray features = embed(set, members, embedder, scope, batch);
                    local = selection.select(features, ipc, random);
                }
            }
            for (int j = 0; j < ipc; j++) {
                out[c * ipc + j] = members[local[j]];
            }
        }
        return out;
    }

    /**
     * The embeddings [n, F] of the images {@code members} of {@code set}, flattened, computed {@code batch}
     * at a time with autograd off; the result belongs to {@code scope}, each batch's images and
     * activations are freed as it goes. Herding, k-center and DREAM's clustering all embed this way.
     */
    public static NDArray embed(ImageSet set, int[] members, Embedder embedder, NDManager scope, int batch) {
        NDList parts = new NDList();
        for (int from = 0; from < members.length; from += batch) {
            int[] idx = Arrays.copyOfRange(members, from, Math.min(members.length, from + batch));
            try (NDManager step = scope.newSubManager();
                    GradMode.Scope off = GradMode.off()) {
                NDArray f = embedder.embed(set.images(step, idx));
                NDArray flat = f.reshape(f.getShape().get(0), -1);
                flat.attach(scope);
                parts.add(flat);
            }
        }
        return parts.size() == 1 ? parts.singletonOrThrow() : NDArrays.concat(parts, 0);
    }

    static void checkSize(int n, int k) {
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("cannot choose " + k + " of " + n + " samples");
        }
    }
}
