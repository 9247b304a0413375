package org.ddlab.methods;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;
import org.ddlab.data.ImageSet;
import org.ddlab.distill.Distiller;
import org.ddlab.dream.KMeansInit;
import org.ddlab.dream.RepresentativeSampler;
import org.ddlab.nn.Architectures;
import org.ddlab.nn.Network;
import org.ddlab.sampling.RandomSampler;
import org.ddlab.sampling.RealSampler;

/**
 * The registry of distillation {@link Method}s and the one option vocabulary they share: what
 * {@code ddlab distill}, ablation grids, the set store and checkpoints configure runs with.
 *
 * <p>A configuration is a map of options. {@link #configure} checks every key and value against the
 * common options ({@link #COMMON}, {@link #SAMPLER}) and the method's own, fills in every default for
 * the run's IPC, steps and dataset, and returns the complete configuration: two option maps that mean
 * the same run give equal maps. An option of another method is an error that says whose option it is
 * (an ablation over {@code pool_size} of DC would otherwise run identical cells).
 *
 * <p>Methods are found with {@link ServiceLoader} ({@code META-INF/services/org.ddlab.methods.Method})
 * and can be added at run time with {@link #register}.
 */
public final class Methods {

    /** The method used when none is named. */
    public static final String DEFAULT = "frepo";

    /** Options of every method. */
    public static final List<Option> COMMON = List.of(
            Option.integer("ipc", "synthetic images per class", c -> 10, 1),
            Option.whole(
                    "steps", "outer steps (iterations) of the run; its schedules decay over them", c -> c.steps(), 1),
            Option.whole("seed", "seed of every random choice", c -> 0L, Long.MIN_VALUE),
            Option.text(
                    "architecture", "the network distilled with, e.g. convnet or convnet:width=64", c -> "convnet"));

    /** Options of the real-batch sampler and the start, shared by every method. */
    public static final List<Option> SAMPLER = List.of(
            Option.choice(
                    "sampler",
                    "where real batches come from: random, or dream (the images nearest K-Means centres)",
                    c -> "random",
                    List.of("random", "dream")),
            Option.integer(
                    "clusters", "dream: K-Means centres per class, N", c -> RepresentativeSampler.DEFAULT_CLUSTERS, 1),
            Option.integer("interval", "dream: steps between re-clusterings (default by method)", c -> 10, 1),
            Option.integer(
                    "candidates",
                    "dream: images of a class clustered, a seeded subset (0 = all)",
                    c -> RepresentativeSampler.DEFAULT_CANDIDATES,
                    0),
            Option.choice(
                    "init",
                    "starting images: real (random real images) or kmeans (nearest K-Means centres, k = IPC)",
                    c -> "real",
                    List.of("real", "kmeans")));

    private static final Map<String, Method> REGISTRY = new LinkedHashMap<>();

    private Methods() {}

    private static synchronized Map<String, Method> registry() {
        if (REGISTRY.isEmpty()) {
            for (Method m : ServiceLoader.load(Method.class, Methods.class.getClassLoader())) {
                REGISTRY.putIfAbsent(m.name(), m);
            }
        }
        return REGISTRY;
    }

    /** Adds a method (e.g. one a notebook or an extension defines); its name must be new. */
    public static synchronized void register(Method method) {
        Map<String, Method> r = registry();
        if (!method.name().matches("[a-z][a-z0-9_-]*")) {
            throw new IllegalArgumentException(
                    "a method's name is lower case letters, digits, '-' and '_', got '" + method.name() + "'");
        }
        if (r.containsKey(method.name())) {
            throw new IllegalArgumentException("a method named '" + method.name() + "' is registered already");
        }
        for (Option o : method.options()) {
            if (COMMON.stream().anyMatch(c -> c.name().equals(o.name()))
                    || SAMPLER.stream().anyMatch(c -> c.name().equals(o.name()))) {
                throw new IllegalArgumentException(
                        "method '" + method.name() + "' declares '" + o.name() + "', which every method has");
            }
        }
        r.put(method.name(), method);
    }

