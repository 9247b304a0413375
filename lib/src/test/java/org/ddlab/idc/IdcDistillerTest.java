package org.ddlab.idc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.ddlab.data.ImageSet;
import org.ddlab.distill.DistillationRun;
import org.ddlab.distill.Distiller;
import org.ddlab.distill.SyntheticSet;
import org.ddlab.dream.RepresentativeSampler;
import org.ddlab.methods.Methods;
import org.ddlab.sampling.RandomSampler;
import org.ddlab.train.TinySets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdcDistillerTest {

    private static final ImageSet REAL = TinySets.stripes(24, 4, 3);

    /** A tiny IDC: 2 stored images per class (8 decoded), 2 matchings per step, a little network training. */
    private static Map<String, Object> tiny(long steps) {
        Map<String, Object> o = new HashMap<>(Map.of(
                "method",
                "idc",
                "ipc",
                2,
                "steps",
                steps,
                "architecture",
                "convnet:width=4,depth=1",
                "inner_loop",
                2,
                "real_batch",
                6,
                "net_data",
                12,
                "image_lr",
                0.05));
        return Methods.configure(o, steps, "stripes");
    }

    @Test
    void theExportedSetIsTheDecodedOneAndTheStartIsTiledRealImages() {
        Map<String, Object> config = tiny(2);
        assertEquals(2, config.get("factor"), "factor 2 by default");
        assertEquals(
                "mse", config.get("metric"), "a dataset the reference never tuned starts from CIFAR-10's settings");
        try (NDManager m = NDManager.newBaseManager();
                Distiller d = Methods.named("idc").create(config, new RandomSampler(REAL, 0), "stripes", m)) {
            assertEquals(8, d.synthetic().size(), "2 stored images per class");
            try (SyntheticSet decoded = d.exportSet()) {
                assertEquals(32, decoded.size(), "each decodes into 4");
                assertEquals(8, decoded.ipc());
                // The start tiles 8 random real images of class 0 into stored images 0 and 1.
                float[] px = decoded.pixels();
                assertNotEquals(0f, px[0]);
            }
            for (int step = 0; step < 2; step++) {
                Distiller.StepResult r = d.step();
                assertTrue(Double.isFinite(r.loss()) && r.loss() > 0, "loss " + r.loss());
            }
            assertEquals(2, d.stepsDone());
            assertTrue(d.metadata().extra().get("decoded").toString().contains("4 images"));
        }
    }

    /** The start's real images are drawn at random (IDC's class_sample), by the run's seed: same seed, same start. */
    @Test
    void theSeedPicksTheStart() {
        float[][] starts = new float[3][];
        long[] seeds = {0, 0, 1};
        for (int k = 0; k < 3; k++) {
            Map<String, Object> o = new HashMap<>(tiny(1));
            o.put("seed", seeds[k]);
            try (NDManager m = NDManager.newBaseManager();
                    Distiller d = Methods.named("idc").create(o, new RandomSampler(REAL, seeds[k]), "stripes", m);
                    SyntheticSet s = d.exportSet()) {
                starts[k] = s.pixels();
            }
        }
        assertArrayEquals(starts[0], starts[1], "same seed, same start");
        assertFalse(java.util.Arrays.equals(starts[0], starts[2]), "another seed, another start");
    }

    @Test
    void theImagesMoveAndAResumedRunEqualsAnUninterruptedOne(@TempDir Path dir) throws Exception {
        float[] start;
        float[] straight;
        try (NDManager m = NDManager.newBaseManager();
                Distiller d = Methods.named("idc").create(tiny(3), new RandomSampler(REAL, 0), "stripes", m)) {
            start = d.synthetic().images().stopGradient().toFloatArray();
            new DistillationRun(dir.resolve("a"), 100, 1, null).run(d, r -> true);
            straight = d.synthetic().images().stopGradient().toFloatArray();
        }
        double moved = 0;
        for (int i = 0; i < start.length; i++) {
            moved += Math.abs(start[i] - straight[i]);
        }
        assertTrue(moved > 1e-3, "matching moved the stored pixels: " + moved);
        Path b = dir.resolve("b");
        try (NDManager m = NDManager.newBaseManager();
                Distiller d = Methods.named("idc").create(tiny(3), new RandomSampler(REAL, 0), "stripes", m)) {
            assertFalse(new DistillationRun(b, 100, 1, null)
                    .run(d, r -> r.step() < 1)
                    .finished());
        }
        try (NDManager m = NDManager.newBaseManager();
                Distiller d = Methods.named("idc").create(tiny(3), new RandomSampler(REAL, 0), "stripes", m)) {
            DistillationRun run = new DistillationRun(b, 100, 1, null);
            assertEquals(1L, run.resume(d).orElseThrow());
            assertTrue(run.run(d, r -> true).finished());
            assertArrayEquals(straight, d.synthetic().images().stopGradient().toFloatArray(), 0f, "bit for bit");
        }
    }

    /** The phases bench idc-step reports cover the step: every phase occurs, in order, and together they are the step's time. */
    @Test
    void thePhasesAccountForTheStep() {
        try (NDManager m = NDManager.newBaseManager();
                Distiller d = Methods.named("idc").create(tiny(1), new RandomSampler(REAL, 0), "stripes", m)) {
            Distiller.StepResult r = d.step();
            Map<String, Double> phases = ((IdcDistiller) d).phaseSeconds();
            assertEquals(
                    java.util.List.of(
                            IdcDistiller.START,
                            IdcDistiller.REAL_BATCH,
                            IdcDistiller.SYNTHETIC_BATCH,
                            IdcDistiller.REAL_GRADIENT,
                            IdcDistiller.SYNTHETIC_GRADIENT,
                            IdcDistiller.DISTANCE_BACKWARD,
                            IdcDistiller.IMAGE_STEP,
                            IdcDistiller.NETWORK_UPDATE),
                    java.util.List.copyOf(phases.keySet()));
            double sum =
                    phases.values().stream().mapToDouble(Double::doubleValue).sum();
            assertTrue(phases.values().stream().allMatch(v -> v > 0), "every phase took some time: " + phases);
            assertTrue(
                    sum <= r.seconds() && sum > 0.8 * r.seconds(),
                    "phases " + sum + " s of a " + r.seconds() + " s step");
        }
    }

    @Test
    void dreamsSamplerAndKMeansStartWorkWithIt() {
        Map<String, Object> o = new HashMap<>(tiny(1));
        o.put("sampler", "dream");
        o.put("clusters", 4);
        o.put("init", "kmeans");
        o.remove("real_batch");
        o.remove("interval");
        o.remove("candidates");
        Map<String, Object> config = Methods.configure(o, 1, "stripes");
        assertEquals(4, config.get("real_batch"), "DREAM matches each class against its N representatives");
        assertEquals(10, config.get("interval"), "IDC re-clusters every 10 matchings, as DREAM's reference");
        assertEquals(8, Methods.named("idc").startImagesPerClass(config), "K-Means start: ipc × factor² per class");
        try (NDManager m = NDManager.newBaseManager();
                Distiller d = Methods.create(config, 1, REAL, "stripes", m)) {
            assertTrue(Methods.sampler(config, REAL) instanceof RepresentativeSampler);
            float[] before = d.synthetic().images().toFloatArray();
            Methods.initialise(d, config, REAL, m);
            assertFalse(
                    java.util.Arrays.equals(before, d.synthetic().images().toFloatArray()),
                    "the K-Means start replaced the images");
            assertTrue(Double.isFinite(d.step().loss()));
        }
    }
}
