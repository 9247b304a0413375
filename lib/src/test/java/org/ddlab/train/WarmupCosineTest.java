package org.ddlab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import org.ddlab.data.ImageSet;
import org.ddlab.nn.Architectures;
import org.ddlab.nn.Network;
import org.junit.jupiter.api.Test;

class WarmupCosineTest {

    @Test
    void warmsUpLinearlyFromZeroThenFollowsTheCosineToItsFloor() {
        WarmupCosine s = WarmupCosine.FREPO;
        double peak = 3e-4;
        assertEquals(0, s.rate(peak, 0, 2000), 0, "optax counts from 0: the first step's rate is 0");
        assertEquals(1.5e-4, s.rate(peak, 250, 2000), 1e-12);
        assertEquals(peak, s.rate(peak, 500, 2000), 1e-12, "the peak where the warm-up ends");
        // Half-way through the 1500 decay steps: cos(π/2) = 0, so (1 − 0.01)·½ + 0.01.
        assertEquals(peak * 0.505, s.rate(peak, 1250, 2000), 1e-12);
        assertEquals(peak * 0.01, s.rate(peak, 2000, 2000), 1e-12, "the floor");
        assertEquals(peak * 0.01, s.rate(peak, 5000, 2000), 1e-12, "and after it");
        assertEquals(peak, new WarmupCosine(0, 0).rate(peak, 0, 10), 1e-12, "no warm-up: the peak at once");
        assertThrows(IllegalArgumentException.class, () -> new WarmupCosine(-1, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new WarmupCosine(10, 1.5));
    }

    @Test
    void adamTakesNoMomentumWeightDecayOrDrops() {
        TrainingSchedule sgd = TrainingSchedule.paper();
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new TrainingSchedule(
                        10, 8, 1e-3, 0.9, 0, List.of(), 1, false, TrainingSchedule.NO_CUTMIX, 0, WarmupCosine.FREPO));
        assertTrue(e.getMessage().contains("momentum 0.9"), e.getMessage());
        TrainingSchedule adam = sgd.withAdam(WarmupCosine.FREPO);
        assertEquals(0, adam.momentum());
        assertEquals(0, adam.weightDecay());
        assertEquals(List.of(), adam.decayEpochs());
        assertEquals(1000L * 3, adam.withBatchSize(16).steps(33), "⌈33 / 16⌉ steps an epoch: the cosine's span");
        assertEquals(
                "1000 epochs, batch 256, Adam lr 0.0100 (500 steps' warm-up, cosine to 0.01 of it), augmentation on,"
                        + " regression targets' gradient norm ≤ 3",
                adam.toString());
    }

    @Test
    void theTrainerStepsAdamAtTheScheduledRate() {
        ImageSet set = TinySets.stripes(8, 4, 1);
        try (NDManager m = NDManager.newBaseManager()) {
            // One step whose scheduled rate is 0 (the warm-up's first) leaves every parameter where it was.
            Network still = net(m);
            List<float[]> before = values(still);
            TrainingSchedule first = new TrainingSchedule(1, 32, 0.1, 0, 0, List.of(), 1, false, null, 0, null)
                    .withAdam(new WarmupCosine(5, 0.01));
            Trainer.train(still, LabeledSet.hard(set), first, Augmentation.NONE, 0, TrainingListener.NONE);
            List<float[]> after = values(still);
            for (int i = 0; i < before.size(); i++) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(before.get(i), after.get(i), 0f, "parameter " + i);
            }
            // Without a warm-up Adam's first step moves each weight by the rate (its update is ±lr at t = 1).
            Network moved = net(m);
            TrainingSchedule now = first.withAdam(new WarmupCosine(0, 0.01));
            Trainer.train(moved, LabeledSet.hard(set), now, Augmentation.NONE, 0, TrainingListener.NONE);
            float[] w0 = before.get(0);
            float[] w1 = values(moved).get(0);
            int atRate = 0;
            for (int i = 0; i < w0.length; i++) {
                if (Math.abs(Math.abs(w1[i] - w0[i]) - 0.1) < 1e-4) {
                    atRate++;
                }
            }
            assertTrue(atRate > w0.length * 0.9, atRate + " of " + w0.length + " weights moved by the rate");
            // And 40 epochs of it learn the set.
            Network trained = net(m);
            List<Double> losses = new ArrayList<>();
            Trainer.train(
                    trained,
                    LabeledSet.hard(set),
                    new TrainingSchedule(40, 16, 0.01, 0, 0, List.of(), 1, false, null, 0, null)
                            .withAdam(new WarmupCosine(10, 0.01)),
                    Augmentation.NONE,
                    0,
                    (epoch, epochs, loss) -> losses.add(loss));
            assertTrue(losses.get(39) < losses.get(0) / 5, "loss fell from " + losses.get(0) + " to " + losses.get(39));
        }
    }

    private static Network net(NDManager m) {
        return Architectures.create("mlp:width=32", new Shape(1, 8, 8), 4).initialize(m, 0);
    }

    private static List<float[]> values(Network net) {
        List<float[]> out = new ArrayList<>();
        for (Parameter p : net.parameters()) {
            out.add(p.getArray().toFloatArray());
        }
        return out;
    }
}
