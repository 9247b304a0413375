package org.ddlab.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.reflect.TypeToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A resumable snapshot of a distillation run: one directory {@code runDir/checkpoints/step-NNNNNNNNN}
 * holding
 * <ul>
 *   <li>{@code synthetic.npz} + {@code synthetic.json}: the set, as {@link SyntheticSetFile} writes it (optional);</li>
 *   <li>{@code optimizer.npz}: named arrays (optimizer moments, a model's weights...; optional);</li>
 *   <li>{@code state.json}: step, RNG seed and counter, and a free-form JSON map.</li>
 * </ul>
 * A checkpoint is built in a hidden temporary directory and renamed into place in one step, so a
 * run killed mid-save never leaves a half checkpoint under a real name; {@link #list} also checks
 * that {@code state.json} (written last) parses, so anything incomplete is skipped. {@link #latest}
 * is the newest checkpoint whose arrays read back too: one damaged later (a truncated or overwritten
 * {@code .npz}) gives way to the one before it, and {@link #verify} says what is wrong with it.
 */
public final class Checkpoint {

    public static final String DIRECTORY = "checkpoints";
    public static final String SYNTHETIC = "synthetic.npz";
    public static final String OPTIMIZER = "optimizer.npz";
    public static final String STATE = "state.json";
    static final String FORMAT = "ddlab.checkpoint";

    private static final Pattern NAME = Pattern.compile("step-(\\d+)");
    private static final Gson GSON =
            new GsonBuilder().setPrettyPrinting().serializeNulls().create();

    private final Path directory;
    private final long step;
    private final long rngSeed;
    private final long rngCounter;
    private final Map<String, Object> state;

    private Checkpoint(Path directory, long step, long rngSeed, long rngCounter, Map<String, Object> state) {
        this.directory = directory;
        this.step = step;
        this.rngSeed = rngSeed;
        this.rngCounter = rngCounter;
        this.state = state;
    }

    /** Starts a checkpoint for {@code step}. */
    public static Writer at(long step) {
        return new Writer(step);
    }

    /** Where checkpoints of a run live. */
    public static Path directoryOf(Path runDir) {
        return runDir.resolve(DIRECTORY);
    }

    /** Reads the checkpoint in {@code directory} (a {@code step-N} folder). */
    public static Checkpoint read(Path directory) throws IOException {
        Path statePath = directory.resolve(STATE);
        if (!Files.exists(statePath)) {
            throw new NoSuchFileException(statePath.toString(), null, "checkpoint has no " + STATE + " (incomplete?)");
        }
        try {
            JsonObject o = JsonParser.parseString(Files.readString(statePath)).getAsJsonObject();
            if (!o.has("format") || !FORMAT.equals(o.get("format").getAsString())) {
                throw new InvalidFileException(
                        statePath, "is not a ddlab checkpoint state (format is not '" + FORMAT + "')");
            }
            JsonObject rng = o.getAsJsonObject("rng");
            Map<String, Object> state = o.has("state") && !o.get("state").isJsonNull()
                    ? GSON.fromJson(o.get("state"), new TypeToken<LinkedHashMap<String, Object>>() {}.getType())
                    : new LinkedHashMap<>();
            return new Checkpoint(
                    directory,
                    o.get("step").getAsLong(),
                    rng.get("seed").getAsLong(),
                    rng.get("counter").getAsLong(),
                    java.util.Collections.unmodifiableMap(state));
        } catch (JsonParseException
                | IllegalStateException
                | NullPointerException
                | UnsupportedOperationException
                | NumberFormatException
                | ClassCastException e) {
            throw new InvalidFileException(statePath, "is not a valid checkpoint state (" + e + ")", e);
        }
    }

    /** Every complete checkpoint of a run, oldest first; incomplete or unreadable ones are skipped. */
    public static List<Checkpoint> list(Path runDir) throws IOException {
        Path dir = directoryOf(runDir);
        List<Checkpoint> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (!m.matches() || !Files.isDirectory(p)) {
                    continue; // temporary (".tmp-...") or foreign entries
                }
                try {
                    Checkpoint c = read(p);
                    if (c.step == Long.parseLong(m.group(1))) {
                        out.add(c);
                    }
                } catch (IOException e) {
                    // incomplete: skip it, an older checkpoint is still good
                }
            }
        }
        out.sort(Comparator.comparingLong(Checkpoint::step));
        return out;
    }

    /** The complete checkpoint with the highest step whose arrays read back ({@link #verify}), if any. */
    public static Optional<Checkpoint> latest(Path runDir) throws IOException {
        return newestReadable(runDir).checkpoint();
    }

    /**
     * The newest checkpoint whose arrays read back, and what is wrong with each newer one.
     *
     * @param checkpoint the newest checkpoint that {@link #verify verifies}, if any
     * @param damaged    every newer complete checkpoint's fault, newest first
     */
    public record Readable(Optional<Checkpoint> checkpoint, List<InvalidFileException> damaged) {}

    /** {@link #latest}, with the faults of the checkpoints it passed over, for telling the user what was skipped. */
    public static Readable newestReadable(Path runDir) throws IOException {
        List<Checkpoint> all = list(runDir);
        List<InvalidFileException> damaged = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                all.get(i).verify();
                return new Readable(Optional.of(all.get(i)), damaged);
            } catch (InvalidFileException e) {
                damaged.add(e); // an older checkpoint may still be whole
            }
        }
        return new Readable(Optional.empty(), damaged);
    }

    /**
     * Reads back the arrays of this checkpoint ({@code optimizer.npz}, {@code synthetic.npz}), which {@link #read}
     * does not open: a file damaged after it was written fails here, before a restore starts.
     *
     * @throws InvalidFileException naming this checkpoint's directory, the file and what is wrong with it
     */
    public void verify() throws InvalidFileException {
        for (String name : List.of(OPTIMIZER, SYNTHETIC)) {
            Path file = directory.resolve(name);
            if (!Files.exists(file)) {
                continue;
            }
            try {
                Npz.read(file);
            } catch (InvalidFileException e) {
                Throwable why = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause() : e;
                throw new InvalidFileException(directory, name + " is damaged (" + why.getMessage() + ")", e);
            } catch (IOException e) {
                throw new InvalidFileException(directory, name + " cannot be read (" + e.getMessage() + ")", e);
            }
        }
    }

    /** Deletes all but the newest {@code keep} checkpoints (and leftover temporary directories). */
    public static void prune(Path runDir, int keep) throws IOException {
        List<Checkpoint> all = list(runDir);
        for (int i = 0; i < all.size() - keep; i++) {
            deleteTree(all.get(i).directory);
        }
        Path dir = directoryOf(runDir);
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, ".tmp-*")) {
                for (Path p : ds) {
                    deleteTree(p);
                }
            }
        }
    }

    public Path directory() {
        return directory;
    }

    public long step() {
        return step;
    }

    /** The seed the run's RNG was created with. */
    public long rngSeed() {
        return rngSeed;
    }

    /** How far the run's RNG had advanced (draws, or steps: whatever the method counts). */
    public long rngCounter() {
        return rngCounter;
    }

    /** The free-form state map (numbers come back as Double, as JSON has one number type). */
    public Map<String, Object> state() {
        return state;
    }

    public boolean hasSynthetic() {
        return Files.exists(directory.resolve(SYNTHETIC));
    }

    /** The synthetic set, with its metadata. */
    public SyntheticSetFile.Loaded synthetic(NDManager manager) throws IOException {
        return SyntheticSetFile.load(manager, directory.resolve(SYNTHETIC), true);
    }

    /** The named arrays of {@code optimizer.npz} as float32 values (what a distiller puts back). */
    public Map<String, float[]> floatArrays() throws IOException {
        Map<String, float[]> out = new java.util.HashMap<>();
        for (Map.Entry<String, NpyArray> e : arrays().entrySet()) {
            out.put(e.getKey(), e.getValue().floats());
        }
        return out;
    }

    /**
     * Refuses to resume a run configured differently: every entry of {@code mine} except those in
     * {@code mayChange} must equal the saved {@code config} entry (numbers compared as numbers, since
     * JSON gives them back as doubles).
     */
    public void requireConfig(Map<String, Object> mine, java.util.Set<String> mayChange) {
        Object saved = state.get("config");
        boolean same = saved instanceof Map<?, ?> map
                && mine.entrySet().stream()
                        .filter(e -> !mayChange.contains(e.getKey()))
                        .allMatch(e -> map.get(e.getKey()) instanceof Number n && e.getValue() instanceof Number m
                                ? n.doubleValue() == m.doubleValue()
                                : e.getValue().equals(map.get(e.getKey())));
        if (!same) {
            throw new IllegalArgumentException("the checkpoint in " + directory + " was written with " + saved
                    + ", this run is configured with " + mine + "; resume with the same settings or use a new --out");
        }
    }

    /** Puts back what {@link Writer#sampler} saved; a run resumed with another sampler is an error. */
    @SuppressWarnings("unchecked")
    public void restoreSampler(org.ddlab.sampling.RealSampler sampler) {
        Object saved = state.get("sampler");
        if (saved != null && !saved.equals(sampler.name())) {
            throw new IllegalArgumentException("checkpoint " + directory + " was written with the '" + saved
                    + "' sampler; resume it with that sampler, not '" + sampler.name() + "'");
        }
        Object st = state.get("sampler_state");
        sampler.load(st instanceof Map<?, ?> m ? (Map<String, Object>) m : null);
    }

    public Map<String, NpyArray> arrays() throws IOException {
        Path p = directory.resolve(OPTIMIZER);
        return Files.exists(p) ? Npz.read(p) : Map.of();
    }

    @Override
    public String toString() {
        return "Checkpoint[step " + step + ", " + directory + "]";
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }

    /** Collects what goes into a checkpoint, then {@link #writeTo writes} it in one step. */
    public static final class Writer {
        private final long step;
        private SyntheticSet set;
        private Metadata metadata;
        private final Map<String, NpyArray> arrays = new LinkedHashMap<>();
        private final Map<String, Object> state = new LinkedHashMap<>();
        private long seed;
        private long counter;

        private Writer(long step) {
            if (step < 0) {
                throw new IllegalArgumentException("checkpoint step must be ≥ 0, got " + step);
            }
            this.step = step;
        }

        public Writer synthetic(SyntheticSet set, Metadata metadata) {
            this.set = set;
            this.metadata = metadata;
            return this;
        }

        /** A named array for {@code optimizer.npz}, copied now (later updates do not leak in). */
        public Writer array(String name, NDArray value) {
            if (value.hasGradient()) {
                try (NDArray detached = value.stopGradient()) {
                    arrays.put(name, NpyArray.of(detached));
                }
            } else {
                arrays.put(name, NpyArray.of(value));
            }
            return this;
        }

        public Writer array(String name, NpyArray value) {
            arrays.put(name, value);
            return this;
        }

        public Writer rng(long seed, long counter) {
            this.seed = seed;
            this.counter = counter;
            return this;
        }

        /** The real-batch sampler's name, settings and state (DREAM's cached picks), for {@link #restoreSampler}. */
        public Writer sampler(org.ddlab.sampling.RealSampler sampler) {
            return put("sampler", sampler.name())
                    .put("sampler_config", sampler.describe())
                    .put("sampler_state", sampler.state());
        }

        public Writer put(String key, Object value) {
            state.put(key, value);
            return this;
        }

        /**
         * Writes {@code runDir/checkpoints/step-N}, replacing an existing checkpoint of the same step. A failed write
         * (a full disk, say) leaves the checkpoints as they were and no temporary directory, and throws a
         * {@link FileWriteException} naming the file as it would have been in {@code step-N}.
         */
        public Checkpoint writeTo(Path runDir) throws IOException {
            Path dir = directoryOf(runDir);
            String name = String.format("step-%09d", step);
            Path target = dir.resolve(name);
            Path temp;
            try {
                Files.createDirectories(dir);
                temp = Files.createTempDirectory(dir, ".tmp-" + name + "-");
            } catch (IOException e) {
                throw FileWriteException.of(target, e);
            }
            try {
                if (set != null) {
                    SyntheticSetFile.save(set, temp.resolve(SYNTHETIC), metadata);
                }
                if (!arrays.isEmpty()) {
                    Npz.write(temp.resolve(OPTIMIZER), arrays);
                }
                JsonObject o = new JsonObject();
                o.addProperty("format", FORMAT);
                o.addProperty("format_version", 1);
                o.addProperty("step", step);
                JsonObject rng = new JsonObject();
                rng.addProperty("seed", seed);
                rng.addProperty("counter", counter);
                o.add("rng", rng);
                o.addProperty("created", Instant.now().toString());
                o.addProperty("ddlab_version", Metadata.currentVersion());
                o.add("state", GSON.toJsonTree(state));
                // Written last: its presence marks the directory complete.
                AtomicFiles.write(temp.resolve(STATE), (GSON.toJson(o) + "\n").getBytes(StandardCharsets.UTF_8));

                Path old = null;
                if (Files.exists(target)) {
                    old = dir.resolve(".tmp-old-" + name + "-" + System.nanoTime());
                    Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
                }
                try {
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, target);
                } catch (IOException e) {
                    if (old != null) {
                        Files.move(old, target, StandardCopyOption.ATOMIC_MOVE); // put the previous one back
                    }
                    throw e;
                }
                if (old != null) {
                    deleteTree(old);
                }
            } catch (FileWriteException e) {
                throw e.file().startsWith(temp)
                        ? FileWriteException.of(target.resolve(temp.relativize(e.file())), e)
                        : e;
            } catch (IOException e) {
                throw FileWriteException.of(target, e);
            } finally {
                deleteTree(temp); // only exists if something failed
            }
            return read(target);
        }
    }
}
