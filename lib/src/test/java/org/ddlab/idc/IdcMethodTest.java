package org.ddlab.idc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ddlab.engine.Profile;
import org.ddlab.eval.EvaluationProtocol;
import org.ddlab.methods.Methods;
import org.ddlab.train.TrainingSchedule;
import org.junit.jupiter.api.Test;

class IdcMethodTest {

    /** IDC's paper protocol: its MultiStepLR milestones to the epoch, batch 64, CutMix; the profile's epochs and runs. */
    @Test
    void paperProtocolIsIdcsEvaluation() {
        EvaluationProtocol full = EvaluationProtocol.forProfile(Profile.FULL);
        EvaluationProtocol idc =
                Methods.named("idc").paperProtocol(full, "fashion-mnist").orElseThrow();
        TrainingSchedule s = idc.schedule();
        assertEquals(1000, s.epochs());
        assertEquals(64, s.batchSize());
        assertEquals(
                List.of(666, 833), s.decayEpochs(), "MultiStepLR(milestones=[2E//3, 5E//6]) drops after these epochs");
        assertEquals(0.2, s.decayFactor());
        assertEquals(0.5, s.cutMix().probability());
        assertEquals(1.0, s.cutMix().beta());
        assertEquals(full.schedule().learningRate(), s.learningRate());
        assertEquals(full.repeats(), idc.repeats());
        assertTrue(idc.toString().startsWith("IDC's protocol: 5 run(s) of: 1000 epochs, batch 64"), idc.toString());
        EvaluationProtocol shorter = Methods.named("idc")
                .paperProtocol(full.withSchedule(full.schedule().withEpochs(300)), "mnist")
                .orElseThrow();
        assertEquals(List.of(200, 250), shorter.schedule().decayEpochs());
        assertTrue(
                Methods.named("dm").paperProtocol(full, "fashion-mnist").isEmpty(),
                "DM's sets have the common protocol only");
    }
}
