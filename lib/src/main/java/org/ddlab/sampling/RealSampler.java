package org.ddlab.sampling;

import org.ddlab.data.ImageSet;
import org.ddlab.nn.Network;

/**
 * Where a distillation step gets its real images. Every method that compares synthetic images with
 * real ones (gradient and distribution matching per class, FRePo's kernel regression on a mixed
 * batch) draws them through this interface, so the random sampler and DREAM's representative
 * sampler are interchangeable.
 *
 * <p>Draws are a function of (seed, step, class): a sampler keeps no random state a checkpoint would
 * have to carry. The {@code embedder} is the network of the current iteration; DREAM clusters the
 * class's embeddings under it, the random sampler ignores it.
 */
public interface RealSampler {

    /** The real images the indices point into. */
    ImageSet real();

    /** Short name for logs and metadata ({@code random}, {@code dream}). */
    String name();

    /**
     * Wall time this sampler has spent choosing batches beyond drawing indices, in seconds (DREAM:
     * embedding and clustering; zero for a random draw), since it was created or its state loaded.
     */
    default double samplingSeconds() {
        return 0;
    }

    /**
     * Where {@link #samplingSeconds()} went, JSON-friendly (DREAM: embedding vs K-Means seconds and the
     * number of clusterings); empty for a sampler without overhead.
     */
    default java.util.Map<String, Object> samplingBreakdown() {
        return java.util.Map.of();
    }

    /** The sampler's settings, for metadata and for re-creating it on resume ({@code sampler} = {@link #name()}, …). */
    default java.util.Map<String, Object> describe() {
        return java.util.Map.of("sampler", name());
    }

    /**
     * What a checkpoint must carry for a resumed run to draw as an uninterrupted one would (JSON-friendly
     * values). Samplers that are pure functions of (seed, step, class) have none.
     */
    default java.util.Map<String, Object> state() {
        return java.util.Map.of();
    }

    /** Puts back what {@link #state()} returned. */
    default void load(java.util.Map<String, Object> state) {}

    /** Fails with a clear message when a class has fewer than {@code count} images to draw from. */
    static void requireAvailable(ImageSet real, int cls, int count, int available) {
        if (count > available) {
            throw new IllegalArgumentException(
                    "cannot draw " + count + " distinct images of class '" + real.className(cls) + "': it has only "
                            + available + " in " + real.name() + "; use a smaller real batch");
        }
    }

    /** {@code count} distinct indices into {@link #real()} of images of class {@code cls}, for outer step {@code step}. */
    int[] sample(int cls, int count, long step, Network embedder);

    /**
     * A class-balanced batch of {@code count} indices: each class gives ⌊count / C⌋ images and
     * {@code count mod C} classes, rotating with the step so none is favoured, give one more.
     */
    default int[] batch(int count, long step, Network embedder) {
        int classes = real().numClasses();
        if (count < 1) {
            throw new IllegalArgumentException("a real batch needs at least one image, got " + count);
        }
        int[] out = new int[count];
        int at = 0;
        for (int c = 0; c < classes; c++) {
            int extra = Math.floorMod(c - step, classes) < count % classes ? 1 : 0;
            int n = count / classes + extra;
            if (n == 0) {
                continue;
            }
            int[] picked = sample(c, n, step, embedder);
            System.arraycopy(picked, 0, out, at, n);
            at += n;
        }
        return out;
    }
}
