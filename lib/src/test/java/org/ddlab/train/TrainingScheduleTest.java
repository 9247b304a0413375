package org.ddlab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.ddlab.engine.Profile;
import org.junit.jupiter.api.Test;

class TrainingScheduleTest {

    /**
     * A schedule's description is part of the protocol's, which keys cached scores: different drops, factors,
     * augmentation and CutMix must read differently.
     */
    @Test
    void theDescriptionNamesEveryChoice() {
        assertEquals(
                "1000 epochs, batch 256, SGD lr 0.0100 (÷10 after epoch 501), momentum 0.90, weight decay 5.0e-04,"
                        + " augmentation DSA, regression targets' gradient norm ≤ 3",
                TrainingSchedule.paper().toString());
        TrainingSchedule idc = TrainingSchedule.paper()
                .withEpochs(300)
                .withBatchSize(64)
                .withDecay(List.of(2 / 3.0, 5 / 6.0), 0.2)
                .withCutMix(CutMix.reference())
                .withAugment(false)
                .withTargetClip(0);
        assertEquals(
                "300 epochs, batch 64, SGD lr 0.0100 (×0.2 after epochs 201, 251), momentum 0.90, weight decay 5.0e-04,"
                        + " augmentation off, CutMix p 0.5",
                idc.toString());
        assertEquals(List.of(201, 251), idc.decayEpochs());
        TrainingSchedule flat = new TrainingSchedule(10, 8, 0.1, 0, 0, 1.0, false);
        assertEquals(List.of(), flat.decayEpochs(), "a fraction of 1 never comes");
        assertEquals(
                "10 epochs, batch 8, SGD lr 0.100 (÷10 after epoch never), momentum 0.0, weight decay 0.0e+00,"
                        + " augmentation off, regression targets' gradient norm ≤ 3",
                flat.toString());
        assertEquals(TrainingSchedule.paper().withEpochs(60), TrainingSchedule.forProfile(Profile.QUICK));
        assertEquals(
                new TrainingSchedule(1, 256, 0.01, 0.9, 5e-4, 0.5, false),
                TrainingSchedule.wholeDataset(Profile.QUICK));
    }

    @Test
    void acceptsTheSmallestSettingsAndRefusesBelow() {
        TrainingSchedule least = new TrainingSchedule(1, 1, 1e-9, 0, 0, List.of(1e-9), 1.0, false, null, 0, null);
        assertEquals(TrainingSchedule.NO_CUTMIX, least.cutMix());
        assertEquals(List.of(1), least.decayEpochs());
        assertThrows(IllegalArgumentException.class, () -> least.withEpochs(0));
        assertThrows(IllegalArgumentException.class, () -> least.withBatchSize(0));
        assertThrows(IllegalArgumentException.class, () -> least.withLearningRate(0));
        assertThrows(IllegalArgumentException.class, () -> least.withDecay(List.of(0.5), 0));
        assertThrows(IllegalArgumentException.class, () -> least.withDecay(List.of(0.5), 1.01));
        assertThrows(IllegalArgumentException.class, () -> least.withDecay(List.of(0.0), 0.5));
        assertThrows(IllegalArgumentException.class, () -> least.withTargetClip(-1));
    }
}
