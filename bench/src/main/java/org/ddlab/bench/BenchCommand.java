package org.ddlab.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.ddlab.cli.CommandPlugin;
import org.ddlab.cli.DataOptions;
import org.ddlab.cli.Relaunch;
import org.ddlab.data.ImageSet;
import org.ddlab.distill.Distiller;
import org.ddlab.engine.Devices;
import org.ddlab.engine.EngineInfo;
import org.ddlab.engine.NativeMemory;
import org.ddlab.engine.Profile;
import org.ddlab.eval.EvalResult;
import org.ddlab.eval.EvaluationProtocol;
import org.ddlab.frepo.FrepoConfig;
import org.ddlab.frepo.FrepoDistiller;
import org.ddlab.idc.IdcDistiller;
import org.ddlab.methods.Methods;
import org.ddlab.sampling.RandomSampler;
import org.ddlab.train.Augmentation;
import org.ddlab.train.LabeledSet;
import org.ddlab.train.TrainingSchedule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ddlab bench}: speed and memory figures, measured side by side with a reference implementation. A
 * {@link CommandPlugin} of the bench module: {@code java -jar bench/target/ddlab-bench.jar bench …}.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks (the figures of docs/results.md).",
        subcommands = {
            BenchCommand.FrepoStep.class,
            BenchCommand.IdcStep.class,
            BenchCommand.Evaluate.class,
            BenchCommand.MetaGradient.class,
            BenchCommand.KMeansBench.class
        })
public final class BenchCommand implements Callable<Integer>, CommandPlugin {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** bench/NAME of the checkout this jar was built in, or under the working directory. */
    static Path script(String name) {
        try {
            Path jar = Path.of(BenchCommand.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            for (Path d = jar.getParent(); d != null; d = d.getParent()) {
                if (Files.isRegularFile(d.resolve("bench").resolve(name))) {
                    return d.resolve("bench").resolve(name);
                }
            }
        } catch (Exception ignored) {
            // fall through to the working directory
        }
        return Path.of("bench", name);
    }

    /** Runs a bench/*.py script and returns the JSON object on its last output line. */
    static JsonObject runScript(String python, Path script, List<String> args)
            throws IOException, InterruptedException {
        return runScript(python, script, args, Map.of());
    }

    /** As {@link #runScript(String, Path, List)}, with extra environment variables for the script. */
    static JsonObject runScript(String python, Path script, List<String> args, Map<String, String> env)
            throws IOException, InterruptedException {
        if (!Files.isRegularFile(script)) {
            throw new IllegalArgumentException(
                    "the PyTorch script " + script + " is missing; run from a ddlab checkout");
        }
        List<String> cmd = new ArrayList<>(List.of(python, script.toString()));
        cmd.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        // The reference runs as users run PyTorch: without the allocator settings ddlab launched itself with,
        // unless the caller asks for them.
        builder.environment().keySet().removeAll(NativeMemory.REUSE_ENVIRONMENT.keySet());
        builder.environment().remove(Relaunch.MARKER);
        builder.environment().putAll(env);
        Process p = builder.start();
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        int code = p.waitFor();
        String last = stdout.substring(stdout.lastIndexOf('\n') + 1);
        if (code != 0 || !last.startsWith("{")) {
            throw new IllegalStateException(script.getFileName() + " failed (exit " + code + "): " + stdout
                    + (stdout.contains("No module named 'torch'")
                            ? " — install it with environment/setup (Debian package python3-torch)"
                            : ""));
        }
        return new Gson().fromJson(last, JsonObject.class);
    }

    /**
     * DREAM's cost on a CPU: embedding one class of the dataset (Fashion-MNIST: 6000 images) with ConvNet-128 and
     * clustering the embeddings into N centres, with our engine K-Means and, in the same run, Smile's
     * (the library a Java user would reach for), so the speed-up is measured rather than claimed.
     */
    @Command(
            name = "kmeans",
            mixinStandardHelpOptions = true,
            description = "Time to embed one class and cluster it (DREAM's re-clustering), ours vs Smile's K-Means.")
    static final class KMeansBench implements Callable<Integer> {

        @Option(names = "--clusters", defaultValue = "128", description = "Centres, N. Default: ${DEFAULT-VALUE}.")
        int clusters;

        @Option(
                names = "--iterations",
                defaultValue = "20",
                description = "Lloyd iterations at most. Default: ${DEFAULT-VALUE}.")
        int iterations;

        @Option(
                names = "--class",
                defaultValue = "0",
                description = "Class to embed and cluster. Default: ${DEFAULT-VALUE}.")
        int cls;

        @picocli.CommandLine.Mixin
        DataOptions data;

        @Option(names = "--width", defaultValue = "128", description = "ConvNet width. Default: ${DEFAULT-VALUE}.")
        int width;

        @Option(names = "--no-reference", description = "Skip Smile (it takes minutes at N = 128).")
        boolean noReference;

        @Option(names = "--json", description = "Print one JSON object.")
        boolean json;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            ImageSet train = data.splits().train();
            int[] idx = train.indicesOf(cls);
            Map<String, Object> r = new java.util.LinkedHashMap<>();
            try (NDManager m = NDManager.newBaseManager(org.ddlab.engine.Devices.preferred());
                    org.ddlab.engine.GradMode.Scope off = org.ddlab.engine.GradMode.off()) {
                org.ddlab.nn.Network net = org.ddlab.nn.Architectures.create(
                                "convnet:width=" + width, train.shape().slice(1), train.numClasses())
                        .initialize(m, 0);
                long t0 = System.nanoTime();
                NDArray emb = org.ddlab.coreset.Coresets.embed(train, idx, x -> net.features(x, false), m, 256);
                double embedSeconds = (System.nanoTime() - t0) / 1e9;
                long t1 = System.nanoTime();
                org.ddlab.dream.KMeans.Result ours = org.ddlab.dream.KMeans.fit(emb, clusters, 0, iterations);
                double oursSeconds = (System.nanoTime() - t1) / 1e9;
                r.put("points", idx.length);
                r.put("dimension", ours.dimension());
                r.put("clusters", clusters);
                r.put("max_iterations", iterations);
                r.put("threads", EngineInfo.current().threads());
                r.put("embed_seconds", embedSeconds);
                r.put("ddlab_seconds", oursSeconds);
                r.put("ddlab_iterations", ours.iterations());
                r.put("ddlab_inertia", ours.inertia());
                if (!noReference) {
                    float[] flat = emb.toFloatArray();
                    int d = ours.dimension();
                    double[][] x = new double[idx.length][d];
                    for (int i = 0; i < x.length; i++) {
                        for (int t = 0; t < d; t++) {
                            x[i][t] = flat[i * d + t];
                        }
                    }
                    long t2 = System.nanoTime();
                    var reference = smile.clustering.KMeans.fit(x, clusters, iterations);
                    double smileSeconds = (System.nanoTime() - t2) / 1e9;
                    r.put("smile_seconds", smileSeconds);
                    r.put("smile_inertia", reference.distortion()); // mean squared distance (Smile's convention)
                }
            }
            if (json) {
                out.println(new Gson().toJson(r));
            } else {
                out.printf(
                        Locale.ROOT,
                        "class %d of %s: %d images embedded by ConvNet-%d into %d dimensions in %.2f s (%d threads)%n",
                        cls,
                        data.dataset().title(),
                        r.get("points"),
                        width,
                        r.get("dimension"),
                        (double) r.get("embed_seconds"),
                        r.get("threads"));
                out.printf(Locale.ROOT, "K-Means, k = %d, at most %d iterations:%n", clusters, iterations);
                // Smile's "distortion" is the mean squared distance of a point to its centre; ours is shown the same
                // way.
                out.printf(
                        Locale.ROOT,
                        "  ddlab (engine matrix products)  %8.2f s  %d iterations  mean squared distance %.4g%n",
                        (double) r.get("ddlab_seconds"),
                        r.get("ddlab_iterations"),
                        (double) r.get("ddlab_inertia") / (int) r.get("points"));
                if (r.containsKey("smile_seconds")) {
                    out.printf(
                            Locale.ROOT,
                            "  Smile %s KMeans.fit          %8.2f s  mean squared distance %.4g%n",
                            "4.4.2",
                            (double) r.get("smile_seconds"),
                            (double) r.get("smile_inertia"));
                    out.printf(
                            Locale.ROOT,
                            "  Smile / ddlab time: %.1fx%n",
                            (double) r.get("smile_seconds") / (double) r.get("ddlab_seconds"));
                }
                out.printf(
                        Locale.ROOT,
                        "one DREAM re-clustering of all 10 classes: about %.1f s (embedding + K-Means)%n",
                        10 * ((double) r.get("embed_seconds") + (double) r.get("ddlab_seconds")));
            }
            out.flush();
            return 0;
        }
    }

