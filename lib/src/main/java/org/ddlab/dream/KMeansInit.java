package org.ddlab.dream;

import org.ddlab.data.ImageSet;
import org.ddlab.distill.Distiller;
import org.ddlab.nn.Network;

/**
 * DREAM's initialisation: each class's synthetic images start as the real images nearest the centres
 * of a K-Means with k = IPC of the class's embeddings — IPC images that cover the class evenly rather
 * than IPC random ones. The reference embeds with the randomly initialised network the distillation
 * starts with; so do we.
 */
public final class KMeansInit {

    private KMeansInit() {}

    /**
     * Indices into {@code real} of IPC representative images per class, class by class (the order of
     * a synthetic set), clustering all of each class's images under {@code embedder} (raw pixels when
     * it is null).
     */
    public static int[] indices(ImageSet real, int ipc, Network embedder, long seed) {
        RepresentativeSampler sampler = new RepresentativeSampler(real, seed, ipc, 1);
        int[] out = new int[ipc * real.numClasses()];
        for (int c = 0; c < real.numClasses(); c++) {
            System.arraycopy(sampler.representatives(c, 0, embedder), 0, out, c * ipc, ipc);
        }
        return out;
    }

    /** Starts {@code distiller} from K-Means picks of its real set, embedded with {@code embedder}. */
    public static void apply(Distiller distiller, ImageSet real, int ipc, Network embedder, long seed) {
        distiller.startFrom(indices(real, ipc, embedder, seed));
    }
}
