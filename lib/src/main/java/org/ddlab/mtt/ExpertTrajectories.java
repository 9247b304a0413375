package org.ddlab.mtt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.ddlab.augment.DsaAugment;
import org.ddlab.data.ImageSet;
import org.ddlab.distill.AtomicFiles;
import org.ddlab.distill.Caches;
import org.ddlab.distill.Distiller.Preparation;
import org.ddlab.distill.InvalidFileException;
import org.ddlab.distill.NpyArray;
import org.ddlab.distill.Npz;
import org.ddlab.dream.RepresentativeBatches;
import org.ddlab.engine.GradMode;
import org.ddlab.engine.Seeds;
import org.ddlab.eval.EvaluationProtocol;
import org.ddlab.nn.Architectures;
import org.ddlab.nn.Network;
import org.ddlab.train.LabeledSet;
import org.ddlab.train.Trainer;
import org.ddlab.train.TrainingListener;
import org.ddlab.train.TrainingSchedule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MTT's experts ({@code buffer.py} of the reference): networks of the run's architecture, each from its
 * own seeded initialisation, trained on the whole real training split with plain SGD (the teacher's rate,
 * no momentum, no weight decay), batches of {@value #BATCH}, cross-entropy and DSA on every batch, their
 * parameters recorded at the start (epoch 0) and after every epoch. A distillation step reads two points of
 * one expert's trajectory. With DREAM ({@link RepresentativeBatches}) every step's batch is drawn from the
 * representatives of each class under the expert being trained, as many steps an epoch as the shuffle has.
 *
 * <p>Experts depend on the training images, the architecture, the teacher's rate, the seed and the batches'
 * kind (whole-split shuffles or DREAM's, with its settings), not on the
 * distillation's settings, so they are trained once and kept in a cache shared by every run and grid cell
 * with the same {@link #key()}: {@code ROOT/KEY/} holds {@code experts.json} (what the key stands for) and
 * {@code expert-EEEE/epoch-KKK.npz}, every parameter of expert E after epoch K (arrays {@code 000},
 * {@code 001}, … in {@link Network#parameters()} order), each written atomically. {@link #root()} is
 * {@code -Dddlab.experts}, else {@code $DDLAB_EXPERTS}, else {@code experts/} in the runs directory
 * ({@link Caches#runsDirectory()}).
 *
 * <p>Expert E's epoch K is a pure function of the key, E and K: the start is seeded by (seed, E), the
 * order and augmentation of epoch K by (seed, E, K) (DREAM's draws too: its clustering starts afresh
 * each epoch, with the expert as it trains), and without momentum the parameters are the whole state. So
 * an interrupted training continues from the newest epoch on disk and writes what an uninterrupted one
 * would have, bit for bit; neither the number of experts nor the number of epochs is
 * part of the key, and a run that wants more of either extends the cache.
 */
public final class ExpertTrajectories {

    /** System property naming the cache's root directory (first choice). */
    public static final String PROPERTY = "ddlab.experts";
    /** Environment variable naming it (second choice). */
    public static final String ENVIRONMENT = "DDLAB_EXPERTS";
    /** Images per SGD step of an expert (the reference's {@code batch_train}). */
    static final int BATCH = 256;

    private static final Logger LOG = LoggerFactory.getLogger(ExpertTrajectories.class);
    private static final long INIT = 0xE1;
    private static final long EPOCH = 0xE2;
    private static final long REPRESENTATIVES = 0xE3;

    private final Path dir;
    private final ImageSet train;
    private final String architecture;
    private final double teacherRate;
    private final long seed;
    private final RepresentativeBatches batches;
    private final String key;
    private final Map<String, Object> identity;
    private double samplingSeconds;

    /**
     * The experts of {@code architecture} on {@code train} (the run's preprocessed training images), under
     * {@code root}; nothing is trained until {@link #ensure}.
     */
    public ExpertTrajectories(Path root, ImageSet train, String architecture, double teacherRate, long seed) {
        this(root, train, architecture, teacherRate, seed, null);
    }

    /**
     * As {@link #ExpertTrajectories(Path, ImageSet, String, double, long)}, the experts' SGD steps on DREAM's
     * representative batches ({@code batches}; {@code null}: shuffles of the whole split) — where DREAM
     * reaches MTT, whose real images are the experts' training batches.
     */
    public ExpertTrajectories(
            Path root,
            ImageSet train,
            String architecture,
            double teacherRate,
            long seed,
            RepresentativeBatches batches) {
        if (!(teacherRate > 0)) {
            throw new IllegalArgumentException("the experts' learning rate must be positive, got " + teacherRate);
        }
        this.train = train;
        // The canonical spec: "convnet" and "convnet:width=128" are one architecture and share experts.
        this.architecture = Architectures.create(architecture, train.shape().slice(1), train.numClasses())
                .spec();
        this.teacherRate = teacherRate;
        this.seed = seed;
        if (batches != null) {
            batches.requireFits(train, BATCH);
        }
        this.batches = batches;
        Map<String, Object> id = new TreeMap<>();
        id.put("what", "MTT expert trajectories");
        id.put("train", Caches.describe(train));
        id.put("space", train.space().describe());
        id.put("architecture", this.architecture);
        id.put("lr_teacher", teacherRate);
        id.put("batch", BATCH);
        id.put("augment", DsaAugment.reference().params().strategyString());
        id.put("seed", seed);
        // Absent for shuffles of the whole split: their key has no batches entry.
        if (batches != null) {
            id.put("batches", batches.describe());
        }
        // The trainer's version: a change that moves what it computes must not reuse experts trained before it.
        id.put("trainer_code", EvaluationProtocol.CODE_VERSION);
        this.identity = java.util.Collections.unmodifiableMap(id);
        this.key = Caches.hash(id, 8);
        this.dir = root.resolve(key);
    }

    /** Where the caches of experts live: {@code -Dddlab.experts}, else {@code $DDLAB_EXPERTS}, else {@code RUNS/experts}. */
    public static Path root() {
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            return Path.of(property).toAbsolutePath();
        }
        String env = System.getenv(ENVIRONMENT);
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath();
        }
        return Caches.runsDirectory().resolve("experts");
    }

    /** The hash of everything that decides the experts: the name of their directory. */
    public String key() {
        return key;
    }

    /** How the experts' batches are drawn, JSON-friendly: {@code random} (whole-split shuffles) or DREAM's settings. */
    public Object batches() {
        return batches == null ? "random" : batches.describe();
    }

    /** Seconds this object's {@link #ensure} calls spent choosing DREAM's batches (0 with whole-split shuffles). */
    public double samplingSeconds() {
        return samplingSeconds;
    }

    /** This cache's directory, {@code ROOT/KEY}. */
    public Path directory() {
        return dir;
    }

    /** The file of expert {@code expert}'s parameters after epoch {@code epoch} (0: its initialisation). */
    public Path file(int expert, int epoch) {
        return dir.resolve(String.format("expert-%04d", expert)).resolve(String.format("epoch-%03d.npz", epoch));
    }

    /**
     * Trains what is missing for experts 0 … {@code experts} − 1 to reach epoch {@code epochs}, each from its
     * newest epoch on disk. Returns the number of epochs trained now (0 when the cache held them all).
     */
    public int ensure(int experts, int epochs, NDManager manager) {
        return ensure(experts, epochs, manager, Preparation.NONE);
    }

    /**
     * As {@link #ensure(int, int, NDManager)}, telling {@code progress} of each epoch trained ("experts", done of
     * the epochs missing when it began), and once before the first when any are missing.
     */
    public int ensure(int experts, int epochs, NDManager manager, Preparation progress) {
        if (experts < 1 || epochs < 1) {
            throw new IllegalArgumentException(
                    "MTT needs at least one expert and one epoch, got " + experts + " and " + epochs);
        }
        int[] done = new int[experts];
        int missing = 0;
        for (int e = 0; e < experts; e++) {
            done[e] = epochsDone(e);
            missing += Math.max(0, epochs - Math.max(0, done[e]));
        }
        if (missing == 0) {
            return 0;
        }
        progress.update("experts", 0, missing, "training " + missing + " expert epochs into " + dir);
        int trained = 0;
        try {
            for (int e = 0; e < experts; e++) {
                if (done[e] < epochs) {
                    writeIdentity();
                    trained += train(e, epochs, manager, progress, trained, missing);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write MTT's experts to " + dir + ": " + e.getMessage(), e);
        }
        return trained;
    }

    /** The newest epoch of {@code expert} on disk with every earlier one there too; -1 when none is. */
    public int epochsDone(int expert) {
        int k = -1;
        while (Files.exists(file(expert, k + 1))) {
            k++;
        }
        return k;
    }

    /**
     * The trainable parameters of {@code expert} after {@code epoch}, flattened in {@link Network#parameters()}
     * order (what the student's flat vector holds).
     *
     * @throws UncheckedIOException naming the file when it is missing or does not fit the architecture
     */
    public float[] parameters(int expert, int epoch, Network net) {
        Path f = file(expert, epoch);
        try {
            Map<String, NpyArray> arrays = read(f, net);
            List<Parameter> params = net.parameters();
            List<float[]> parts = new ArrayList<>();
            int total = 0;
            for (int i = 0; i < params.size(); i++) {
                if (params.get(i).requiresGradient()) {
                    float[] v = arrays.get(name(i)).floats();
                    parts.add(v);
                    total += v.length;
                }
            }
            float[] flat = new float[total];
            int at = 0;
            for (float[] p : parts) {
                System.arraycopy(p, 0, flat, at, p.length);
                at += p.length;
            }
            return flat;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "MTT's expert " + expert + " has no readable epoch " + epoch + " (" + f + "): " + e.getMessage()
                            + "; delete " + f.getParent() + " to train it again",
                    e);
        }
    }

    /** Trains {@code expert} to {@code epochs}; {@code before} of {@code missing} epochs were trained by this ensure. */
    private int train(int expert, int epochs, NDManager manager, Preparation progress, int before, int missing)
            throws IOException {
        int trained = 0;
        try (NDManager scope = manager.newSubManager()) {
            Network net = Architectures.create(architecture, train.shape().slice(1), train.numClasses())
                    .initialize(scope, Seeds.mix(seed, expert, INIT));
            int from = newestReadable(expert, net);
            if (from < 0) {
                write(expert, 0, net);
                from = 0;
            }
            LabeledSet set = LabeledSet.hard(train);
            // One epoch per call: the rate never decays (the reference's experts train without --decay) and
            // without momentum nothing but the parameters carries over from one epoch to the next.
            TrainingSchedule epoch = new TrainingSchedule(
                    1, BATCH, teacherRate, 0, 0, List.of(), 1, true, TrainingSchedule.NO_CUTMIX, 0, null);
            DsaAugment dsa = DsaAugment.reference();
            for (int k = from + 1; k <= epochs; k++) {
                long start = System.nanoTime();
                double[] loss = new double[1];
                TrainingListener last = (done, total, l) -> loss[0] = l;
                long draws = Seeds.mix(seed, expert, k, EPOCH);
                RepresentativeBatches.Order order =
                        batches == null ? null : batches.order(train, Seeds.mix(draws, REPRESENTATIVES), net);
                Trainer.train(net, set, epoch, dsa::apply, draws, last, order);
                if (order != null) {
                    samplingSeconds += order.samplingSeconds();
                }
                write(expert, k, net);
                trained++;
                progress.update(
                        "experts",
                        Math.min(missing, before + trained),
                        missing,
                        String.format(Locale.ROOT, "expert %d epoch %d/%d, loss %.4f", expert, k, epochs, loss[0]));
                LOG.info(
                        "MTT expert {} epoch {}/{}: loss {} in {} s{} ({})",
                        expert,
                        k,
                        epochs,
                        String.format(Locale.ROOT, "%.4f", loss[0]),
                        String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9),
                        order == null
                                ? ""
                                : String.format(
                                        Locale.ROOT,
                                        ", %.1f s of it choosing DREAM's batches",
                                        order.samplingSeconds()),
                        dir);
            }
        }
        return trained;
    }

    /**
     * Loads the newest epoch of {@code expert} that reads back into {@code net} and returns it; -1 (net
     * untouched) when there is none. One that does not read (damaged after it was written) is trained again.
     */
    private int newestReadable(int expert, Network net) {
        for (int k = epochsDone(expert); k >= 0; k--) {
            try {
                Map<String, NpyArray> arrays = read(file(expert, k), net);
                List<Parameter> params = net.parameters();
                try (GradMode.Scope off = GradMode.off()) {
                    for (int i = 0; i < params.size(); i++) {
                        params.get(i).getArray().set(arrays.get(name(i)).floats());
                    }
                }
                return k;
            } catch (IOException damaged) {
                LOG.warn(
                        "MTT expert {}: epoch {} does not read back ({}); training it again",
                        expert,
                        k,
                        damaged.getMessage());
            }
        }
        return -1;
    }

    /** The arrays of an epoch file, checked against the network's parameters. */
    private static Map<String, NpyArray> read(Path f, Network net) throws IOException {
        Map<String, NpyArray> arrays = Npz.read(f);
        List<Parameter> params = net.parameters();
        for (int i = 0; i < params.size(); i++) {
            NpyArray a = arrays.get(name(i));
            if (a == null || a.size() != params.get(i).getArray().size() || !a.isFloat()) {
                throw new InvalidFileException(
                        f,
                        "does not hold parameter " + i + " of " + net.spec() + " ("
                                + params.get(i).getArray().getShape() + ")");
            }
        }
        return arrays;
    }

    private void write(int expert, int epoch, Network net) throws IOException {
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        List<Parameter> params = net.parameters();
        for (int i = 0; i < params.size(); i++) {
            NDArray a = params.get(i).getArray();
            arrays.put(name(i), NpyArray.ofFloats(a.toFloatArray(), a.getShape().getShape()));
        }
        Path f = file(expert, epoch);
        Files.createDirectories(f.getParent());
        Npz.write(f, arrays);
    }

    private void writeIdentity() throws IOException {
        Path f = dir.resolve("experts.json");
        if (!Files.exists(f)) {
            Map<String, Object> m = new LinkedHashMap<>(identity);
            m.put(
                    "layout",
                    "expert-EEEE/epoch-KKK.npz: every parameter of expert E after epoch K (0: its initialisation), "
                            + "arrays 000, 001, ... in the network's parameter order");
            AtomicFiles.write(
                    f,
                    (new GsonBuilder().setPrettyPrinting().create().toJson(m) + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String name(int i) {
        return String.format("%03d", i);
    }
}
