package org.ddlab.methods;

import ai.djl.ndarray.NDManager;
import org.ddlab.data.ImageSet;
import org.ddlab.distill.Distiller;
import org.ddlab.dream.KMeansInit;
import org.ddlab.dream.RepresentativeSampler;
import org.ddlab.frepo.FrepoConfig;
import org.ddlab.frepo.FrepoDistiller;
import org.ddlab.matching.DistributionMatching;
import org.ddlab.matching.GradientMatching;
import org.ddlab.matching.MatchingConfig;
import org.ddlab.nn.Architectures;
import org.ddlab.nn.Network;
import org.ddlab.sampling.RandomSampler;
import org.ddlab.sampling.RealSampler;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every distillation method by name, configured from a map of options: the one vocabulary the CLI's
 * {@code distill}, ablation grids and checkpoints share. Keys are the configurations' own
 * ({@link FrepoConfig#toMap()}, {@link MatchingConfig#toMap()}) plus the real-batch sampler's; a key
 * left out takes the method's default, a key of another method is an error rather than silently
 * ignored (an ablation over {@code pool_size} of DC would otherwise run five identical cells).
 *
 * <p>With {@code sampler: dream} a matching method's {@code real_batch} defaults to {@code clusters}
 * (DREAM matches each class against its N representatives), so a grid over {@code clusters} varies
 * the batch with it, as DREAM's reference does; FRePo keeps its class-balanced batch.
 */
public final class Methods {

    /** Known method names. */
    public static final List<String> NAMES = List.of("frepo", "dc", "dsa", "dm");

    private static final Set<String> COMMON = Set.of("method", "ipc", "steps", "seed", "architecture", "real_batch", "image_lr");
    private static final Set<String> SAMPLER = Set.of("sampler", "clusters", "interval", "candidates", "init");
    private static final Set<String> FREPO = Set.of("pool_size", "max_online_steps", "ridge", "learn_labels", "label_lr", "online_lr");
    private static final Set<String> MATCHING = Set.of("iterations", "image_momentum", "net_lr", "outer_loop", "inner_loop", "distance");
    private static final Set<String> STRINGS = Set.of("method", "architecture", "distance", "sampler", "init");
    private static final Set<String> BOOLEANS = Set.of("learn_labels");

    private Methods() {
    }

    /**
     * The complete configuration {@code options} stand for: the method's defaults (for its IPC and
     * {@code defaultSteps} when {@code steps} is not given) overridden by the options, as the method's
     * own map, plus the sampler's keys. Two option maps that mean the same run give equal maps.
     */
    public static Map<String, Object> configure(Map<String, ?> options, long defaultSteps) {
        check(options);
        String method = method(options);
        int ipc = options.containsKey("ipc") ? ((Number) options.get("ipc")).intValue() : 10;
        Map<String, Object> m;
        if (method.equals("frepo")) {
            long steps = options.containsKey("steps") ? ((Number) options.get("steps")).longValue() : defaultSteps;
            m = FrepoConfig.defaults(ipc, steps).toMap();
            overlay(m, options, FREPO);
            m = FrepoConfig.fromMap(m).toMap();
        } else {
            Object it = options.containsKey("iterations") ? options.get("iterations") : options.get("steps");
            long iterations = it == null ? defaultSteps : ((Number) it).longValue();
            MatchingConfig.Method mm = MatchingConfig.Method.parse(method);
            m = MatchingConfig.defaults(mm, ipc, iterations).toMap();
            overlay(m, options, MATCHING);
            m.put("iterations", iterations);
            m = MatchingConfig.fromMap(m).toMap();
        }
        String sampler = String.valueOf(options.containsKey("sampler") ? options.get("sampler") : "random").toLowerCase(Locale.ROOT);
        m.put("sampler", sampler);
        if (sampler.equals("dream")) {
            m.put("clusters", intOption(options, "clusters", RepresentativeSampler.DEFAULT_CLUSTERS));
            m.put("interval", intOption(options, "interval", defaultInterval(method)));
            // At least one candidate per centre: a large N asked for alone gets that many, not an error about candidates.
            m.put("candidates", intOption(options, "candidates", Math.max(RepresentativeSampler.DEFAULT_CANDIDATES, (Integer) m.get("clusters"))));
            if (!method.equals("frepo") && !options.containsKey("real_batch")) {
                // DREAM matches against its N representatives: the real batch is N, as in the reference (and in distill).
                m.put("real_batch", m.get("clusters"));
            }
        } else if (!sampler.equals("random")) {
            throw new IllegalArgumentException("unknown sampler '" + sampler + "'; known: random, dream");
        } else if (options.containsKey("clusters") || options.containsKey("interval") || options.containsKey("candidates")) {
            throw new IllegalArgumentException("clusters, interval and candidates are options of the dream sampler, not of random");
        }
        String init = String.valueOf(options.containsKey("init") ? options.get("init") : "real").toLowerCase(Locale.ROOT);
        if (!init.equals("real") && !init.equals("kmeans")) {
            throw new IllegalArgumentException("unknown init '" + init + "'; known: real (random real images), kmeans");
        }
        m.put("init", init);
        return m;
    }

    /**
     * DREAM's default re-clustering interval for a method, in its own steps (DC/DSA: matchings, DM:
     * iterations, FRePo: steps). The reference's 10 ({@link RepresentativeSampler#DEFAULT_INTERVAL}) was
     * set on a GPU, where embedding a class is almost free; on a CPU embedding the candidates costs as
     * much as several of the method's own steps, the more so the cheaper its step is (DM's forward-only
     * step, FRePo's one batch). These are spaced so that DREAM's sampling stays under 15 % of a run here
     * (README, "DREAM"); our interval ablation (4 / 10 / 20) found no difference in accuracy.
     */
    public static int defaultInterval(String method) {
        return switch (method) {
            case "frepo" -> 100;
            case "dm" -> 30;
            default -> 20;
        };
    }

    /**
     * A distiller for {@code options} (see {@link #configure}) on the preprocessed training images
     * {@code train} of {@code dataset}; it learns in their space and exports pixels.
     */
    public static Distiller create(Map<String, ?> options, long defaultSteps, ImageSet train, String dataset, NDManager manager) {
        Map<String, Object> c = configure(options, defaultSteps);
        long seed = ((Number) c.get("seed")).longValue();
        RealSampler sampler = sampler(c, train, seed);
        if (c.get("method").equals("frepo")) {
            return new FrepoDistiller(FrepoConfig.fromMap(c), sampler, dataset, manager);
        }
        MatchingConfig mc = MatchingConfig.fromMap(c);
        return mc.method() == MatchingConfig.Method.DM
                ? new DistributionMatching(mc, sampler, dataset, manager)
                : new GradientMatching(mc, sampler, dataset, manager);
    }

    /** The real-batch sampler a configuration (from {@link #configure}) names. */
    public static RealSampler sampler(Map<String, ?> config, ImageSet train, long seed) {
        String name = String.valueOf(config.containsKey("sampler") ? config.get("sampler") : "random");
        return switch (name) {
            case "random" -> new RandomSampler(train, seed);
            case "dream" -> new RepresentativeSampler(train, seed, intOption(config, "clusters", RepresentativeSampler.DEFAULT_CLUSTERS),
                    intOption(config, "interval", defaultInterval(String.valueOf(config.get("method")))),
                    intOption(config, "candidates", RepresentativeSampler.DEFAULT_CANDIDATES));
            default -> throw new IllegalArgumentException("unknown sampler '" + name + "'; known: random, dream");
        };
    }

    /**
     * Applies the configuration's {@code init} to a new run (not a resumed one: its images come from
     * the checkpoint): {@code kmeans} starts each class from the real images nearest the centres of a
     * K-Means (k = IPC) under a randomly initialised network of the run's architecture, as DREAM does.
     */
    public static void initialise(Distiller distiller, Map<String, ?> config, ImageSet train, NDManager manager) {
        if (!"kmeans".equals(config.get("init"))) {
            return;
        }
        int ipc = ((Number) config.get("ipc")).intValue();
        long seed = ((Number) config.get("seed")).longValue();
        try (NDManager scope = manager.newSubManager()) {
            Network net = Architectures.create(String.valueOf(config.get("architecture")), train.shape().slice(1), train.numClasses())
                    .initialize(scope, seed);
            KMeansInit.apply(distiller, train, ipc, net, seed);
        }
    }

    private static int intOption(Map<String, ?> options, String key, int fallback) {
        return options.containsKey(key) ? ((Number) options.get(key)).intValue() : fallback;
    }

    private static String method(Map<String, ?> options) {
        String method = String.valueOf(options.containsKey("method") ? options.get("method") : "frepo").toLowerCase(Locale.ROOT);
        if (!NAMES.contains(method)) {
            throw new IllegalArgumentException("unknown method '" + method + "'; known: " + String.join(", ", NAMES));
        }
        return method;
    }

    private static void check(Map<String, ?> options) {
        String method = method(options);
        Set<String> mine = method.equals("frepo") ? FREPO : MATCHING;
        Set<String> theirs = method.equals("frepo") ? MATCHING : FREPO;
        for (Map.Entry<String, ?> e : options.entrySet()) {
            String k = e.getKey();
            Object v = e.getValue();
            if (theirs.contains(k) && !(method.equals("dm") && k.equals("iterations"))) {
                throw new IllegalArgumentException("'" + k + "' is an option of " + (method.equals("frepo") ? "dc/dsa/dm" : "frepo")
                        + ", not of " + method);
            }
            if (!COMMON.contains(k) && !SAMPLER.contains(k) && !mine.contains(k)) {
                Set<String> known = new TreeSet<>(COMMON);
                known.addAll(SAMPLER);
                known.addAll(mine);
                throw new IllegalArgumentException("unknown option '" + k + "' for " + method + "; known: " + String.join(", ", known));
            }
            boolean ok = STRINGS.contains(k) ? v instanceof String : BOOLEANS.contains(k) ? v instanceof Boolean : v instanceof Number;
            if (!ok) {
                throw new IllegalArgumentException("option '" + k + "' must be " + (STRINGS.contains(k) ? "a string"
                        : BOOLEANS.contains(k) ? "true or false" : "a number") + ", got " + v);
            }
        }
    }

    private static void overlay(Map<String, Object> target, Map<String, ?> options, Set<String> own) {
        for (Map.Entry<String, ?> e : options.entrySet()) {
            if (COMMON.contains(e.getKey()) || own.contains(e.getKey())) {
                target.put(e.getKey(), e.getValue());
            }
        }
        if (own == MATCHING) {
            target.remove("steps");
        }
    }
}
