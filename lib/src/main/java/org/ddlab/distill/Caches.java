package org.ddlab.distill;

import com.google.gson.Gson;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ddlab.data.ImageSet;

/**
 * What ddlab's caches are keyed by and where they live. A cached result (a distilled set, an ablation
 * cell, a method's expert networks) sits in a directory named by a hash of everything that decides it,
 * so a result made from other settings or other images is never taken for it. The distillation runs,
 * the ablation grids and the methods all key their caches here, which is why this sits below all of them.
 */
public final class Caches {

    private Caches() {}

    /** A short hex hash of a JSON-serialisable value (sorted maps give stable keys). */
    public static String hash(Object identity, int bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(new Gson().toJson(identity).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** The training images in a few words and a checksum. */
    public static Map<String, Object> describe(ImageSet train) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", train.name());
        m.put("images", train.size());
        m.put("checksum", checksum(train));
        return m;
    }

    /**
     * The checkout's {@code runs/} directory, where the measurement scripts write and the shared caches
     * live: {@code $DDLAB_RUNS} when set, else {@code runs} beside the nearest directory above the
     * working directory that holds {@code environment/measure} (a notebook runs in {@code notebooks/}),
     * else {@code ./runs}.
     */
    public static Path runsDirectory() {
        String env = System.getenv("DDLAB_RUNS");
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath();
        }
        return checkoutHolding("environment/measure").resolve("runs");
    }

    /**
     * The nearest directory at or above the working directory that holds the directory {@code marker} — the
     * checkout, whether a notebook runs in {@code notebooks/} or a test in {@code lib/} — else the working
     * directory itself.
     */
    public static Path checkoutHolding(String marker) {
        Path here = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path d = here; d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve(marker))) {
                return d;
            }
        }
        return here;
    }

    private static String checksum(ImageSet train) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (int l : train.labels()) {
                md.update((byte) l);
            }
            // A stride through the images: cheap, and any other split or preprocessing changes it.
            int step = Math.max(1, train.size() / 256);
            ByteBuffer b = ByteBuffer.allocate(train.imageSize() * 4);
            for (int i = 0; i < train.size(); i += step) {
                b.clear();
                b.asFloatBuffer().put(train.image(i));
                md.update(b.array());
            }
            return HexFormat.of().formatHex(md.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