    /**
     * One repeat of the evaluation protocol — a fresh ConvNet trained on an IPC-10 set, then tested on
     * 10 000 images — here and in {@code bench/evaluate.py} (the same training in plain PyTorch), one
     * after the other in alternating rounds so they never share the cores. Without augmentation on both
     * sides: the PyTorch side has no DSA; ddlab's DSA cost is timed on its own ({@code --with-dsa}).
     */
    @Command(
            name = "evaluate",
            mixinStandardHelpOptions = true,
            description =
                    "Seconds per evaluation repeat (train on IPC x 10 images, test on 10 000), against the same in PyTorch.")
    static final class Evaluate implements Callable<Integer> {

        @Option(names = "--width", defaultValue = "128", description = "ConvNet width. Default: ${DEFAULT-VALUE}.")
        int width;

        @Option(names = "--depth", defaultValue = "3", description = "ConvNet depth. Default: ${DEFAULT-VALUE}.")
        int depth;

        @Option(
                names = "--ipc",
                defaultValue = "10",
                description = "Training images per class. Default: ${DEFAULT-VALUE}.")
        int ipc;

        @Option(
                names = "--channels",
                defaultValue = "3",
                description = "Image channels. Default: ${DEFAULT-VALUE} (CIFAR).")
        int channels;

        @Option(
                names = "--size",
                defaultValue = "32",
                description = "Image height and width. Default: ${DEFAULT-VALUE} (CIFAR).")
        int size;

        @Option(
                names = "--epochs",
                defaultValue = "300",
                description = "Training epochs (the default profile's). Default: ${DEFAULT-VALUE}.")
        int epochs;

        @Option(names = "--test", defaultValue = "10000", description = "Test images. Default: ${DEFAULT-VALUE}.")
        int test;

        @Option(
                names = "--rounds",
                defaultValue = "2",
                description = "Alternating rounds (ddlab, then PyTorch). Default: ${DEFAULT-VALUE}.")
        int rounds;

        @Option(
                names = "--with-dsa",
                description = "Also time ddlab with the protocol's DSA augmentation (no PyTorch counterpart).")
        boolean withDsa;

        @Option(
                names = "--pytorch-reuse",
                description = "Also time PyTorch under ddlab's allocator setting (as bench frepo-step).")
        boolean pytorchReuse;

        @Option(
                names = "--python",
                defaultValue = "/usr/bin/python3",
                description = "Python with torch. Default: ${DEFAULT-VALUE}.")
        String python;

