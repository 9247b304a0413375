package org.ddlab.methods;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ddlab.data.DatasetSplits;
import org.ddlab.engine.Profile;
import org.ddlab.eval.EvaluationProtocol;
import org.ddlab.runs.Runner;
import org.ddlab.train.TinySets;
import org.ddlab.train.TrainingSchedule;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every method the jar ships makes its set better than the set it started from: on noisy stripes (one real
 * image per class is a poor example of it; the class's mean is a good one), a short run at a fixed seed
 * must beat its own start on the validation split by {@link #MARGIN}. A method whose step does nothing scores
 * exactly its start and fails the same check, which {@link #aStepThatDoesNothingFailsTheCheck} shows.
 */
class MethodsImproveTest {

    /** Validation accuracy a run must add to its start. */
    static final double MARGIN = 0.05;

    static DatasetSplits data;

    /** Per method, the settings of a run of a few seconds here (a method without an entry runs its defaults). */
    static final Map<String, Map<String, Object>> QUICK = Map.of(
            "frepo", Map.of("steps", 200, "pool_size", 2, "real_batch", 32),
            "dc", Map.of("steps", 50, "real_batch", 16),
            "dsa", Map.of("steps", 20, "real_batch", 16),
            "dm", Map.of("steps", 60, "real_batch", 16),
            // IDC's reference rates are for thousands of matching rounds; a larger one shows its step in a few dozen.
            "idc", Map.of("steps", 6, "inner_loop", 5, "real_batch", 16, "net_data", 32, "image_lr", 0.05),
            // MTT: 2 experts of 3 epochs. On 120 images an expert's epoch is one SGD step, so the student takes as
            // many steps (2) as the expert between its start and its target, at a rate that moves them (0.1); the
            // reference's image rate (1000, for 32×32 images) would throw these 8×8 pixels far out, 30 does not.
            "mtt",
                    Map.of(
                            "steps",
                            20,
                            "experts",
                            2,
                            "max_start_epoch",
                            2,
                            "expert_epochs",
                            2,
                            "syn_steps",
                            2,
                            "lr_img",
                            30,
                            "lr_teacher",
                            0.1,
                            "lr_lr",
                            1e-7),
            // Not shipped: the check's own control, a step that does nothing.
            "toy-mean", Map.of("steps", 5, "pull", 0.0));

    /** MTT's experts, trained here instead of in the checkout's shared cache. */
    @TempDir
    static Path experts;

    @BeforeAll
    static void noisyStripes() {
        data = TinySets.splits(30, 20, 4, 7, 1.0);
        System.setProperty("ddlab.experts", experts.toString());
    }

    @AfterAll
    static void sharedExpertsAgain() {
        System.clearProperty("ddlab.experts");
    }

    /** A network's quick score: one run of 300 epochs (a few images are one batch: 300 steps), no augmentation, on the validation split. */
    private static EvaluationProtocol protocol() {
        return EvaluationProtocol.forProfile(Profile.QUICK)
                .withRepeats(1)
                .withSchedule(TrainingSchedule.forProfile(Profile.QUICK)
                        .withEpochs(300)
                        .withAugment(false));
    }

    /** Distils with {@code method} at IPC 1 and returns [start's, set's] validation accuracy. */
    static double[] startAndEnd(String method, Path dir) throws IOException {
        Map<String, Object> options = new LinkedHashMap<>(QUICK.getOrDefault(method, Map.of("steps", 5)));
        options.put("method", method);
        options.put("ipc", 1);
        options.put("seed", 3);
        options.put("architecture", "convnet:width=8,depth=1");
        Map<String, Object> config =
                Methods.configure(options, 5, data.dataset().name());
        Runner.Outcome o =
                Runner.distil(config, data, dir, Runner.Checkpoints.every(1000), Map.of(), Runner.Listener.NONE);
        double start = Runner.evaluate(
                        dir.resolve("start.npz"),
                        "start",
                        data,
                        data.validation(),
                        protocol(),
                        "convnet:width=8,depth=1",
                        EvaluationProtocol.Listener.NONE)
                .mean();
        double end = Runner.evaluate(
                        o.set(),
                        method,
                        data,
                        data.validation(),
                        protocol(),
                        "convnet:width=8,depth=1",
                        EvaluationProtocol.Listener.NONE)
                .mean();
        return new double[] {start, end};
    }

    @Test
    void everyShippedMethodBeatsItsOwnStart(@TempDir Path dir) throws IOException {
        List<String> short_ = new ArrayList<>();
        StringBuilder report = new StringBuilder();
        for (Method m : Methods.shipped()) {
            double[] r = startAndEnd(m.name(), dir.resolve(m.name()));
            report.append(String.format(java.util.Locale.ROOT, "%s: %.3f -> %.3f; ", m.name(), r[0], r[1]));
            if (r[1] - r[0] < MARGIN) {
                short_.add(m.name());
            }
        }
        assertTrue(short_.isEmpty(), "no better than their start by " + MARGIN + ": " + short_ + " (" + report + ")");
    }

    @Test
    void aStepThatDoesNothingFailsTheCheck(@TempDir Path dir) throws IOException {
        ToyMethodTest.register(); // its mean pull, at pull 0: every step leaves the images as they are
        double[] r = startAndEnd("toy-mean", dir);
        assertEquals(r[0], r[1], "an unchanged set scores its start");
        assertTrue(r[1] - r[0] < MARGIN);
    }
}
