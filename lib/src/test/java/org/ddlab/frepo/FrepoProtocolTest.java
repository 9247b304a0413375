package org.ddlab.frepo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ddlab.engine.Profile;
import org.ddlab.eval.EvaluationProtocol;
import org.ddlab.train.TrainingSchedule;
import org.ddlab.train.WarmupCosine;
import org.junit.jupiter.api.Test;

class FrepoProtocolTest {

    @Test
    void ipcTenOnFashionMnistIsTwoThousandAdamStepsOnTheWholeSet() {
        EvaluationProtocol p = FrepoProtocol.of(EvaluationProtocol.forProfile(Profile.DEFAULT), "fashion-mnist", 100);
        TrainingSchedule s = p.schedule();
        assertEquals(2000, s.epochs(), "one batch of all 100 images a step");
        assertEquals(100, s.batchSize());
        assertEquals(3e-4, s.learningRate());
        assertEquals(WarmupCosine.FREPO, s.adam());
        assertEquals(0, s.targetClip(), "squared error unbounded");
        assertEquals(0, s.weightDecay());
        assertEquals(3, p.repeats(), "the profile's repeats");
        assertTrue(p.toString().startsWith("FRePo's protocol"), p.toString());
    }

    @Test
    void theStepsFollowTheSizeOfTheSetAndTheQuickProfileShortensThem() {
        EvaluationProtocol full = EvaluationProtocol.forProfile(Profile.FULL);
        assertEquals(1000, FrepoProtocol.of(full, "mnist", 10).schedule().epochs());
        TrainingSchedule large = FrepoProtocol.of(full, "cifar100", 1000).schedule();
        assertEquals(500, large.batchSize(), "batches of at most 500");
        assertEquals(5000, large.epochs(), "10 000 steps, two a pass over 1000 images");
        TrainingSchedule quick = FrepoProtocol.of(EvaluationProtocol.forProfile(Profile.QUICK), "fashion-mnist", 100)
                .schedule();
        assertEquals(400, quick.epochs(), "60 of the default's 300 epochs: a fifth of the steps");
        assertEquals(new WarmupCosine(100, 0.01), quick.adam(), "and of the warm-up");
        EvaluationProtocol plain = EvaluationProtocol.forProfile(Profile.DEFAULT);
        plain = plain.withSchedule(plain.schedule().withAugment(false));
        assertEquals(false, FrepoProtocol.of(plain, "mnist", 100).schedule().augment(), "--no-augment holds");
    }

    @Test
    void aSizeTheReferenceStatesNoStepsForIsOneClearLine() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> FrepoProtocol.of(EvaluationProtocol.forProfile(Profile.DEFAULT), "mnist", 30));
        assertEquals(
                "FRePo's evaluation states its number of steps for sets of [10, 100, 200, 400, 500, 1000, 2000, 5000]"
                        + " images; this set has 30: leave --protocol out",
                e.getMessage());
    }
}