    /**
     * The methods this jar ships (its {@link ServiceLoader} entries), without those added by {@link #register}:
     * what the command-line reference documents.
     */
    public static List<Method> shipped() {
        List<Method> found = new ArrayList<>();
        ServiceLoader.load(Method.class, Methods.class.getClassLoader()).forEach(found::add);
        return List.copyOf(found);
    }

    /** Every registered method, built-in ones first. */
    public static synchronized List<Method> all() {
        return List.copyOf(registry().values());
    }

    /** Their names. */
    public static List<String> names() {
        return all().stream().map(Method::name).toList();
    }

    /** The method called {@code name} (case does not matter). */
    public static Method named(String name) {
        Method m = registry().get(String.valueOf(name).trim().toLowerCase(Locale.ROOT));
        if (m == null) {
            throw new IllegalArgumentException("unknown method '" + name + "'; known: " + String.join(", ", names()));
        }
        return m;
    }

    /** As {@link #configure(Map, long, String)} for the default dataset. */
    public static Map<String, Object> configure(Map<String, ?> options, long defaultSteps) {
        return configure(options, defaultSteps, null);
    }

    /**
     * The complete configuration {@code options} stand for: the method's (default {@value #DEFAULT})
     * and the common options' defaults for the run's IPC, steps ({@code defaultSteps} unless given) and
     * {@code dataset} (null: the default dataset), overridden by the options, each checked.
     *
     * @throws IllegalArgumentException naming the first option that is unknown, another method's, or of the wrong type or range
     */
    public static Map<String, Object> configure(Map<String, ?> options, long defaultSteps, String dataset) {
        Method method = named(String.valueOf(options.containsKey("method") ? options.get("method") : DEFAULT));
        String whose = method.name();
        for (String key : options.keySet()) {
            if (!key.equals("method") && find(key, method) == null) {
                List<String> owners = all().stream()
                        .filter(m -> m.options().stream().anyMatch(o -> o.name().equals(key)))
                        .map(Method::name)
                        .toList();
                if (!owners.isEmpty()) {
                    throw new IllegalArgumentException(
                            "'" + key + "' is an option of " + String.join(", ", owners) + ", not of " + whose);
                }
                TreeSet<String> known = new TreeSet<>();
                COMMON.forEach(o -> known.add(o.name()));
                SAMPLER.forEach(o -> known.add(o.name()));
                method.options().forEach(o -> known.add(o.name()));
                throw new IllegalArgumentException(
                        "unknown option '" + key + "' for " + whose + "; known: " + String.join(", ", known));
            }
        }
        int ipc = (Integer) value(COMMON.get(0), options, null, whose);
        long steps =
                options.containsKey("steps") ? (Long) COMMON.get(1).check(options.get("steps"), whose) : defaultSteps;
        Option.Context context = new Option.Context(ipc, steps, dataset);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("method", whose);
        for (Option o : COMMON) {
            config.put(o.name(), value(o, options, context, whose));
        }
        for (Option o : method.options()) {
            config.put(o.name(), value(o, options, context, whose));
        }
        String sampler = (String) value(SAMPLER.get(0), options, context, whose);
        config.put("sampler", sampler);
        if (sampler.equals("dream")) {
            int clusters = (Integer) value(SAMPLER.get(1), options, context, whose);
            config.put("clusters", clusters);
            config.put(
                    "interval",
                    options.containsKey("interval")
                            ? SAMPLER.get(2).check(options.get("interval"), whose)
                            : method.dreamInterval());
            // At least one candidate per centre: a large N asked for alone gets that many, not an error about
            // candidates.
            config.put(
                    "candidates",
                    options.containsKey("candidates")
                            ? SAMPLER.get(3).check(options.get("candidates"), whose)
                            : Math.max(RepresentativeSampler.DEFAULT_CANDIDATES, clusters));
            if (method.matchesPerClass() && config.containsKey("real_batch") && !options.containsKey("real_batch")) {
                config.put(
                        "real_batch",
                        clusters); // DREAM matches each class against its N representatives, as its reference
            }
        } else if (options.containsKey("clusters")
                || options.containsKey("interval")
                || options.containsKey("candidates")) {
            throw new IllegalArgumentException(
                    "clusters, interval and candidates are options of the dream sampler, not of random");
        }
        config.put("init", value(SAMPLER.get(4), options, context, whose));
        return config;
    }

