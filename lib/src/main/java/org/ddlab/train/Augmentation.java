package org.ddlab.train;

import ai.djl.ndarray.NDArray;
import java.util.Random;

/**
 * Augments a training batch [B,C,H,W] with fresh random draws from {@code random}. Training on a
 * tiny synthetic set overfits without it; the papers train every evaluation network with DSA.
 */
@FunctionalInterface
public interface Augmentation {

    Augmentation NONE = (x, random) -> x;

    NDArray apply(NDArray batch, Random random);
}
