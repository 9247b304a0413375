package org.ddlab.mtt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ddlab.data.ImageSet;
import org.ddlab.distill.Checkpoint;
import org.ddlab.distill.DistillationRun;
import org.ddlab.distill.Distiller;
import org.ddlab.distill.DivergenceException;
import org.ddlab.distill.Metadata;
import org.ddlab.engine.Profile;
import org.ddlab.eval.EvaluationProtocol;
import org.ddlab.methods.Method;
import org.ddlab.methods.Methods;
import org.ddlab.sampling.RandomSampler;
import org.ddlab.train.TinySets;
import org.ddlab.train.TrainingSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MttDistillerTest {

    private static final ImageSet REAL = TinySets.stripes(24, 4, 3);

    /** A tiny MTT: 2 experts of 2 epochs (start epochs 0 and 1, targets one epoch later), 3 student steps on 2 images per class. */
    private static Map<String, Object> tiny(long steps, Object... more) {
        Map<String, Object> o = new HashMap<>(Map.of(
                "method",
                "mtt",
                "ipc",
                2,
                "steps",
                steps,
                "architecture",
                "convnet:width=8,depth=1",
                "experts",
                2,
                "max_start_epoch",
                2,
                "expert_epochs",
                1,
                "syn_steps",
                3,
                "lr_img",
                100,
                "lr_teacher",
                0.05));
        for (int i = 0; i < more.length; i += 2) {
            o.put((String) more[i], more[i + 1]);
        }
        return Methods.configure(o, steps, "stripes");
    }

    private static MttDistiller distiller(Map<String, Object> config, Path experts, NDManager m) {
        return new MttDistiller(config, new RandomSampler(REAL, 0), "stripes", m, experts);
    }

    @Test
    void theImagesAndTheRateLearnAndAResumedRunEqualsAnUninterruptedOne(@TempDir Path dir) throws Exception {
        Path experts = dir.resolve("experts");
        float[] start;
        float[] straight;
        double rate;
        try (NDManager m = NDManager.newBaseManager();
                MttDistiller d = distiller(tiny(3), experts, m)) {
            start = d.synthetic().images().toFloatArray();
            Distiller.StepResult first = d.step();
            assertEquals(
                    2.0 * 2, first.figures().get("expert_epochs_trained"), "the first step trains the missing experts");
            assertTrue(Double.isFinite(first.loss()) && first.loss() > 0, "loss " + first.loss());
            new DistillationRun(dir.resolve("a"), 100, 1, null).run(d, r -> true);
            straight = d.synthetic().images().toFloatArray();
            rate = d.learnedRate();
            Metadata meta = d.metadata();
            assertEquals(
                    rate,
                    ((Number) meta.extra().get("syn_lr")).doubleValue(),
                    "the learned rate is in the set's metadata");
            assertEquals(d.experts().key(), meta.extra().get("experts"));
        }
        assertFalse(Arrays.equals(start, straight), "the images moved");
        assertNotEquals(0.05, rate, 1e-9, "the rate learned");
        Path b = dir.resolve("b");
        try (NDManager m = NDManager.newBaseManager();
                MttDistiller d = distiller(tiny(3), experts, m)) {
            Distiller.StepResult[] seen = new Distiller.StepResult[1];
            assertFalse(new DistillationRun(b, 100, 1, null)
                    .run(d, r -> {
                        seen[0] = r;
                        return r.step() < 1;
                    })
                    .finished());
            assertEquals(
                    0.0, seen[0].figures().get("expert_epochs_trained"), "a second run finds its experts in the cache");
        }
        try (NDManager m = NDManager.newBaseManager();
                MttDistiller d = distiller(tiny(3), experts, m)) {
            DistillationRun run = new DistillationRun(b, 100, 1, null);
            assertEquals(1L, run.resume(d).orElseThrow());
            assertTrue(run.run(d, r -> true).finished());
            assertArrayEquals(straight, d.synthetic().images().toFloatArray(), 0f, "images bit for bit");
            assertEquals(rate, d.learnedRate(), 0.0, "the learned rate bit for bit");
        }
    }

    @Test
    void explodingImagesEndTheRunAndNothingOfTheStepIsKept(@TempDir Path dir) throws Exception {
        try (NDManager m = NDManager.newBaseManager();
                MttDistiller d = distiller(tiny(3, "lr_img", 1e12), dir.resolve("experts"), m)) {
            float[] start = d.synthetic().images().toFloatArray();
            DivergenceException e = assertThrows(
                    DivergenceException.class,
                    () -> new DistillationRun(dir.resolve("run"), 1, 1, null).run(d, r -> true));
            assertTrue(
                    e.getMessage().startsWith("mtt diverged at step 1: a synthetic image value reached"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("lower lr_img (1.0E12) or lr_lr"), e.getMessage());
            assertArrayEquals(start, d.synthetic().images().toFloatArray(), 0f, "the step's update was taken back");
            assertEquals(0.05, d.learnedRate(), 1e-9);
            assertFalse(Files.exists(dir.resolve("run/synthetic.npz")), "no set was saved");
            assertTrue(Checkpoint.list(dir.resolve("run")).isEmpty(), "and no checkpoint");
        }
    }

    @Test
    void aRunawayRateEndsTheRun(@TempDir Path dir) {
        try (NDManager m = NDManager.newBaseManager();
                MttDistiller d = distiller(tiny(4, "lr_lr", 1e9, "lr_img", 0.0), dir.resolve("experts"), m)) {
            DivergenceException e = assertThrows(
                    DivergenceException.class,
                    () -> new DistillationRun(dir.resolve("run"), 1, 1, null).run(d, r -> true));
            // Here the loss grows with the rate (the student overshoots), so a huge lr_lr drives syn_lr below zero.
            assertTrue(
                    e.getMessage().startsWith("mtt diverged at step 1: the learned rate syn_lr became -"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("(from 0.05); lower lr_img (0.0) or lr_lr (1.0E9)"), e.getMessage());
            assertTrue(
                    d.learnedRate() > 0 && Double.isFinite(d.learnedRate()), "the rate in memory is the last good one");
        }
    }

    @Test
    void minibatchesAreChunksOfSeededPermutations(@TempDir Path dir) {
        try (NDManager m = NDManager.newBaseManager();
                MttDistiller d = distiller(tiny(1, "syn_steps", 5, "batch_syn", 3), dir, m)) {
            List<int[]> batches = d.batches(1);
            assertEquals(
                    List.of(3, 3, 2, 3, 3),
                    batches.stream().map(b -> b.length).toList(),
                    "8 images in chunks of 3, then a new permutation");
            int[] first = new int[8];
            System.arraycopy(batches.get(0), 0, first, 0, 3);
            System.arraycopy(batches.get(1), 0, first, 3, 3);
            System.arraycopy(batches.get(2), 0, first, 6, 2);
            Arrays.sort(first);
            assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, first, "one permutation covers every image once");
            assertArrayEquals(batches.get(0), d.batches(1).get(0), "the same step draws the same");
            assertFalse(
                    Arrays.equals(batches.get(0), d.batches(2).get(0))
                            && Arrays.equals(batches.get(1), d.batches(2).get(1)),
                    "another step draws another");
        }
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class, () -> {
            try (NDManager m = NDManager.newBaseManager()) {
                Methods.create(tiny(1, "batch_syn", 9), 1, REAL, "stripes", m);
            }
        });
        assertTrue(tooMany.getMessage().contains("'batch_syn' of mtt is 9, but the set has 8"), tooMany.getMessage());
    }

    @Test
    void dreamsSamplerTrainsTheExpertsOnRepresentativeBatchesAndAResumedRunEqualsAnUninterruptedOne(@TempDir Path dir)
            throws Exception {
        Path experts = dir.resolve("experts");
        Map<String, Object> config = tiny(2, "sampler", "dream", "clusters", 20);
        assertEquals(50, config.get("interval"), "MTT's interval, in expert steps");
        float[] straight;
        String key;
        try (NDManager m = NDManager.newBaseManager();
                Distiller d = Methods.create(config, 2, REAL, "stripes", m)) {
            MttDistiller mtt = (MttDistiller) d;
            key = mtt.experts().key();
            try (NDManager r = NDManager.newBaseManager();
                    MttDistiller random = distiller(tiny(2), experts, r)) {
                assertNotEquals(random.experts().key(), key, "DREAM's experts have a cache of their own");
            }
            assertEquals(
                    Map.of("sampler", "dream", "clusters", 20, "interval", 50, "candidates", 500),
                    mtt.experts().batches());
        }
        try (NDManager m = NDManager.newBaseManager();
                MttDistiller d = new MttDistiller(config, Methods.sampler(config, REAL), "stripes", m, experts)) {
            new DistillationRun(dir.resolve("a"), 100, 1, null).run(d, r -> true);
            straight = d.synthetic().images().toFloatArray();
            assertEquals(key, d.metadata().extra().get("experts"));
            assertTrue(((Number) d.metadata().extra().get("expert_sampling_seconds")).doubleValue() > 0);
        }
        Path b = dir.resolve("b");
        try (NDManager m = NDManager.newBaseManager();
                MttDistiller d = new MttDistiller(config, Methods.sampler(config, REAL), "stripes", m, experts)) {
            assertFalse(new DistillationRun(b, 100, 1, null)
                    .run(d, r -> r.step() < 1)
                    .finished());
        }
        try (NDManager m = NDManager.newBaseManager();
                MttDistiller d = new MttDistiller(config, Methods.sampler(config, REAL), "stripes", m, experts)) {
            DistillationRun run = new DistillationRun(b, 100, 1, null);
            assertEquals(1L, run.resume(d).orElseThrow());
            assertTrue(run.run(d, r -> true).finished());
            assertArrayEquals(straight, d.synthetic().images().toFloatArray(), 0f, "images bit for bit");
        }
    }

    @Test
    void runsOfAnySeedShareTheExpertsOfOneExpertSeed(@TempDir Path dir) {
        Path experts = dir.resolve("experts");
        try (NDManager m = NDManager.newBaseManager();
                MttDistiller seed0 = distiller(tiny(1), experts, m);
                MttDistiller seed5 = distiller(tiny(1, "seed", 5L), experts, m);
                MttDistiller other = distiller(tiny(1, "seed", 5L, "expert_seed", 3L), experts, m)) {
            assertEquals(0L, seed0.config().get("expert_seed"), "one set of experts by default");
            assertEquals(seed0.experts().key(), seed5.experts().key(), "as the reference's one buffer");
            assertNotEquals(seed0.experts().key(), other.experts().key(), "another expert seed, other experts");
        }
    }

    @Test
    void defaultsAreTheReferences() {
        Map<String, Object> fashion = Methods.configure(Map.of("method", "mtt", "ipc", 10), 100, "fashion-mnist");
        assertEquals(100, fashion.get("experts"));
        assertEquals(3, fashion.get("expert_epochs"));
        assertEquals(25, fashion.get("max_start_epoch"));
        assertEquals(20, fashion.get("syn_steps"));
        assertEquals(0, fashion.get("batch_syn"));
        assertEquals(1000.0, fashion.get("lr_img"));
        assertEquals(1e-5, fashion.get("lr_lr"));
        assertEquals(0.01, fashion.get("lr_teacher"));
        assertEquals(
                20,
                Methods.configure(Map.of("method", "mtt", "ipc", 1), 100, "cifar100")
                        .get("max_start_epoch"),
                "the readme's CIFAR-100 command");
        assertEquals(
                25,
                Methods.configure(Map.of("method", "mtt", "ipc", 10), 100, "cifar100")
                        .get("max_start_epoch"));
        assertEquals(
                25,
                Methods.configure(Map.of("method", "mtt", "ipc", 1), 100, "cifar10")
                        .get("max_start_epoch"));
    }

    @Test
    void thePapersProtocolTrainsAtTheLearnedRate() {
        Method mtt = Methods.named("mtt");
        EvaluationProtocol full = EvaluationProtocol.forProfile(Profile.FULL);
        Metadata made = Metadata.of("mtt", "fashion-mnist", 0L, 5000L).withExtra("syn_lr", 0.0237);
        EvaluationProtocol p = mtt.paperProtocol(full, "fashion-mnist", made).orElseThrow();
        TrainingSchedule s = p.schedule();
        assertEquals(0.0237, s.learningRate());
        assertEquals(
                full.schedule().withLearningRate(0.0237),
                s,
                "evaluate_synset's SGD otherwise: momentum 0.9, wd 5e-4, ÷10 at half");
        assertTrue(p.toString().startsWith("MTT's protocol"), p.toString());
        IllegalArgumentException none = assertThrows(
                IllegalArgumentException.class,
                () -> mtt.paperProtocol(full, "fashion-mnist", Metadata.of("mtt", "fashion-mnist", 0L, 1L)));
        assertTrue(none.getMessage().contains("syn_lr"), none.getMessage());
        assertTrue(
                Methods.named("dm").paperProtocol(full, "fashion-mnist", made).isEmpty(),
                "other methods are unchanged");
    }
}
