package org.ddlab.coreset;

import ai.djl.ndarray.NDArray;

/**
 * Maps a batch of images [B,C,H,W] to embeddings [B,F] — usually a network's {@code features(x)}.
 * Herding and k-center select in this space rather than in pixels, as the DC and DREAM papers do.
 */
@FunctionalInterface
public interface Embedder {
    NDArray embed(NDArray images);
}
