package org.ddlab.coreset;

import ai.djl.ndarray.NDArray;
import java.util.Random;

/**
 * Picks {@code k} rows of one class's embeddings [n, F]. Returns row positions in selection order.
 * Implementations are deterministic given the random source.
 */
@FunctionalInterface
public interface Selection {

    int[] select(NDArray embeddings, int k, Random random);
}
