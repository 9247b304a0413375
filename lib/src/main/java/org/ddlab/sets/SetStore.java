package org.ddlab.sets;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ddlab.coreset.Coresets;
import org.ddlab.coreset.Embedder;
import org.ddlab.data.DatasetSplits;
import org.ddlab.data.ImageSet;
import org.ddlab.distill.Caches;
import org.ddlab.distill.Metadata;
import org.ddlab.distill.SyntheticSet;
import org.ddlab.distill.SyntheticSetFile;
import org.ddlab.engine.Profile;
import org.ddlab.engine.Seeds;
import org.ddlab.engine.Shuffle;
import org.ddlab.methods.Methods;
import org.ddlab.nn.Architectures;
import org.ddlab.nn.Network;
import org.ddlab.runs.Runner;
import org.ddlab.train.Augmentation;
import org.ddlab.train.LabeledSet;
import org.ddlab.train.Trainer;
import org.ddlab.train.TrainingSchedule;
import org.ddlab.viz.ImageGrid;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Where the sets of a comparison come from: <b>saved</b> sets first, made ones only when there is none.
 *
 * <ol>
 *   <li>{@code savedDir/<name>/synthetic.npz} — a set someone made on purpose, at whatever scale (e.g.
 *       {@code environment/measure/cross-arch} at the papers' scale). Used as it is, whatever its
 *       settings; its sidecar says how it was made ({@link Provenance}).</li>
 *   <li>{@code cacheDir/<name>-<key>/synthetic.npz} — a set this store made earlier from the same recipe
 *       and the same training images ({@code key} is a hash of both), e.g. by an earlier run of the notebook.</li>
 *   <li>otherwise the set is made now — a coreset selected, or a distillation run with checkpoints in
 *       that cache directory (an interrupted one resumes) — and saved there with its recipe.</li>
 * </ol>
 *
 * The two directories are kept apart on purpose: a quick set made by a notebook must never be taken for
 * the measured one. Every prepared set comes back in the space of the data it is compared on
 * ({@link SyntheticSet#trainingSet}); a saved set made on another dataset, or for another kind of
 * preprocessing, is refused.
 */
public final class SetStore {

    /** Where a prepared set came from. */
    public enum Origin {
        SAVED("loaded (saved)"),
        CACHED("loaded (made here earlier, same recipe)"),
        MADE("made here");

        private final String words;

        Origin(String words) {
            this.words = words;
        }

        @Override
        public String toString() {
            return words;
        }
    }

    /** Progress of making a set: {@code done} of {@code total} units (epochs or steps) of {@code set}. */
    @FunctionalInterface
    public interface Listener {
        Listener NONE = (set, done, total, status) -> {};

        void update(String set, long done, long total, String status);
    }

    /**
     * A set ready to train on.
     *
     * @param recipe  what was asked for
     * @param set     images in the data's space and their targets (FRePo's learned labels as soft labels)
     * @param origin  saved, cached or made now
     * @param file    its {@code synthetic.npz}
     * @param howMade how it was made, in words (from its sidecar when loaded — a saved set may differ from the recipe)
     * @param seconds time to load or make it
     */
    public record Prepared(SetRecipe recipe, LabeledSet set, Origin origin, Path file, String howMade, double seconds) {

        public String name() {
            return recipe.name();
        }

        /** The images, class by class, in pixel space. */
        public ImageGrid grid() {
            int[] all = new int[set.size()];
            Arrays.setAll(all, i -> i);
            return ImageGrid.of(set.images(), all);
        }
    }

    /** One row per set: its name, where it came from, how it was made, and the seconds it took to load or make. */
    public static Table table(String title, java.util.Collection<Prepared> sets) {
        StringColumn name = StringColumn.create("set");
        StringColumn origin = StringColumn.create("source");
        StringColumn how = StringColumn.create("how it was made");
        DoubleColumn seconds = DoubleColumn.create("seconds");
        for (Prepared p : sets) {
            name.append(p.name());
            origin.append(p.origin().toString());
            how.append(p.howMade());
            seconds.append(Math.round(p.seconds() * 10) / 10.0);
        }
        return Table.create(title, name, origin, how, seconds);
    }

    private final Path savedDir;
    private final Path cacheDir;
    private final String madeBy;

    /**
     * @param savedDir where saved sets are looked for first ({@code <name>/synthetic.npz}); need not exist
     * @param cacheDir where sets made here are kept, one directory per recipe
     * @param madeBy   recorded in the sidecar of every set made here, e.g. "notebook 05, default profile"
     */
    public SetStore(Path savedDir, Path cacheDir, String madeBy) {
        this.savedDir = savedDir;
        this.cacheDir = cacheDir;
        this.madeBy = madeBy;
    }

    public Path savedDir() {
        return savedDir;
    }

    public Path cacheDir() {
        return cacheDir;
    }

    /** The checkout's {@code runs/} directory ({@link Caches#runsDirectory}), where the measurement scripts write. */
    public static Path runsDirectory() {
        return Caches.runsDirectory();
    }

    /**
     * The distilled sets the repository ships for a dataset and IPC, {@code data/sets/<dataset>/ipc<ipc>} in the
     * checkout: one folder per method ({@link #shippedMethods} lists them), each a set with its
     * sidecar and {@code made.json} (the command that remakes it and its test accuracy; {@code
     * environment/measure/sets} makes them all). The checkout is the nearest directory above the working
     * directory that holds {@code data/sets} (a notebook runs in {@code notebooks/}); where there is none, the
     * path does not exist and a store made with it finds no saved set.
     */
    public static Path shippedDirectory(String dataset, int ipc) {
        return Caches.checkoutHolding("data/sets")
                .resolve("data/sets")
                .resolve(dataset)
                .resolve("ipc" + ipc);
    }

    /**
     * The methods whose sets the repository ships for a dataset and IPC (the folders of {@link #shippedDirectory}
     * holding a {@code synthetic.npz}), in the order of {@link Methods#names}; none where nothing is shipped. The
     * folders are the one record of what is shipped, so a set published by {@code environment/measure/sets} shows
     * up here (and in notebook 03's drop-down) without another list to update.
     */
    public static List<String> shippedMethods(String dataset, int ipc) {
        Path dir = shippedDirectory(dataset, ipc);
        return Methods.names().stream()
                .filter(m -> Files.isRegularFile(dir.resolve(m).resolve("synthetic.npz")))
                .toList();
    }

    /** Where a saved set of this name would be. */
    public Path savedFile(String name) {
        return savedDir.resolve(name).resolve("synthetic.npz");
    }

    /**
     * Loads the saved set, else the cached one, else makes it (see the class comment).
     *
     * @param data    the data the set is chosen from or distilled on ({@code data.train()}) and compared on
     * @param manager parent of the arrays used while making; nothing stays attached to it
     */
    public Prepared prepare(SetRecipe recipe, DatasetSplits data, NDManager manager, Listener listener)
            throws IOException {
        long start = System.nanoTime();
        Path saved = savedFile(recipe.name());
        if (Files.exists(saved)) {
            return load(recipe, saved, Origin.SAVED, data, manager, start);
        }
        Map<String, Object> config = recipe.config();
        Path dir = cacheDir.resolve(recipe.name() + "-" + Runner.key(config, data));
        Path cached = dir.resolve("synthetic.npz");
        if (Files.exists(cached)) {
            return load(recipe, cached, Origin.CACHED, data, manager, start);
        }
        Files.createDirectories(dir);
        if (recipe.isCoreset()) {
            select(recipe, config, data, manager, dir, listener);
        } else {
            distil(recipe, config, data, dir, listener);
        }
        // Train on the set as saved (pixels, then normalised again), not on the copy in memory: the round trip
        // changes pixels by a float rounding, and VGG-11 or ResNet-18 trained on 100 images end up several points
        // apart from that alone. Read back, a set made now and the same set cached later give the same numbers.
        return load(recipe, cached, Origin.MADE, data, manager, start);
    }

    private Prepared load(SetRecipe recipe, Path npz, Origin origin, DatasetSplits data, NDManager manager, long start)
            throws IOException {
        try (NDManager scope = manager.newSubManager();
                SyntheticSetFile.Loaded loaded = SyntheticSetFile.load(scope, npz)) {
            SyntheticSet set = loaded.set();
            LabeledSet training = loaded.trainingSet(data, npz, recipe.name());
            Metadata meta = loaded.metadata().orElse(null);
            // A method whose stored images decode into several (IDC) saves the decoded set and records the stored IPC.
            int ipc = meta != null && meta.extra().get("stored_ipc") instanceof Number stored
                    ? stored.intValue()
                    : set.ipc();
            if (ipc != recipe.ipc()) {
                throw new IllegalArgumentException(
                        npz + " has " + (ipc < 0 ? "an unbalanced set" : ipc + " images per class") + ", but set '"
                                + recipe.name() + "' asks for " + recipe.ipc() + "; move it away or change the IPC");
            }
            if (meta != null && meta.method() != null && !sameMethod(meta.method(), recipe.method())) {
                throw new IllegalArgumentException(
                        npz + " was made by '" + meta.method() + "', but set '" + recipe.name() + "' is "
                                + recipe.method() + "; the directory name decides which row a saved set fills");
            }
            String how = meta == null ? "no sidecar: how it was made is unknown" : Provenance.describe(meta);
            return new Prepared(recipe, training, origin, npz, how, (System.nanoTime() - start) / 1e9);
        }
    }

    private static boolean sameMethod(String a, String b) {
        return a.replace("-", "").equalsIgnoreCase(b.replace("-", ""));
    }

    private void select(
            SetRecipe recipe,
            Map<String, Object> config,
            DatasetSplits data,
            NDManager manager,
            Path dir,
            Listener listener)
            throws IOException {
        ImageSet train = data.train();
        int ipc = recipe.ipc();
        long seed = recipe.seed();
        try (NDManager scope = manager.newSubManager()) {
            int[] pool = allIndices(train.size());
            Embedder embedder = null;
            if (recipe.needsFeatures()) {
                pool = perClass(train, ((Number) config.get("candidates")).intValue(), seed, 1);
                int[] featureIdx = perClass(train, ((Number) config.get("feature_images")).intValue(), seed, 2);
                ImageSet featureData = featureIdx.length == train.size()
                        ? train
                        : train.subset(featureIdx, train.name() + " (feature subset)");
                String arch = String.valueOf(config.get("feature_architecture"));
                Network net = Architectures.create(arch, train.shape().slice(1), train.numClasses())
                        .initialize(scope, seed);
                // The whole-dataset schedule of the course (no augmentation), with the recipe's epochs.
                TrainingSchedule schedule = TrainingSchedule.wholeDataset(Profile.DEFAULT)
                        .withEpochs(((Number) config.get("feature_epochs")).intValue());
                Trainer.train(
                        net,
                        LabeledSet.hard(featureData),
                        schedule,
                        Augmentation.NONE,
                        seed,
                        (epoch, epochs, loss) -> listener.update(
                                recipe.name(),
                                epoch,
                                epochs,
                                String.format(
                                        Locale.ROOT,
                                        "feature network on %d images, epoch %d/%d, loss %.3f",
                                        featureData.size(),
                                        epoch,
                                        epochs,
                                        loss)));
                embedder = x -> net.features(x, false);
            }
            ImageSet candidates =
                    pool.length == train.size() ? train : train.subset(pool, train.name() + " (candidates)");
            listener.update(recipe.name(), 0, 1, "selecting " + ipc + " per class among " + candidates.size());
            int[] local = Coresets.select(
                    Coresets.byName(recipe.method()),
                    candidates,
                    ipc,
                    embedder,
                    seed,
                    scope,
                    org.ddlab.eval.EvaluationProtocol.TEST_BATCH);
            int[] idx = new int[local.length];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = pool[local[i]];
            }
            int[] labels = new int[idx.length];
            for (int i = 0; i < idx.length; i++) {
                labels[i] = train.label(idx[i]);
            }
            try (SyntheticSet chosen = SyntheticSet.of(
                    train.images(scope, idx), labels, null, train.classNames(), data.preprocessing(), true)) {
                Metadata meta = Metadata.of(recipe.method(), data.dataset().name(), seed, 0L)
                        .withExtra("recipe", config)
                        .withExtra("made_by", madeBy)
                        .withExtra("train", Caches.describe(train))
                        .withExtra("indices", idx);
                SyntheticSetFile.save(chosen, dir.resolve("synthetic.npz"), meta);
            }
            listener.update(recipe.name(), 1, 1, "selected");
        }
    }

    private void distil(SetRecipe recipe, Map<String, Object> config, DatasetSplits data, Path dir, Listener listener)
            throws IOException {
        long steps = recipe.steps();
        // A checkpoint now and then lets an interrupted notebook resume; one kept is enough here.
        Runner.distil(
                config,
                data,
                dir,
                Runner.Checkpoints.every((int) Math.max(10, Math.min(100, steps / 4))),
                Map.of("recipe", config, "made_by", madeBy, "train", Caches.describe(data.train())),
                (d, r) -> {
                    listener.update(
                            recipe.name(),
                            r.step(),
                            d.totalSteps(),
                            String.format(
                                    Locale.ROOT,
                                    "%s step %d/%d, loss %.4f, %.2f s/step",
                                    d.method(),
                                    r.step(),
                                    d.totalSteps(),
                                    r.loss(),
                                    r.seconds()));
                    return true;
                });
    }

    /** {@code n} seeded images of every class (all when n is 0 or the class is smaller), class by class. */
    private static int[] perClass(ImageSet set, int n, long seed, long purpose) {
        if (n == 0) {
            return allIndices(set.size());
        }
        int[] out = new int[0];
        for (int c = 0; c < set.numClasses(); c++) {
            int[] members = set.indicesOf(c);
            int[] picked = members.length <= n ? members : Shuffle.draw(members, n, Seeds.at(seed, purpose, c));
            int from = out.length;
            out = Arrays.copyOf(out, from + picked.length);
            System.arraycopy(picked, 0, out, from, picked.length);
        }
        return out;
    }

    private static int[] allIndices(int n) {
        int[] a = new int[n];
        Arrays.setAll(a, i -> i);
        return a;
    }
}