        @Option(names = "--json", description = "Print one JSON object.")
        boolean json;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            int threads = EngineInfo.current().threads();
            List<Map<String, Object>> ours = new ArrayList<>();
            List<Map<String, Object>> oursDsa = new ArrayList<>();
            List<JsonObject> theirs = new ArrayList<>();
            List<JsonObject> theirsReuse = new ArrayList<>();
            for (int r = 1; r <= rounds; r++) {
                err.printf(Locale.ROOT, "round %d of %d: ddlab ...%n", r, rounds);
                err.flush();
                ours.add(measureOurs(false));
                if (withDsa) {
                    oursDsa.add(measureOurs(true));
                }
                err.printf(Locale.ROOT, "round %d of %d: PyTorch (%s) ...%n", r, rounds, python);
                err.flush();
                List<String> args = List.of(
                        "--width",
                        "" + width,
                        "--depth",
                        "" + depth,
                        "--ipc",
                        "" + ipc,
                        "--channels",
                        "" + channels,
                        "--size",
                        "" + size,
                        "--epochs",
                        "" + epochs,
                        "--test",
                        "" + test,
                        "--threads",
                        "" + threads);
                theirs.add(runScript(python, script("evaluate.py"), args));
                if (pytorchReuse) {
                    theirsReuse.add(runScript(python, script("evaluate.py"), args, NativeMemory.REUSE_ENVIRONMENT));
                }
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put(
                    "setting",
                    String.format(
                            Locale.ROOT,
                            "ConvNet width %d depth %d, %dx%dx%d, train %d images for %d epochs "
                                    + "(batch 256, SGD, no augmentation), test %d images; %d rounds, %d threads",
                            width,
                            depth,
                            channels,
                            size,
                            size,
                            ipc * 10,
                            epochs,
                            test,
                            rounds,
                            threads));
            result.put("ddlab", median(ours));
            if (withDsa) {
                result.put("ddlab_dsa", median(oursDsa));
            }
            result.put("pytorch", median(reference(theirs, "")));
            if (pytorchReuse) {
                result.put("pytorch_reuse", median(reference(theirsReuse, " (ddlab's allocator setting)")));
            }
            if (json) {
                out.println(new Gson().toJson(result));
            } else {
                out.println(result.get("setting"));
                out.printf(Locale.ROOT, "%-56s %12s %12s %12s%n", "", "train s", "test s", "peak RSS MB");
                for (String k : List.of("ddlab", "ddlab_dsa", "pytorch", "pytorch_reuse")) {
                    if (result.get(k) instanceof Map<?, ?> m) {
                        out.printf(
                                Locale.ROOT,
                                "%-56s %12.1f %12.1f %12.0f%n",
                                String.valueOf(m.get("implementation")),
                                ((Number) m.get("train_seconds")).doubleValue(),
                                ((Number) m.get("test_seconds")).doubleValue(),
                                ((Number) m.get("peak_rss_mb")).doubleValue());
                    }
                }
            }
            out.flush();
            return 0;
        }

        private static List<Map<String, Object>> reference(List<JsonObject> runs, String note) {
            return runs.stream()
                    .map(o -> {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("implementation", o.get("implementation").getAsString() + note);
                        m.put("train_seconds", o.get("train_seconds").getAsDouble());
                        m.put("test_seconds", o.get("test_seconds").getAsDouble());
                        m.put("peak_rss_mb", o.get("peak_rss_mb").getAsDouble());
                        return m;
                    })
                    .toList();
        }

        private Map<String, Object> measureOurs(boolean dsa) {
            Random random = new Random(0);
            int n = ipc * 10;
            int per = channels * size * size;
            float[] px = new float[n * per];
            for (int i = 0; i < px.length; i++) {
                px[i] = (float) random.nextGaussian();
            }
            int[] labels = new int[n];
            Arrays.setAll(labels, i -> i / ipc);
            float[] testPx = new float[test * per];
            for (int i = 0; i < testPx.length; i++) {
                testPx[i] = (float) random.nextGaussian();
            }
            int[] testLabels = new int[test];
            Arrays.setAll(testLabels, i -> random.nextInt(10));
            List<String> names = new ArrayList<>();
            for (int c = 0; c < 10; c++) {
                names.add("class " + c);
            }
            ImageSet train = ImageSet.of("random", px, labels, channels, size, size, names);
            ImageSet testSet = ImageSet.of("random test", testPx, testLabels, channels, size, size, names);
            EvaluationProtocol protocol = EvaluationProtocol.forProfile(Profile.DEFAULT)
                    .withRepeats(1)
                    .withSchedule(TrainingSchedule.forProfile(Profile.DEFAULT)
                            .withEpochs(epochs)
                            .withAugment(dsa));
            if (!dsa) {
                protocol = protocol.withAugmentation(Augmentation.NONE);
            }
            long start = System.nanoTime();
            EvalResult r = protocol.evaluate(
                    "convnet:width=" + width + ",depth=" + depth,
                    LabeledSet.hard(train),
                    testSet,
                    0,
                    EvaluationProtocol.Listener.NONE);
            double total = (System.nanoTime() - start) / 1e9;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("implementation", "ddlab (DJL " + ai.djl.engine.Engine.getDjlVersion() + ")" + (dsa ? " + DSA" : ""));
            m.put("train_seconds", r.trainSeconds()[0]);
            m.put("test_seconds", total - r.trainSeconds()[0]);
            m.put("peak_rss_mb", FrepoStep.procStatusMb("VmHWM"));
            return m;
        }

        /** Per field, the median over rounds (the first round's text fields). */
        private static Map<String, Object> median(List<Map<String, Object>> rounds) {
            Map<String, Object> m = new LinkedHashMap<>(rounds.get(0));
            for (String k : List.of("train_seconds", "test_seconds", "peak_rss_mb")) {
                double[] v = rounds.stream()
                        .mapToDouble(x -> ((Number) x.get(k)).doubleValue())
                        .sorted()
                        .toArray();
                m.put(k, v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2);
            }
            m.put("rounds", rounds.size());
            return m;
        }
    }

    /**
     * The paper's central claim: the memory and time of one meta-gradient by FRePo's kernel regression
     * against back-propagation through K unrolled inner steps, both in Debian's PyTorch
     * ({@code bench/meta_gradient.py}; DJL has no autograd.grad for intermediate weights), one process
     * per measurement so each peak (VmHWM) is that computation's own.
     */
    @Command(
            name = "meta-gradient",
            mixinStandardHelpOptions = true,
            description = "Peak memory and time of one meta-gradient: FRePo vs unrolling K inner steps (PyTorch).")
    static final class MetaGradient implements Callable<Integer> {

        @Option(names = "--width", defaultValue = "128", description = "ConvNet width. Default: ${DEFAULT-VALUE}.")
        int width;

        @Option(
                names = "--ipc",
                defaultValue = "10",
                description = "Synthetic images per class. Default: ${DEFAULT-VALUE}.")
        int ipc;

        @Option(
                names = "--k",
                split = ",",
                defaultValue = "1,5,10,20",
                description = "Unrolled inner steps. Default: ${DEFAULT-VALUE}.")
        List<Integer> ks;

