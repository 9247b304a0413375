package org.ddlab.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import org.ddlab.data.ImageSet;
import org.ddlab.engine.GradMode;
import org.ddlab.engine.Interrupts;
import org.ddlab.nn.Network;

/**
 * The loss-threshold membership-inference attack (Yeom et al., CSF 2018): an attacker who can query a trained
 * network with an image and its label calls the image a member of the training set when the network's loss on it is
 * at most a threshold τ. Networks fit their training images better than others, so members tend to have lower losses;
 * how well the threshold separates members from non-members, over every τ, is the attack's {@link Roc} (members are
 * the positives). An attack no better than a coin has AUC 0.5.
 */
public final class MembershipInference {

    private MembershipInference() {}

    /**
     * The cross-entropy loss {@code −log softmax(f(x))_y} of every image of {@code set} under its label, in inference
     * mode (batch norm on its running statistics, no augmentation), batch by batch.
     */
    public static double[] losses(Network net, ImageSet set, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        int n = set.size();
        double[] out = new double[n];
        int[] all = new int[n];
        Arrays.setAll(all, i -> i);
        for (int from = 0; from < n; from += batchSize) {
            Interrupts.check();
            int[] idx = Arrays.copyOfRange(all, from, Math.min(n, from + batchSize));
            try (NDManager step = net.manager().newSubManager();
                    GradMode.Scope off = GradMode.off()) {
                NDArray logits = net.logits(set.images(step, idx), false);
                // In float64: a member's loss can sit near 1e-7, where float32 would merge losses that differ.
                double[] exact = logits.toType(DataType.FLOAT64, false)
                        .logSoftmax(1)
                        .mul(set.labels(step, idx)
                                .toType(DataType.INT64, false)
                                .oneHot(net.numClasses())
                                .toType(DataType.FLOAT64, false))
                        .sum(new int[] {1})
                        .neg()
                        .toDoubleArray();
                System.arraycopy(exact, 0, out, from, exact.length);
            }
        }
        return out;
    }

    /**
     * The attack's curve: members (the positives) are called members when their loss is at most τ, over every τ.
     * Its thresholds are the negated losses ({@link Roc} calls a score at least its threshold positive).
     */
    public static Roc lossThreshold(double[] memberLosses, double[] nonMemberLosses) {
        return Roc.of(negated(memberLosses), negated(nonMemberLosses));
    }

    private static double[] negated(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = -v[i];
        }
        return out;
    }
}
