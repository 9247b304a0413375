package org.ddlab.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.stream.IntStream;
import org.ddlab.data.ImageSet;
import org.ddlab.nn.Architectures;
import org.ddlab.nn.Network;
import org.ddlab.train.Augmentation;
import org.ddlab.train.LabeledSet;
import org.ddlab.train.Loss;
import org.ddlab.train.TinySets;
import org.ddlab.train.Trainer;
import org.ddlab.train.TrainingSchedule;
import org.junit.jupiter.api.Test;

class MembershipInferenceTest {

    /**
     * Each image's loss is −log softmax of its own label's logit, computed here by hand from the network's logits in
     * one pass; the same in batches that do not divide the set, and its mean is the training loss of the whole set.
     */
    @Test
    void lossesAreEachImagesCrossEntropyUnderItsLabel() {
        ImageSet images = TinySets.stripes(5, 4, 3);
        int n = images.size();
        try (NDManager m = NDManager.newBaseManager()) {
            Network net =
                    Architectures.create("mlp:width=8", new Shape(1, 8, 8), 4).initialize(m, 1);
            int[] all = IntStream.range(0, n).toArray();
            NDArray logits = net.logits(images.images(m, all), false);
            float[] z = logits.toFloatArray();
            double[] expected = new double[n];
            double mean = 0;
            for (int i = 0; i < n; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < 4; k++) max = Math.max(max, z[i * 4 + k]);
                double sum = 0;
                for (int k = 0; k < 4; k++) sum += Math.exp(z[i * 4 + k] - max);
                expected[i] = -(z[i * 4 + images.label(i)] - max - Math.log(sum));
                mean += expected[i] / n;
            }
            for (int batch : new int[] {3, n, 256}) {
                double[] got = MembershipInference.losses(net, images, batch);
                assertEquals(n, got.length);
                for (int i = 0; i < n; i++) {
                    // Float logits: a batch of 3 and one of n may run different BLAS kernels (CPU-dependent), so
                    // they agree to float rounding, not bit for bit; a wrong label or softmax is off by far more.
                    assertEquals(
                            expected[i], got[i], 1e-6 * Math.max(1, expected[i]), "image " + i + ", batch " + batch);
                }
            }
            double training =
                    Loss.CROSS_ENTROPY.compute(logits, images.labels(m, all)).getFloat();
            assertEquals(training, mean, 1e-5);
            assertThrows(IllegalArgumentException.class, () -> MembershipInference.losses(net, images, 0));
        }
    }

    /** Members are the positives and a lower loss points to a member: lower member losses give AUC 1, higher give 0. */
    @Test
    void aLowerLossCallsAMember() {
        Roc low = MembershipInference.lossThreshold(new double[] {0.01, 0.2}, new double[] {0.5, 0.3, 2});
        assertEquals(1.0, low.auc(), 1e-15);
        assertEquals(2, low.positives());
        assertEquals(
                0.0,
                MembershipInference.lossThreshold(new double[] {3, 4}, new double[] {1, 2})
                        .auc(),
                1e-15);
        Roc r = MembershipInference.lossThreshold(new double[] {0.1, 0.4}, new double[] {0.2, 0.3});
        assertEquals(0.5, r.auc(), 1e-15);
        assertEquals(-0.1, r.thresholds()[1], 0); // the smallest loss is the first threshold to call a member
    }

    /**
     * The attack works on what it is for: a network that memorised a small noisy training set has lower losses on it
     * than on images it never saw from the same distribution, so the attack finds the members well above chance;
     * against two sets of non-members alike, it is near a coin.
     */
    @Test
    void findsTheMembersOfANetworkThatMemorisedThem() {
        ImageSet members = TinySets.stripes(8, 4, 11, 1.0);
        ImageSet nonMembers = TinySets.stripes(8, 4, 12, 1.0);
        ImageSet otherNonMembers = TinySets.stripes(8, 4, 13, 1.0);
        try (NDManager m = NDManager.newBaseManager()) {
            Network net =
                    Architectures.create("mlp:width=64", new Shape(1, 8, 8), 4).initialize(m, 5);
            TrainingSchedule schedule = new TrainingSchedule(300, 32, 0.05, 0.9, 0, 2, false);
            Trainer.train(net, LabeledSet.hard(members), schedule, Augmentation.NONE, 5, (e, es, l) -> {});
            double[] in = MembershipInference.losses(net, members, 256);
            double[] out = MembershipInference.losses(net, nonMembers, 256);
            Roc attack = MembershipInference.lossThreshold(in, out);
            assertTrue(attack.auc() > 0.8, attack.toString());
            assertTrue(attack.advantage() > 0.5, attack.toString());
            Roc blind = MembershipInference.lossThreshold(out, MembershipInference.losses(net, otherNonMembers, 256));
            assertTrue(Math.abs(blind.auc() - 0.5) < 0.2, blind.toString());
        }
    }
}