    private static Option find(String key, Method method) {
        for (List<Option> list : List.of(COMMON, SAMPLER, method.options())) {
            for (Option o : list) {
                if (o.name().equals(key)) {
                    return o;
                }
            }
        }
        return null;
    }

    private static Object value(Option o, Map<String, ?> options, Option.Context context, String whose) {
        return options.containsKey(o.name()) ? o.check(options.get(o.name()), whose) : o.defaultIn(context);
    }

    /**
     * A distiller for {@code options} (see {@link #configure}) on the preprocessed training images
     * {@code train} of {@code dataset}; it learns in their space and exports pixels.
     */
    public static Distiller create(
            Map<String, ?> options, long defaultSteps, ImageSet train, String dataset, NDManager manager) {
        Map<String, Object> c = configure(options, defaultSteps, dataset);
        RealSampler sampler = sampler(c, train);
        return named((String) c.get("method")).create(c, sampler, dataset, manager);
    }

    /**
     * Checks a complete configuration against the training images before anything is built: its architecture
     * takes them, every class holds the IPC real images a run starts from, DREAM's clusters, and the real
     * images a step draws from it ({@link Method#realImagesPerClass}).
     *
     * @throws IllegalArgumentException naming the architecture, or the option, its value, the class that is too small and
     *                                  what fits
     */
    @SuppressWarnings("unchecked")
    public static void requireFits(Map<String, ?> config, ImageSet train) {
        Architectures.create(
                String.valueOf(config.get("architecture")), train.shape().slice(1), train.numClasses());
        Map<String, Object> options = (Map<String, Object>) config;
        Method method = named(String.valueOf(config.get("method")));
        int[] counts = train.classCounts();
        int smallest = 0;
        for (int c = 1; c < counts.length; c++) {
            smallest = counts[c] < counts[smallest] ? c : smallest;
        }
        int fewest = counts.length == 0 ? 0 : counts[smallest];
        String where = train.className(smallest) + "' has only " + fewest + " images in " + train.name();
        int ipc = ((Number) config.get("ipc")).intValue();
        // A method may start from more real images than it stores (IDC tiles ipc × factor² per class).
        int need = method.startImagesPerClass(options);
        if (fewest < need) {
            String perIpc = need == ipc ? "" : " (" + need + " real images per class to start from)";
            int fits = fewest / Math.max(1, need / ipc);
            throw new IllegalArgumentException(
                    "option 'ipc' of " + method.name() + " is " + ipc + perIpc + ", but class '" + where + "; "
                            + (fits >= 1
                                    ? "choose ipc " + fits + " or fewer"
                                    : "no ipc fits: use a dataset with more images per class, " + "or options of "
                                            + method.name() + " that start from fewer"));
        }
        if ("dream".equals(config.get("sampler"))
                && config.get("clusters") instanceof Number clusters
                && fewest < clusters.intValue()) {
            throw new IllegalArgumentException("option 'clusters' of the dream sampler is " + clusters + ", but class '"
                    + where + "; choose clusters " + fewest + " or fewer");
        }
        int drawn = method.realImagesPerClass(options, counts.length);
        if (fewest < drawn) {
            int batch = ((Number) config.get("real_batch")).intValue();
            // The largest real batch that fits, whatever way the method shares it out (the share grows with the batch).
            int low = 0;
            int high = batch;
            while (low < high) {
                int mid = (low + high + 1) >>> 1;
                Map<String, Object> smaller = new LinkedHashMap<>(options);
                smaller.put("real_batch", mid);
                if (method.realImagesPerClass(smaller, counts.length) <= fewest) {
                    low = mid;
                } else {
                    high = mid - 1;
                }
            }
            String share = drawn == batch ? "" : " (" + drawn + " real images of each class a step)";
            throw new IllegalArgumentException("option 'real_batch' of " + method.name() + " is " + batch + share
                    + ", but class '" + where + " to draw them from, each image at most once a step; "
                    + (low >= 1
                            ? "choose real_batch " + low + " or fewer"
                            : "no real_batch fits: use a dataset with more images per class"));
        }
    }

