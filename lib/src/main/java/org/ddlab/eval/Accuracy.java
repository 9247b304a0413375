package org.ddlab.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import org.ddlab.data.ImageSet;
import org.ddlab.engine.GradMode;
import org.ddlab.engine.Interrupts;
import org.ddlab.nn.Network;

/** Top-1 accuracy of a network on a labelled image set, in inference mode, batch by batch. */
public final class Accuracy {

    private Accuracy() {}

    public static double of(Network net, ImageSet set, int batchSize) {
        long correct = 0;
        int n = set.size();
        int[] all = new int[n];
        Arrays.setAll(all, i -> i);
        for (int from = 0; from < n; from += batchSize) {
            Interrupts.check();
            int[] idx = Arrays.copyOfRange(all, from, Math.min(n, from + batchSize));
            try (NDManager step = net.manager().newSubManager();
                    GradMode.Scope off = GradMode.off()) {
                NDArray predicted = net.logits(set.images(step, idx), false).argMax(1);
                NDArray labels = set.labels(step, idx).toType(DataType.INT64, false);
                correct += predicted.eq(labels).sum().getLong();
            }
        }
        return (double) correct / n;
    }
}
