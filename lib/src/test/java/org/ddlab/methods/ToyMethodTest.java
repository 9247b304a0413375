package org.ddlab.methods;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.ddlab.ablate.Ablation;
import org.ddlab.ablate.AblationGrid;
import org.ddlab.data.DatasetSplits;
import org.ddlab.distill.AbstractDistiller;
import org.ddlab.distill.Distiller;
import org.ddlab.engine.GradMode;
import org.ddlab.engine.Profile;
import org.ddlab.eval.EvaluationProtocol;
import org.ddlab.sampling.RealSampler;
import org.ddlab.sets.SetRecipe;
import org.ddlab.sets.SetStore;
import org.ddlab.train.TinySets;
import org.ddlab.train.TrainingSchedule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A method added through the public API alone — a {@link Method}, a distiller on
 * {@link AbstractDistiller}, one {@link Methods#register} — runs through an ablation grid and the set store,
 * with its own option checked like any other; {@code ToyMethodCommandLineTest} (the cli module) runs it from the
 * command line. (docs/extending.md walks through it.)
 */
class ToyMethodTest {

    /** Moves each synthetic image a fraction {@code pull} of the way to the mean of a real batch of its class. */
    static final class MeanPull extends AbstractDistiller {
        MeanPull(Map<String, Object> config, RealSampler sampler, String dataset, NDManager manager) {
            super(config, sampler, dataset, manager);
        }

        @Override
        protected double iterate(long t, Map<String, Double> figures) {
            double pull = doubleOf("pull");
            int ipc = intOf("ipc");
            double moved = 0;
            try (NDScope scope = new NDScope();
                    GradMode.Scope off = GradMode.off()) {
                for (int c = 0; c < synthetic.numClasses(); c++) {
                    int[] idx = sampler.sample(c, intOf("real_batch"), t, null);
                    NDArray mean = sampler.real().images(manager, idx).mean(new int[] {0}, true);
                    NDArray mine = synthetic.images().get(c * ipc + ":" + (c + 1) * ipc);
                    NDArray step = mean.sub(mine).mul(pull);
                    moved += step.abs().mean().getFloat();
                    synthetic
                            .images()
                            .set(new ai.djl.ndarray.index.NDIndex(c * ipc + ":" + (c + 1) * ipc), mine.add(step));
                }
            }
            return moved / synthetic.numClasses();
        }
    }

    static final class Toy implements Method {
        @Override
        public String name() {
            return "toy-mean";
        }

        @Override
        public String summary() {
            return "a toy: pull each image towards its class's mean";
        }

        @Override
        public List<Option> options() {
            return List.of(
                    Option.real("pull", "fraction of the way to the mean per step", c -> 0.5, 0, 1.0),
                    Option.integer("real_batch", "real images per class per step", c -> 8, 1));
        }

        @Override
        public Distiller create(Map<String, Object> config, RealSampler sampler, String dataset, NDManager manager) {
            return new MeanPull(config, sampler, dataset, manager);
        }

        @Override
        public String describe(Map<String, Object> config) {
            return "toy mean pull of " + config.get("pull") + ", " + Methods.text(config.get("steps")) + " steps";
        }
    }

    @BeforeAll
    static void register() {
        if (!Methods.names().contains("toy-mean")) {
            Methods.register(new Toy());
        }
    }

    @Test
    void itsOptionsAreCheckedAndDescribed() {
        Map<String, Object> c = Methods.configure(Map.of("method", "toy-mean", "steps", 3), 1);
        assertEquals(0.5, c.get("pull"));
        assertTrue(
                Methods.describe(c).startsWith("toy mean pull of 0.5, 3 steps; random real batches"),
                Methods.describe(c));
        IllegalArgumentException range = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> Methods.configure(Map.of("method", "toy-mean", "pull", 2), 1));
        assertTrue(range.getMessage().contains("'pull' of toy-mean must be a number ≥ 0 and ≤ 1"), range.getMessage());
        IllegalArgumentException theirs = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> Methods.configure(Map.of("method", "frepo", "pull", 0.1), 1));
        assertTrue(theirs.getMessage().contains("'pull' is an option of toy-mean, not of frepo"), theirs.getMessage());
    }

    @Test
    void itRunsThroughAGridAndTheSetStore(@TempDir Path dir) throws Exception {
        DatasetSplits data = TinySets.splits(12, 4, 4, 3);
        EvaluationProtocol protocol = EvaluationProtocol.forProfile(Profile.QUICK)
                .withRepeats(1)
                .withSchedule(
                        TrainingSchedule.forProfile(Profile.QUICK).withEpochs(2).withAugment(false));
        List<Ablation.Cell> cells = new Ablation(dir.resolve("grid"), data, protocol, 2)
                .evaluatingWith("mlp:width=8")
                .run(
                        AblationGrid.of("pull", Map.of("method", "toy-mean", "ipc", 1))
                                .vary("pull", 0.1, 0.9),
                        Ablation.Listener.NONE);
        assertEquals(2, cells.size());
        assertTrue(cells.stream().allMatch(c -> c.steps() == 2 && c.result().mean() >= 0));

        SetStore store = new SetStore(dir.resolve("saved"), dir.resolve("cache"), "a test");
        try (NDManager manager = NDManager.newBaseManager()) {
            SetStore.Prepared p = store.prepare(
                    SetRecipe.distilled("toy", Map.of("method", "toy-mean", "ipc", 2, "steps", 2)),
                    data,
                    manager,
                    SetStore.Listener.NONE);
            assertEquals(8, p.set().size());
            assertTrue(p.howMade().startsWith("toy mean pull of 0.5, 2 steps"), p.howMade());
        }
    }
}