    /** The real-batch sampler a complete configuration names. */
    public static RealSampler sampler(Map<String, ?> config, ImageSet train) {
        long seed = ((Number) config.get("seed")).longValue();
        return switch (String.valueOf(config.get("sampler"))) {
            case "dream" ->
                new RepresentativeSampler(
                        train,
                        seed,
                        ((Number) config.get("clusters")).intValue(),
                        ((Number) config.get("interval")).intValue(),
                        ((Number) config.get("candidates")).intValue());
            default -> new RandomSampler(train, seed);
        };
    }

    /** Whether a configuration starts its images from DREAM's K-Means picks ({@code init = kmeans}). */
    public static boolean startsFromKMeans(Map<String, ?> config) {
        return "kmeans".equals(config.get("init"));
    }

    /**
     * Applies the configuration's {@code init} to a new run (not a resumed one: its images come from
     * the checkpoint): {@code kmeans} starts each class from the real images nearest the centres of a
     * K-Means (k = {@link Method#startImagesPerClass}, IPC for most methods) under a randomly initialised
     * network of the run's architecture, as DREAM does.
     */
    public static void initialise(Distiller distiller, Map<String, ?> config, ImageSet train, NDManager manager) {
        if (!startsFromKMeans(config)) {
            return;
        }
        @SuppressWarnings("unchecked")
        int ipc = named(String.valueOf(config.get("method"))).startImagesPerClass((Map<String, Object>) config);
        long seed = ((Number) config.get("seed")).longValue();
        try (NDManager scope = manager.newSubManager()) {
            Network net = Architectures.create(
                            String.valueOf(config.get("architecture")),
                            train.shape().slice(1),
                            train.numClasses())
                    .initialize(scope, seed);
            KMeansInit.apply(distiller, train, ipc, net, seed);
        }
    }

    /**
     * An option's value as descriptions write it: whole numbers without a decimal point (JSON gives
     * numbers back as doubles), others as they are.
     */
    public static String text(Object value) {
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                return String.valueOf((long) d);
            }
        }
        return String.valueOf(value);
    }

    /**
     * A complete configuration in words: the method's own description ({@link Method#describe}), then
     * the sampler, the start and the seed, e.g. for the rows of a table of results.
     */
    public static String describe(Map<String, Object> config) {
        List<String> parts = new ArrayList<>();
        parts.add(named(String.valueOf(config.get("method"))).describe(config));
        if (config.containsKey("sampler")) {
            if (!"dream".equals(config.get("sampler"))) {
                parts.add("random real batches");
            } else {
                long candidates = config.get("candidates") instanceof Number n ? n.longValue() : 0;
                parts.add("DREAM batches (" + text(config.get("clusters")) + " clusters per class, re-clustered every "
                        + text(config.get("interval")) + " steps, "
                        + (candidates == 0 ? "all images" : candidates + " candidates") + " per class)");
            }
        }
        if (startsFromKMeans(config)) {
            parts.add("started from the images nearest K-Means centres");
        }
        if (config.get("seed") instanceof Number seed) {
            parts.add("seed " + seed.longValue());
        }
        return String.join("; ", parts);
    }
}
