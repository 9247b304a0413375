package org.ddlab.sets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ddlab.data.DatasetSplits;
import org.ddlab.data.Datasets;
import org.ddlab.data.ImageSet;
import org.ddlab.data.Normalization;
import org.ddlab.distill.Metadata;
import org.ddlab.distill.SyntheticSet;
import org.ddlab.distill.SyntheticSetFile;
import org.ddlab.engine.Devices;
import org.ddlab.train.TinySets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SetStoreTest {

    private static NDManager manager;
    /** The tiny stripes, normalised with their own statistics (not the identity). */
    private static final DatasetSplits DATA = stripes(3);

    private static final ImageSet TRAIN = DATA.train();

    private static DatasetSplits stripes(long seed) {
        return DatasetSplits.of(
                        Datasets.inMemory("stripes", TinySets.stripes(12, 4, seed), TinySets.stripes(4, 4, seed + 10)))
                .load();
    }

    @BeforeAll
    static void start() {
        manager = NDManager.newBaseManager(Devices.preferred());
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    private static final Map<String, Object> DM =
            Map.of("method", "dm", "ipc", 2, "steps", 2, "real_batch", 4, "architecture", "convnet:width=4,depth=1");

    /**
     * The shipped sets (data/sets) are what their folders say: a notebook asking for {@code ipc10/frepo} must get
     * FRePo's Fashion-MNIST set of 10 stored images per class, and its made.json must name the command that
     * remakes it. Fails when a set is published into the wrong folder or without its provenance.
     */
    @Test
    void everyShippedSetIsTheMethodDatasetAndIpcOfItsFolder() throws Exception {
        Path ipc10 = SetStore.shippedDirectory("fashion-mnist", 10);
        assertTrue(Files.isRegularFile(ipc10.resolve("frepo/synthetic.npz")), ipc10 + " holds FRePo's IPC-10 set");
        int checked = 0;
        for (int ipc : new int[] {1, 10}) {
            Path dir = SetStore.shippedDirectory("fashion-mnist", ipc);
            try (var folders = Files.list(dir)) {
                for (Path folder : folders.filter(Files::isDirectory).toList()) {
                    String method = folder.getFileName().toString();
                    Metadata m = SyntheticSetFile.readMetadata(folder.resolve("synthetic.json"));
                    assertEquals(method, m.method(), folder + ": method");
                    assertEquals("fashion-mnist", m.dataset(), folder + ": dataset");
                    // IDC stores IPC images per class and decodes each into factor² (its sidecar's ipc).
                    Object stored = m.extra().get("stored_ipc");
                    assertEquals(ipc, stored == null ? m.ipc() : ((Number) stored).intValue(), folder + ": IPC");
                    String made = Files.readString(folder.resolve("made.json"));
                    assertTrue(made.contains("--method " + method + " --ipc " + ipc + " "), folder + ": " + made);
                    assertTrue(made.contains("\"mean\""), folder + " records its test accuracy");
                    checked++;
                }
            }
        }
        assertTrue(checked >= 2, "shipped sets checked: " + checked);
    }

    @Test
    void aRunsStartIsDescribedByHowItWasChosen() {
        // A distillation's start.npz names its choice: a K-Means start read as "random real images" would credit
        // the method with what DREAM's start already gives.
        assertTrue(
                Provenance.describe(Metadata.of("random", "mnist", 0L, 0L)).startsWith("random real images; seed 0"));
        assertTrue(Provenance.describe(Metadata.of("kmeans", "mnist", 0L, 0L))
                .startsWith("the real images nearest K-Means centres; seed 0"));
    }

    /** What a notebook offers as shipped is every method folder holding a set, and nothing for an unshipped dataset. */
    @Test
    void shippedMethodsAreTheFoldersHoldingASet() throws Exception {
        for (int ipc : new int[] {1, 10}) {
            Path dir = SetStore.shippedDirectory("fashion-mnist", ipc);
            java.util.Set<String> folders;
            try (var list = Files.list(dir)) {
                folders = list.filter(f -> Files.isRegularFile(f.resolve("synthetic.npz")))
                        .map(f -> f.getFileName().toString())
                        .collect(java.util.stream.Collectors.toSet());
            }
            List<String> methods = SetStore.shippedMethods("fashion-mnist", ipc);
            assertEquals(folders, java.util.Set.copyOf(methods), dir.toString());
            assertEquals(folders.size(), methods.size(), "each method once: " + methods);
            assertTrue(methods.contains("frepo") && methods.contains("dsa"), "IPC " + ipc + ": " + methods);
        }
        assertEquals(List.of(), SetStore.shippedMethods("no-such-dataset", 10));
    }

    @Test
    void madeOnceThenLoadedFromTheCacheAndAnotherRecipeIsMadeAgain(@TempDir Path dir) throws Exception {
        SetStore store = new SetStore(dir.resolve("saved"), dir.resolve("cache"), "a test");
        SetRecipe dm = SetRecipe.distilled("dm", DM);
        List<String> status = new ArrayList<>();
        SetStore.Prepared first = store.prepare(dm, DATA, manager, (set, done, total, s) -> status.add(s));
        assertEquals(SetStore.Origin.MADE, first.origin());
        assertEquals(8, first.set().size());
        assertTrue(Files.exists(first.file()), first.file().toString());
        assertTrue(status.stream().anyMatch(s -> s.contains("step 2/2")), status.toString());
        Metadata meta = SyntheticSetFile.readMetadata(SyntheticSetFile.sidecarOf(first.file()));
        assertEquals("a test", meta.extra().get("made_by"));
        assertTrue(first.howMade().startsWith("DM, 2 iterations on convnet:width=4,depth=1"), first.howMade());
        assertTrue(first.howMade().contains("made by a test"), first.howMade());

        SetStore.Prepared again = store.prepare(dm, DATA, manager, SetStore.Listener.NONE);
        assertEquals(SetStore.Origin.CACHED, again.origin());
        assertArrayEquals(
                first.set().images().image(3),
                again.set().images().image(3),
                "the cached set is the one made, to the bit: both are read back from the saved pixels");

        SetStore.Prepared longer = store.prepare(dm.with("steps", 3), DATA, manager, SetStore.Listener.NONE);
        assertEquals(SetStore.Origin.MADE, longer.origin(), "another recipe is another set");
        assertNotEquals(first.file(), longer.file());
        SetStore.Prepared otherData = store.prepare(dm, stripes(4), manager, SetStore.Listener.NONE);
        assertEquals(SetStore.Origin.MADE, otherData.origin(), "other training images make another set");
    }

    @Test
    void aSavedSetIsUsedAsItIsWhateverItsSettings(@TempDir Path dir) throws Exception {
        SetStore store = new SetStore(dir.resolve("saved"), dir.resolve("cache"), "a test");
        Path file = store.savedFile("frepo");
        Files.createDirectories(file.getParent());
        float[] px = new float[8 * 64];
        for (int i = 0; i < px.length; i++) {
            px[i] = (i % 64) / 64f;
        }
        float[] soft = new float[8 * 4];
        soft[5] = 0.7f;
        try (NDManager scope = manager.newSubManager();
                SyntheticSet set = SyntheticSet.of(
                        scope.create(px, new ai.djl.ndarray.types.Shape(8, 1, 8, 8)),
                        new int[] {0, 0, 1, 1, 2, 2, 3, 3},
                        scope.create(soft, new ai.djl.ndarray.types.Shape(8, 4)),
                        TRAIN.classNames())) {
            SyntheticSetFile.save(
                    set,
                    file,
                    Metadata.of("frepo", "stripes", 0L, 2000L)
                            .withExtra(
                                    "config",
                                    Map.of(
                                            "method",
                                            "frepo",
                                            "steps",
                                            3000,
                                            "architecture",
                                            "convnet",
                                            "pool_size",
                                            10,
                                            "real_batch",
                                            256,
                                            "learn_labels",
                                            true))
                            .withExtra("sampler_config", Map.of("sampler", "random")));
        }
        SetRecipe recipe = SetRecipe.distilled("frepo", Map.of("method", "frepo", "ipc", 2, "steps", 1));
        SetStore.Prepared p = store.prepare(recipe, DATA, manager, SetStore.Listener.NONE);
        assertEquals(SetStore.Origin.SAVED, p.origin());
        assertTrue(
                p.howMade().startsWith("FRePo, 2000 steps on convnet: pool of 10"),
                "the steps the run took, from the sidecar, not the recipe's: " + p.howMade());
        Normalization norm = DATA.preprocessing().normalization();
        assertEquals(
                (px[3] - norm.mean()[0]) / norm.std()[0],
                p.set().images().image(0)[3],
                1e-5f,
                "normalised like the training images");
        assertEquals(0.7f, p.set().softLabels()[5], 1e-6f, "learned labels come along");
        assertTrue(p.grid().toImage().getWidth() > 0);

        IllegalArgumentException ipc = assertThrows(
                IllegalArgumentException.class,
                () -> store.prepare(recipe.with("ipc", 3), DATA, manager, SetStore.Listener.NONE));
        assertTrue(ipc.getMessage().contains("asks for 3"), ipc.getMessage());
        Files.createDirectories(store.savedFile("dm").getParent());
        Files.copy(file, store.savedFile("dm"));
        Files.copy(SyntheticSetFile.sidecarOf(file), SyntheticSetFile.sidecarOf(store.savedFile("dm")));
        IllegalArgumentException method = assertThrows(
                IllegalArgumentException.class,
                () -> store.prepare(SetRecipe.distilled("dm", DM), DATA, manager, SetStore.Listener.NONE));
        assertTrue(method.getMessage().contains("was made by 'frepo'"), method.getMessage());
    }

    @Test
    void coresetsChooseRealImagesFromTheCandidatesAndRecordThem(@TempDir Path dir) throws Exception {
        SetStore store = new SetStore(dir.resolve("saved"), dir.resolve("cache"), "a test");
        SetRecipe herding = SetRecipe.coreset("herding", "herding", 2, 1)
                .with("feature_architecture", "mlp:width=8")
                .with("feature_epochs", 1)
                .with("feature_images", 6)
                .with("candidates", 5);
        SetStore.Prepared p = store.prepare(herding, DATA, manager, SetStore.Listener.NONE);
        assertEquals(SetStore.Origin.MADE, p.origin());
        assertEquals(8, p.set().size());
        assertTrue(p.set().softLabels() == null, "a coreset keeps its hard labels");
        Metadata meta = SyntheticSetFile.readMetadata(SyntheticSetFile.sidecarOf(p.file()));
        @SuppressWarnings("unchecked")
        List<Number> idx = (List<Number>) meta.extra().get("indices");
        for (int i = 0; i < idx.size(); i++) {
            assertArrayEquals(
                    TRAIN.image(idx.get(i).intValue()),
                    p.set().images().image(i),
                    1e-5f,
                    "image " + i + " is a real one");
            assertEquals(i / 2, TRAIN.label(idx.get(i).intValue()), "class by class");
        }
        assertTrue(
                p.howMade()
                        .contains("herding in the features of mlp:width=8 trained 1 epoch on 6 images per class, "
                                + "choosing among 5 candidates per class"),
                p.howMade());
        SetStore.Prepared random =
                store.prepare(SetRecipe.coreset("random", "random", 2, 0), DATA, manager, SetStore.Listener.NONE);
        assertTrue(random.howMade().startsWith("random real images; seed 0"), random.howMade());
        tech.tablesaw.api.Table t = SetStore.table("sources", List.of(p, random));
        assertEquals(List.of("set", "source", "how it was made", "seconds"), t.columnNames());
        assertEquals("made here", t.stringColumn("source").get(1));
        assertEquals(random.howMade(), t.stringColumn("how it was made").get(1));
    }

    /** Notebook 05 reads "gain over random" as what distillation added: that needs random = every distiller's start. */
    @Test
    void theRandomCoresetIsTheRealImagesEveryDistillerStartsFrom(@TempDir Path dir) throws Exception {
        SetStore store = new SetStore(dir.resolve("saved"), dir.resolve("cache"), "a test");
        SetStore.Prepared random =
                store.prepare(SetRecipe.coreset("random", "random", 3, 5), DATA, manager, SetStore.Listener.NONE);
        try (NDManager scope = manager.newSubManager();
                SyntheticSet start = SyntheticSet.fromReal(scope, TRAIN, 3, 5)) {
            assertArrayEquals(
                    start.images().toFloatArray(),
                    random.set().images().toNDArray(scope).toFloatArray(),
                    1e-6f);
        }
    }

    @Test
    void recipesCheckTheirOptionsEarly() {
        assertThrows(IllegalArgumentException.class, () -> SetRecipe.coreset("Bad Name", "random", 1, 0));
        assertThrows(
                IllegalArgumentException.class,
                () -> SetRecipe.coreset("x", "herding", 1, 0).with("pool_size", 3));
        assertThrows(IllegalArgumentException.class, () -> new SetRecipe("x", "kmeans", Map.of()));
        IllegalArgumentException typo = assertThrows(
                IllegalArgumentException.class,
                () -> SetRecipe.distilled("dc", Map.of("method", "dc", "pool_size", 3))
                        .config());
        assertTrue(typo.getMessage().contains("option of frepo"), typo.getMessage());
        SetRecipe dream = SetRecipe.distilled(
                "dc-dream",
                Map.of(
                        "method",
                        "dc",
                        "ipc",
                        10,
                        "steps",
                        20,
                        "sampler",
                        "dream",
                        "clusters",
                        32,
                        "candidates",
                        500,
                        "outer_loop",
                        1,
                        "inner_loop",
                        1,
                        "real_batch",
                        32));
        assertEquals(20, dream.steps());
        assertEquals(
                "DC, 20 iterations on convnet: real batch 32 per class, outer/inner loop 1/1; DREAM batches (32 clusters "
                        + "per class, re-clustered every 20 steps, 500 candidates per class); seed 0",
                dream.describe());
        assertEquals(0, SetRecipe.coreset("r", "random", 10, 0).steps());
        assertEquals(
                Map.of("method", "random", "ipc", 10, "seed", 0L),
                SetRecipe.coreset("r", "random", 10, 0).config(),
                "random selection needs no feature network");
    }

    @Test
    void theRunsDirectoryIsFoundAboveTheWorkingDirectory() {
        Path runs = SetStore.runsDirectory();
        // Tests run in lib/; the checkout holds environment/measure.
        assertTrue(
                Files.isDirectory(runs.getParent().resolve("environment/measure"))
                        || System.getenv("DDLAB_RUNS") != null,
                runs.toString());
    }
}