        @Option(
                names = "--repeats",
                defaultValue = "2",
                description = "Timed repetitions per measurement (median). Default: ${DEFAULT-VALUE}.")
        int repeats;

        @Option(
                names = "--python",
                defaultValue = "/usr/bin/python3",
                description = "Python with torch. Default: ${DEFAULT-VALUE}.")
        String python;

        @Option(names = "--json", description = "One JSON object per measurement.")
        boolean json;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            int threads = EngineInfo.current().threads();
            Path script = script("meta_gradient.py");
            List<String> common = List.of(
                    "--width", "" + width, "--ipc", "" + ipc, "--repeats", "" + repeats, "--threads", "" + threads);
            List<JsonObject> rows = new ArrayList<>();
            List<String> frepoArgs = new ArrayList<>(common);
            frepoArgs.addAll(List.of("--method", "frepo"));
            JsonObject frepo = runScript(python, script, frepoArgs);
            for (int k : ks) {
                List<String> a = new ArrayList<>(common);
                a.addAll(List.of("--method", "unrolled", "--k", "" + k));
                rows.add(runScript(python, script, a));
            }
            rows.add(frepo);
            if (json) {
                rows.forEach(r -> out.println(r));
            } else {
                out.printf(
                        Locale.ROOT,
                        "ConvNet width %d, IPC %d, real batch 256, 28x28, %d threads, %s%n",
                        width,
                        ipc,
                        threads,
                        frepo.get("torch").getAsString());
                // "working" = peak minus the process's resident size before the computation (Python + torch
                // + data): the memory the meta-gradient itself needs, which is what the ratio compares.
                out.printf(
                        Locale.ROOT,
                        "%-14s %10s %12s %12s %10s %10s%n",
                        "method",
                        "ms",
                        "peak RSS MB",
                        "working MB",
                        "time/FRePo",
                        "mem/FRePo");
                for (JsonObject r : rows) {
                    String name = r.get("method").getAsString().equals("frepo")
                            ? "FRePo"
                            : "unrolled K=" + r.get("k").getAsInt();
                    out.printf(
                            Locale.ROOT,
                            "%-14s %10.0f %12.0f %12.0f %9.1fx %9.1fx%n",
                            name,
                            r.get("ms").getAsDouble(),
                            r.get("peak_rss_mb").getAsDouble(),
                            r.get("growth_mb").getAsDouble(),
                            r.get("ms").getAsDouble() / frepo.get("ms").getAsDouble(),
                            r.get("growth_mb").getAsDouble()
                                    / frepo.get("growth_mb").getAsDouble());
                }
            }
            out.flush();
            return 0;
        }
    }

    /**
     * IDC's matching round (Kim et al., ICML 2022) — every class matched once, then the network's update on
     * {@code net_data} real images — timed in ddlab ({@link IdcDistiller} with the dataset's reference settings, one
     * step of {@code --matchings} rounds, a fresh network first as each step starts) and in {@code bench/idc_step.py}
     * (the reference's round in plain PyTorch, same sizes and threads), alternating for {@code --rounds} rounds so a
     * busy machine slows both alike. Each side reports where a round's time goes, phase by phase.
     */
    @Command(
            name = "idc-step",
            mixinStandardHelpOptions = true,
            description =
                    "ms per IDC matching round (all classes matched + the network update), and where it goes, against the same round in PyTorch.")
    static final class IdcStep implements Callable<Integer> {

        @picocli.CommandLine.Mixin
        DataOptions data;

        @Option(
                names = "--ipc",
                defaultValue = "10",
                description = "Stored images per class. Default: ${DEFAULT-VALUE}.")
        int ipc;

        @Option(names = "--width", defaultValue = "128", description = "ConvNet width. Default: ${DEFAULT-VALUE}.")
        int width;

        @Option(names = "--depth", defaultValue = "3", description = "ConvNet depth. Default: ${DEFAULT-VALUE}.")
        int depth;

        @Option(
                names = "--matchings",
                defaultValue = "2",
                description = "Timed matching rounds per side and round. Default: ${DEFAULT-VALUE}.")
        int matchings;

        @Option(
                names = "--warmup",
                defaultValue = "1",
                description =
                        "Untimed matching rounds first (ddlab: once; PyTorch: per round). Default: ${DEFAULT-VALUE}.")
        int warmup;

        @Option(
                names = "--rounds",
                defaultValue = "3",
                description = "Alternating rounds (ddlab, then PyTorch). Default: ${DEFAULT-VALUE}.")
        int rounds;

        @Option(
                names = "--pytorch-reuse",
                description = "Also time PyTorch under ddlab's allocator setting (as bench frepo-step).")
        boolean pytorchReuse;

        @Option(
                names = "--lean",
                description =
                        "Also time PyTorch computing only what ddlab computes (matched weights' gradients, the second-order "
                                + "gradient to the images alone), under ddlab's allocator setting with --pytorch-reuse.")
        boolean lean;

        @Option(
                names = "--python",
                defaultValue = "/usr/bin/python3",
                description = "Python with torch. Default: ${DEFAULT-VALUE}.")
        String python;

        @Option(names = "--no-reference", description = "Time ddlab only.")
        boolean noReference;

        @Option(names = "--json", description = "Print one JSON object.")
        boolean json;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (rounds < 1 || matchings < 1 || warmup < 0) {
                throw new IllegalArgumentException(
                        "--rounds and --matchings must be at least 1 and --warmup at least 0");
            }
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            ImageSet train = data.splits().train();
            String dataset = data.dataset().name();
            int threads = EngineInfo.current().threads();
            Map<String, Object> config = Methods.configure(
                    Map.of("method", "idc", "ipc", ipc, "architecture", "convnet:width=" + width + ",depth=" + depth),
                    1,
                    dataset);
            Map<String, List<Map<String, Object>>> sides = new LinkedHashMap<>();
            if (warmup > 0) {
                err.printf(Locale.ROOT, "ddlab warm-up: %d matching round(s) ...%n", warmup);
                err.flush();
                measureOurs(train, dataset, config, warmup);
            }
            for (int r = 1; r <= rounds; r++) {
                err.printf(Locale.ROOT, "round %d of %d: ddlab ...%n", r, rounds);
                err.flush();
                sides.computeIfAbsent("ddlab", k -> new ArrayList<>())
                        .add(measureOurs(train, dataset, config, matchings));
                if (noReference) {
                    continue;
                }
                err.printf(Locale.ROOT, "round %d of %d: PyTorch (%s) ...%n", r, rounds, python);
                err.flush();
                List<String> args = scriptArguments(train, config, threads);
                sides.computeIfAbsent("pytorch", k -> new ArrayList<>()).add(reference(args, Map.of()));
                if (pytorchReuse) {
                    sides.computeIfAbsent("pytorch_reuse", k -> new ArrayList<>())
                            .add(reference(args, NativeMemory.REUSE_ENVIRONMENT));
                }
                if (lean) {
                    List<String> leanArgs = new ArrayList<>(args);
                    leanArgs.add("--lean");
                    sides.computeIfAbsent("pytorch_lean", k -> new ArrayList<>())
                            .add(reference(leanArgs, pytorchReuse ? NativeMemory.REUSE_ENVIRONMENT : Map.of()));
                }
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put(
                    "setting",
                    String.format(
                            Locale.ROOT,
                            "IDC on %s, IPC %d (factor %s: %d decoded per class), ConvNet width %d depth %d, "
                                    + "real batch %s per class, syn batch max %s, %s distance, matching augmentation %s, net_data %s (CutMix p %s); "
                                    + "%d timed matching rounds per side and round after %d warm-up, %d rounds, %d threads",
                            dataset,
                            ipc,
                            Methods.text(config.get("factor")),
                            ipc
                                    * ((Number) config.get("factor")).intValue()
                                    * ((Number) config.get("factor")).intValue(),
                            width,
                            depth,
                            Methods.text(config.get("real_batch")),
                            Methods.text(config.get("syn_batch_max")),
                            config.get("metric"),
                            config.get("augment"),
                            Methods.text(config.get("net_data")),
                            Methods.text(config.get("mix_probability")),
                            matchings,
                            warmup,
                            rounds,
                            threads));
            Map<String, Object> summaries = new LinkedHashMap<>();
            sides.forEach((k, v) -> summaries.put(k, summary(v)));
            result.put("sides", summaries);
            if (sides.containsKey("pytorch")) {
                for (String ref : List.of("pytorch", "pytorch_reuse", "pytorch_lean")) {
                    if (sides.containsKey(ref)) {
                        List<Double> ratios = new ArrayList<>();
                        for (int i = 0; i < rounds; i++) {
                            ratios.add(ms(sides.get("ddlab").get(i))
                                    / ms(sides.get(ref).get(i)));
                        }
                        result.put("ratios_ddlab_over_" + ref, ratios);
                    }
                }
            }
            if (json) {
                out.println(new Gson().toJson(result));
            } else {
                print(out, result, sides);
            }
            out.flush();
            return 0;
        }

        private void print(PrintWriter out, Map<String, Object> result, Map<String, List<Map<String, Object>>> sides) {
            out.println(result.get("setting"));
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> summaries = (Map<String, Map<String, Object>>) result.get("sides");
            List<String> names = new ArrayList<>(summaries.keySet());
            out.printf(Locale.ROOT, "%-22s", "ms per matching round");
            names.forEach(n -> out.printf(Locale.ROOT, " %16s", n));
            out.println();
            out.printf(Locale.ROOT, "%-22s", "total (median)");
            names.forEach(n -> out.printf(
                    Locale.ROOT, " %16.0f", ((Number) summaries.get(n).get("ms_per_round_median")).doubleValue()));
            out.println();
            out.printf(Locale.ROOT, "%-22s", "  range over rounds");
            names.forEach(n -> {
                @SuppressWarnings("unchecked")
                List<Double> ms = (List<Double>) summaries.get(n).get("ms_per_round_rounds");
                out.printf(
                        Locale.ROOT,
                        " %16s",
                        String.format(
                                Locale.ROOT,
                                "%.0f-%.0f",
                                java.util.Collections.min(ms),
                                java.util.Collections.max(ms)));
            });
            out.println();
            List<String> phases = new ArrayList<>();
            for (String n : names) {
                @SuppressWarnings("unchecked")
                Map<String, Double> p = (Map<String, Double>) summaries.get(n).get("phases_ms_per_round");
                p.keySet().stream().filter(k -> !phases.contains(k)).forEach(phases::add);
            }
            for (String phase : phases) {
                out.printf(Locale.ROOT, "%-22s", "  " + phase);
                for (String n : names) {
                    @SuppressWarnings("unchecked")
                    Map<String, Double> p =
                            (Map<String, Double>) summaries.get(n).get("phases_ms_per_round");
                    Double v = p.get(phase);
                    out.printf(Locale.ROOT, " %16s", v == null ? "-" : String.format(Locale.ROOT, "%.0f", v));
                }
                out.println();
            }
            out.printf(Locale.ROOT, "%-22s", "peak RSS MB");
            names.forEach(n -> out.printf(
                    Locale.ROOT, " %16.0f", ((Number) summaries.get(n).get("peak_rss_mb")).doubleValue()));
            out.println();
            for (String n : names) {
                out.printf(Locale.ROOT, "%s: %s%n", n, summaries.get(n).get("implementation"));
            }
            result.forEach((k, v) -> {
                if (k.startsWith("ratios_")) {
                    @SuppressWarnings("unchecked")
                    List<Double> ratios = (List<Double>) v;
                    out.printf(
                            Locale.ROOT,
                            "ddlab / %s per round: %s; median %.2f%n",
                            k.substring("ratios_ddlab_over_".length()),
                            ratios.stream()
                                    .map(x -> String.format(Locale.ROOT, "%.2f", x))
                                    .toList(),
                            FrepoStep.median(ratios));
                }
            });
        }

        /** One ddlab step of {@code count} matching rounds (a fresh network first, as every step): ms per round and per phase. */
        private Map<String, Object> measureOurs(ImageSet train, String dataset, Map<String, Object> config, int count) {
            Map<String, Object> options = new LinkedHashMap<>(config);
            options.put("inner_loop", count);
            double baseline = FrepoStep.baselineMb();
            Map<String, Object> m = new LinkedHashMap<>();
            try (NDManager manager = NDManager.newBaseManager(Devices.preferred());
                    Distiller d = Methods.create(options, 1, train, dataset, manager)) {
                Distiller.StepResult r = d.step();
                Map<String, Double> phases = new LinkedHashMap<>();
                ((IdcDistiller) d).phaseSeconds().forEach((k, v) -> phases.put(k, v * 1000 / count));
                m.put(
                        "implementation",
                        "ddlab (DJL " + ai.djl.engine.Engine.getDjlVersion() + ", libtorch "
                                + ai.djl.engine.Engine.getInstance().getVersion() + "; malloc: "
                                + NativeMemory.inEffect().name().toLowerCase(Locale.ROOT) + ")");
                m.put("ms_per_round", r.seconds() * 1000 / count);
                m.put("phases_ms_per_round", phases);
                m.put("distance_per_class", r.loss());
            }
            m.put("peak_rss_mb", FrepoStep.procStatusMb("VmHWM"));
            m.put("rss_growth_mb", FrepoStep.procStatusMb("VmHWM") - baseline);
            return m;
        }

        /** The script's arguments: the configuration's sizes and settings, the images' shape, the engine's threads. */
        private List<String> scriptArguments(ImageSet train, Map<String, Object> config, int threads) {
            return List.of(
                    "--width",
                    "" + width,
                    "--depth",
                    "" + depth,
                    "--channels",
                    "" + train.channels(),
                    "--size",
                    "" + train.shape().get(2),
                    "--classes",
                    "" + train.numClasses(),
                    "--ipc",
                    "" + ipc,
                    "--factor",
                    Methods.text(config.get("factor")),
                    "--real-batch",
                    Methods.text(config.get("real_batch")),
                    "--syn-batch-max",
                    Methods.text(config.get("syn_batch_max")),
                    "--net-data",
                    Methods.text(config.get("net_data")),
                    "--metric",
                    String.valueOf(config.get("metric")),
                    "--image-lr",
                    String.valueOf(config.get("image_lr")),
                    "--augment",
                    String.valueOf(config.get("augment")),
                    "--mix-probability",
                    String.valueOf(config.get("mix_probability")),
                    "--warmup",
                    "" + warmup,
                    "--rounds",
                    "" + matchings,
                    "--threads",
                    "" + threads);
        }

        private Map<String, Object> reference(List<String> args, Map<String, String> env)
                throws IOException, InterruptedException {
            JsonObject o = runScript(python, script("idc_step.py"), args, env);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put(
                    "implementation",
                    o.get("implementation").getAsString() + (env.isEmpty() ? ", as installed" : ", malloc: reuse"));
            m.put("ms_per_round", o.get("ms_per_round").getAsDouble());
            Map<String, Double> phases = new LinkedHashMap<>();
            o.getAsJsonObject("phases_ms_per_round")
                    .entrySet()
                    .forEach(e -> phases.put(e.getKey(), e.getValue().getAsDouble()));
            m.put("phases_ms_per_round", phases);
            m.put("distance_per_class", o.get("distance_per_class").getAsDouble());
            m.put("peak_rss_mb", o.get("peak_rss_mb").getAsDouble());
            m.put("rss_growth_mb", o.get("rss_growth_mb").getAsDouble());
            return m;
        }

        private static double ms(Map<String, Object> m) {
            return ((Number) m.get("ms_per_round")).doubleValue();
        }

        /** The median round and, per phase, the median over rounds; every round's total; the largest peak. */
        private static Map<String, Object> summary(List<Map<String, Object>> runs) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("implementation", runs.get(0).get("implementation"));
            List<Double> ms = runs.stream().map(IdcStep::ms).toList();
            m.put("ms_per_round_median", FrepoStep.median(ms));
            m.put("ms_per_round_rounds", ms);
            Map<String, Double> phases = new LinkedHashMap<>();
            for (Map<String, Object> r : runs) {
                @SuppressWarnings("unchecked")
                Map<String, Double> p = (Map<String, Double>) r.get("phases_ms_per_round");
                p.keySet().forEach(k -> phases.putIfAbsent(k, 0.0));
            }
            for (String k : List.copyOf(phases.keySet())) {
                List<Double> v = new ArrayList<>();
                for (Map<String, Object> r : runs) {
                    @SuppressWarnings("unchecked")
                    Map<String, Double> p = (Map<String, Double>) r.get("phases_ms_per_round");
                    v.add(p.getOrDefault(k, 0.0));
                }
                phases.put(k, FrepoStep.median(v));
            }
            m.put("phases_ms_per_round", phases);
            m.put(
                    "peak_rss_mb",
                    runs.stream()
                            .mapToDouble(r -> ((Number) r.get("peak_rss_mb")).doubleValue())
                            .max()
                            .orElseThrow());
            return m;
        }
    }

    /**
     * One FRePo outer step (meta-gradient through the kernel regression, Adam on images and labels,
     * one online step of the model) with ConvNet, timed here and in {@code bench/frepo_step.py}
     * (the same step in plain PyTorch) with the same sizes and threads, one after the other so they
     * never share the cores. A shared machine's speed drifts by ±20 % over minutes, so the two sides
     * alternate for {@code --rounds} rounds and each round gives one ratio; the verdict counts rounds.
     */
    @Command(
            name = "frepo-step",
            mixinStandardHelpOptions = true,
            description =
                    "ms per FRePo outer step, GFLOP/s and peak memory, against the same step in PyTorch, in alternating rounds.")
    static final class FrepoStep implements Callable<Integer> {

        /** glibc settings equal to NativeMemory.Policy.REUSE, for the optional PyTorch run under the same allocator. */
        @Option(names = "--width", defaultValue = "128", description = "ConvNet width. Default: ${DEFAULT-VALUE}.")
        int width;

        @Option(names = "--depth", defaultValue = "3", description = "ConvNet depth. Default: ${DEFAULT-VALUE}.")
        int depth;

        @Option(
                names = "--real-batch",
                defaultValue = "256",
                description = "Real images per step. Default: ${DEFAULT-VALUE}.")
        int realBatch;

        @Option(
                names = "--ipc",
                defaultValue = "10",
                description = "Synthetic images per class. Default: ${DEFAULT-VALUE}.")
        int ipc;

        @Option(
                names = "--steps",
                defaultValue = "20",
                description = "Timed steps per round and side. Default: ${DEFAULT-VALUE}.")
        int steps;

        @Option(
                names = "--warmup",
                defaultValue = "3",
                description = "Untimed steps first, per round and side. Default: ${DEFAULT-VALUE}.")
        int warmup;

        @Option(
                names = "--rounds",
                defaultValue = "3",
                description = "Alternating rounds (ddlab, then PyTorch). Default: ${DEFAULT-VALUE}.")
        int rounds;

        @Option(
                names = "--pytorch-reuse",
                description =
                        "Also time PyTorch under ddlab's allocator setting (glibc MALLOC_ARENA_MAX=1, MALLOC_MMAP_MAX_=0, "
                                + "MALLOC_TRIM_THRESHOLD_=2 GB): what the same setting gives the reference.")
        boolean pytorchReuse;

        @Option(
                names = "--reference",
                description = "The PyTorch script (default: bench/frepo_step.py of this checkout).")
        Path reference;

        @Option(
                names = "--python",
                defaultValue = "/usr/bin/python3",
                description = "Python with torch (Debian python3-torch). Default: ${DEFAULT-VALUE}.")
        String python;

        @Option(names = "--no-reference", description = "Time ddlab only.")
        boolean noReference;

        @Option(names = "--json", description = "Print one JSON object instead of a table.")
        boolean json;

        @Spec
        CommandSpec spec;

        private static final int CLASSES = 10;

        @Option(
                names = "--channels",
                defaultValue = "1",
                description = "Image channels: 1 (Fashion-MNIST's shape) or 3 (CIFAR's). Default: ${DEFAULT-VALUE}.")
        int channels;

        @Option(
                names = "--size",
                defaultValue = "28",
                description = "Image height and width: 28, or 32 for CIFAR. Default: ${DEFAULT-VALUE}.")
        int size;

        @Override
        public Integer call() throws Exception {
            if (rounds < 1 || steps < 1 || warmup < 0) {
                throw new IllegalArgumentException("--rounds and --steps must be at least 1 and --warmup at least 0");
            }
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            EngineInfo engine = EngineInfo.current();
            List<Map<String, Object>> ours = new ArrayList<>();
            List<Map<String, Object>> theirs = new ArrayList<>();
            List<Map<String, Object>> theirsReuse = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            for (int r = 1; r <= rounds; r++) {
                err.printf(Locale.ROOT, "round %d of %d: ddlab ...%n", r, rounds);
                err.flush();
                ours.add(measureOurs());
                if (!noReference) {
                    err.printf(Locale.ROOT, "round %d of %d: the same step in PyTorch (%s) ...%n", r, rounds, python);
                    err.flush();
                    theirs.add(runReference(engine.threads(), Map.of()));
                    ratios.add(ms(ours.get(r - 1)) / ms(theirs.get(r - 1)));
                    if (pytorchReuse) {
                        theirsReuse.add(runReference(engine.threads(), NativeMemory.REUSE_ENVIRONMENT));
                    }
                }
            }
            double flops = flopsPerStep();
            Map<String, Object> result = new LinkedHashMap<>();
            result.put(
                    "setting",
                    String.format(
                            Locale.ROOT,
                            "ConvNet width %d depth %d, %dx%dx%d images, real batch %d, IPC %d (%d images), "
                                    + "%d timed steps after %d warm-up per side and round, %d rounds, %d threads",
                            width,
                            depth,
                            channels,
                            size,
                            size,
                            realBatch,
                            ipc,
                            ipc * CLASSES,
                            steps,
                            warmup,
                            rounds,
                            engine.threads()));
            result.put("gflop_per_step", flops / 1e9);
            result.put("ddlab", summary(ours, flops));
            if (!noReference) {
                result.put("pytorch", summary(theirs, flops));
                if (pytorchReuse) {
                    result.put("pytorch_reuse", summary(theirsReuse, flops));
                }
                result.put("ratios_ms_ddlab_over_pytorch", ratios);
                result.put("ratio_median", median(ratios));
                result.put(
                        "rounds_ddlab_faster",
                        ratios.stream().filter(x -> x < 1).count());
            }
            if (json) {
                out.println(new Gson().toJson(result));
            } else {
                out.println(result.get("setting") + String.format(Locale.ROOT, "; %.1f GFLOP per step", flops / 1e9));
                out.printf(
                        Locale.ROOT,
                        "%-34s %16s %10s %14s %14s%n",
                        "implementation",
                        "ms/step (range)",
                        "GFLOP/s",
                        "peak RSS MB",
                        "RSS growth MB");
                row(
                        out,
                        "ddlab (malloc: " + NativeMemory.inEffect().name().toLowerCase(Locale.ROOT) + ")",
                        ours,
                        flops);
                if (!noReference) {
                    row(out, (String) theirs.get(0).get("implementation"), theirs, flops);
                    if (pytorchReuse) {
                        row(out, theirsReuse.get(0).get("implementation") + " (malloc: reuse)", theirsReuse, flops);
                    }
                    out.printf(
                            Locale.ROOT,
                            "ddlab / pytorch time per step, round by round: %s; median %.2f; ddlab faster in %d of %d rounds%n",
                            ratios.stream()
                                    .map(x -> String.format(Locale.ROOT, "%.2f", x))
                                    .toList(),
                            median(ratios),
                            result.get("rounds_ddlab_faster"),
                            rounds);
                }
            }
            out.flush();
            return 0;
        }

        private static double ms(Map<String, Object> m) {
            return ((Number) m.get("ms_per_step_median")).doubleValue();
        }

        /** Median of the rounds' medians, their range, the largest peak and growth, GFLOP/s at the median. */
        private static Map<String, Object> summary(List<Map<String, Object>> runs, double flops) {
            List<Double> ms = runs.stream().map(FrepoStep::ms).toList();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("implementation", runs.get(0).get("implementation"));
            m.put("ms_per_step_median", median(ms));
            m.put("ms_per_step_rounds", ms);
            m.put("gflops", flops / 1e9 / (median(ms) / 1000));
            m.put(
                    "peak_rss_mb",
                    runs.stream()
                            .mapToDouble(r -> ((Number) r.get("peak_rss_mb")).doubleValue())
                            .max()
                            .orElseThrow());
            m.put(
                    "rss_growth_mb",
                    runs.stream()
                            .mapToDouble(r -> ((Number) r.get("rss_growth_mb")).doubleValue())
                            .max()
                            .orElseThrow());
            return m;
        }

        private Map<String, Object> measureOurs() {
            ImageSet real = randomImages(6000, new Random(0));
            FrepoConfig config = FrepoConfig.defaults(ipc, warmup + steps)
                    .withRealBatch(realBatch)
                    .withArchitecture("convnet:width=" + width + ",depth=" + depth);
            double baseline = baselineMb();
            List<Double> ms = new ArrayList<>();
            try (NDManager manager = NDManager.newBaseManager(Devices.preferred());
                    FrepoDistiller d = new FrepoDistiller(config, new RandomSampler(real, 0), "random", manager)) {
                for (int i = 0; i < warmup + steps; i++) {
                    double s = d.step().seconds();
                    if (i >= warmup) {
                        ms.add(s * 1000);
                    }
                }
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put(
                    "implementation",
                    "ddlab (DJL " + ai.djl.engine.Engine.getDjlVersion() + ", libtorch "
                            + ai.djl.engine.Engine.getInstance().getVersion() + ")");
            m.put("ms_per_step_median", median(ms));
            m.put(
                    "ms_per_step_mean",
                    ms.stream().mapToDouble(Double::doubleValue).average().orElseThrow());
            m.put("peak_rss_mb", procStatusMb("VmHWM"));
            m.put("rss_growth_mb", procStatusMb("VmHWM") - baseline);
            return m;
        }

        private Map<String, Object> runReference(int threads, Map<String, String> env)
                throws IOException, InterruptedException {
            JsonObject o = runScript(
                    python,
                    reference != null ? reference : defaultScript(),
                    List.of(
                            "--width",
                            "" + width,
                            "--depth",
                            "" + depth,
                            "--channels",
                            "" + channels,
                            "--size",
                            "" + size,
                            "--real-batch",
                            "" + realBatch,
                            "--ipc",
                            "" + ipc,
                            "--steps",
                            "" + steps,
                            "--warmup",
                            "" + warmup,
                            "--threads",
                            "" + threads),
                    env);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("implementation", o.get("implementation").getAsString());
            m.put("ms_per_step_median", o.get("ms_per_step_median").getAsDouble());
            m.put("ms_per_step_mean", o.get("ms_per_step_mean").getAsDouble());
            m.put("peak_rss_mb", o.get("peak_rss_mb").getAsDouble());
            m.put("rss_growth_mb", o.get("rss_growth_mb").getAsDouble());
            return m;
        }

        private static Path defaultScript() {
            return script("frepo_step.py");
        }

        /**
         * Multiply-adds × 2 of the convolutions and the linear layer (norms, activations, pooling and the
         * n×n solve are comparatively free): the real batch's forward, the synthetic forward and its
         * input-gradient backward (≈ one forward), and the online step's forward and full backward (≈ two).
         */
        double flopsPerStep() {
            double body = 0;
            int size = this.size;
            int in = channels;
            for (int d = 0; d < depth; d++) {
                body += 2.0 * in * width * 9 * size * size;
                in = width;
                size /= 2;
            }
            double head = 2.0 * width * size * size * CLASSES;
            int n = ipc * CLASSES;
            return realBatch * body + n * 2 * body + n * 3 * (body + head);
        }

        private static void row(PrintWriter out, String name, List<Map<String, Object>> runs, double flops) {
            List<Double> ms = runs.stream().map(FrepoStep::ms).toList();
            double median = median(ms);
            String range = String.format(
                    Locale.ROOT,
                    "%.0f (%.0f-%.0f)",
                    median,
                    java.util.Collections.min(ms),
                    java.util.Collections.max(ms));
            double peak = runs.stream()
                    .mapToDouble(r -> ((Number) r.get("peak_rss_mb")).doubleValue())
                    .max()
                    .orElseThrow();
            double growth = runs.stream()
                    .mapToDouble(r -> ((Number) r.get("rss_growth_mb")).doubleValue())
                    .max()
                    .orElseThrow();
            out.printf(
                    Locale.ROOT,
                    "%-34s %16s %10.1f %14.0f %14.0f%n",
                    shorten(name),
                    range,
                    flops / 1e9 / (median / 1000),
                    peak,
                    growth);
        }

        private static String shorten(String s) {
            return s.length() <= 34 ? s : s.substring(0, 34);
        }

        private ImageSet randomImages(int n, Random r) {
            float[] px = new float[n * channels * size * size];
            for (int i = 0; i < px.length; i++) {
                px[i] = (float) r.nextGaussian();
            }
            int[] labels = new int[n];
            Arrays.setAll(labels, i -> i % CLASSES);
            List<String> names = new ArrayList<>();
            for (int c = 0; c < CLASSES; c++) {
                names.add("class " + c);
            }
            return ImageSet.of("random", px, labels, channels, size, size, names);
        }

        static double median(List<Double> xs) {
            double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
        }

        /**
         * The resident size now, made the start of a new peak: VmHWM is reset to it (clear_refs 5, Linux 4.0 and
         * later), so VmHWM read afterwards is the peak of what ran since, not of the JVM's start or the data's
         * creation, which a small computation may never exceed. bench/common.py's baseline_mb does the same.
         */
        static double baselineMb() {
            try {
                Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            } catch (IOException | UnsupportedOperationException e) {
                // a kernel without the reset: the peak also covers what ran before, an upper bound
            }
            return procStatusMb("VmRSS");
        }

        /** A /proc/self/status field (VmRSS, VmHWM) in MB, NaN where there is no /proc. */
        static double procStatusMb(String field) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith(field + ":")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                    }
                }
            } catch (IOException | NumberFormatException e) {
                return Double.NaN;
            }
            return Double.NaN;
        }
    }
}
