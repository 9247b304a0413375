package org.ddlab.cli;

import static org.ddlab.cli.CommandRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void helpListsTheCommands() {
        CommandRun r = run("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("info"), r.out());
    }

    @Test
    void distillHelpGivesEachMethodsMeaningOfASharedOption() {
        // picocli reports a description it cannot format on System.err, not on the command line's writer.
        java.io.PrintStream stderr = System.err;
        java.io.ByteArrayOutputStream warnings = new java.io.ByteArrayOutputStream();
        CommandRun r;
        try {
            System.setErr(new java.io.PrintStream(warnings, true, java.nio.charset.StandardCharsets.UTF_8));
            r = run("distill", "--help");
        } finally {
            System.setErr(stderr);
        }
        assertEquals(0, r.code(), r.err());
        assertFalse(
                warnings.toString(java.nio.charset.StandardCharsets.UTF_8).contains("Could not format"),
                warnings.toString());
        String help = r.out().replaceAll("\\s+", " ");
        // --image-lr is Adam's rate in FRePo and SGD's in the matching methods: both are said, with a literal '%'.
        assertTrue(help.contains("frepo: Adam rate of the images, cosine-decayed to 10 %;"), help);
        assertTrue(
                help.contains("dc, dsa, dm: SGD rate of the images;")
                        && help.contains("idc: SGD rate of the stored images"),
                help);
    }

    @Test
    void infoAsJsonNamesEngineDeviceAndThreads() {
        CommandRun r = run("info", "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out().trim()).getAsJsonObject();
        assertEquals("PyTorch", o.get("engine").getAsString());
        assertTrue(o.get("threads").getAsInt() >= 1, r.out());
        assertTrue(o.has("device") && o.has("fashion-mnist") && o.has("cifar10") && o.has("data folder"), r.out());
    }

    @Test
    void missingOrUnknownCommandIsAUsageError() {
        CommandRun none = run();
        assertNotEquals(0, none.code());
        assertTrue(none.err().contains("Missing command"), none.err());
        CommandRun bad = run("frobnicate");
        assertNotEquals(0, bad.code());
        assertTrue(bad.err().contains("frobnicate"), bad.err());
    }

    @Test
    void baselineThenEvaluateRoundTrip(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        assumeFashionMnist();
        CommandRun base = run("baseline", "--method", "random", "--ipc", "2", "--out", dir.toString(), "--seed", "3");
        assertEquals(0, base.code(), base.err());
        assertTrue(java.nio.file.Files.exists(dir.resolve("synthetic.npz"))
                && java.nio.file.Files.exists(dir.resolve("grid.png")));
        CommandRun eval = run(
                "evaluate",
                "--set",
                dir.resolve("synthetic.npz").toString(),
                "--arch",
                "mlp",
                "--epochs",
                "40",
                "--repeats",
                "2",
                "--json",
                "--profile",
                "quick");
        assertEquals(0, eval.code(), eval.err());
        JsonObject o = JsonParser.parseString(eval.out().trim()).getAsJsonObject();
        assertEquals("random IPC 2", o.get("set").getAsString());
        assertEquals(2, o.get("accuracies").getAsJsonArray().size());
        double mean = o.get("mean").getAsDouble();
        assertTrue(mean > 0.2 && mean < 1, "20 images, 40 epochs: better than chance, got " + mean);
    }

    @Test
    void baselineNeverReplacesASetUnasked(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path set = dir.resolve("synthetic.npz");
        java.nio.file.Files.write(set, new byte[] {1, 2, 3});
        CommandRun r = run("baseline", "--method", "random", "--ipc", "2", "--out", dir.toString());
        assertEquals(1, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("already holds a set") && r.err().contains("--overwrite"), r.err());
        assertArrayEquals(new byte[] {1, 2, 3}, java.nio.file.Files.readAllBytes(set));
        CommandRun zero = run(
                "baseline",
                "--method",
                "random",
                "--ipc",
                "0",
                "--out",
                dir.resolve("other").toString());
        assertEquals(1, zero.code());
        assertTrue(zero.err().contains("--ipc must be 1 or more"), zero.err());
        assertFalse(java.nio.file.Files.exists(dir.resolve("other")), "nothing is written for a refused command");
        if (org.ddlab.data.Datasets.named("fashion-mnist").location().isPresent()) {
            CommandRun replaced =
                    run("baseline", "--method", "random", "--ipc", "1", "--overwrite", "--out", dir.toString());
            assertEquals(0, replaced.code(), replaced.err());
            assertTrue(java.nio.file.Files.size(set) > 3, "--overwrite replaces the set");
        }
    }

    /** Writes images/labels as a plain .npz (no sidecar), the portable form NumPy and PyTorch users write. */
    private static java.nio.file.Path plainNpz(
            java.nio.file.Path file, float[] pixels, int[] labels, int classes, int side) throws Exception {
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            java.util.List<String> names = java.util.stream.IntStream.range(0, classes)
                    .mapToObj(String::valueOf)
                    .toList();
            var set = org.ddlab.distill.SyntheticSet.of(
                    m.create(pixels, new ai.djl.ndarray.types.Shape(labels.length, 1, side, side)),
                    labels,
                    null,
                    names);
            org.ddlab.distill.SyntheticSetFile.save(
                    set, file, org.ddlab.distill.Metadata.of("elsewhere", "fashion-mnist", 0L, 0L));
            java.nio.file.Files.delete(org.ddlab.distill.SyntheticSetFile.sidecarOf(file));
        }
        return file;
    }

    @Test
    void aPlainNpzEvaluatesAndEachFaultOfOneHasItsOwnLine(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        assumeFashionMnist();
        int[] labels = java.util.stream.IntStream.range(0, 20).map(i -> i / 2).toArray();
        float[] pixels = new float[20 * 28 * 28];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (i % 97) / 97f;
        }
        CommandRun ok = run(
                "evaluate",
                "--set",
                plainNpz(dir.resolve("plain.npz"), pixels, labels, 10, 28).toString(),
                "--arch",
                "mlp",
                "--epochs",
                "1",
                "--repeats",
                "1",
                "--json");
        assertEquals(0, ok.code(), ok.err());

        float[] nan = pixels.clone();
        nan[3 * 28 * 28 + 5] = Float.NaN;
        CommandRun r = run(
                "evaluate",
                "--set",
                plainNpz(dir.resolve("nan.npz"), nan, labels, 10, 28).toString(),
                "--epochs",
                "1");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("image 3 holds NaN"), r.err());

        CommandRun shape = run(
                "evaluate",
                "--set",
                plainNpz(dir.resolve("shape.npz"), new float[20 * 32 * 32], labels, 10, 32)
                        .toString(),
                "--epochs",
                "1");
        assertEquals(1, shape.code());
        assertTrue(shape.err().contains("images are (1, 32, 32) but Fashion-MNIST's are (1, 28, 28)"), shape.err());

        int[] beyond = labels.clone();
        beyond[19] = 10;
        CommandRun label = run(
                "evaluate",
                "--set",
                plainNpz(dir.resolve("label.npz"), pixels, beyond, 11, 28).toString(),
                "--epochs",
                "1");
        assertEquals(1, label.code());
        assertTrue(label.err().contains("label 10 of image 19 is out of range"), label.err());
        for (CommandRun bad : java.util.List.of(r, shape, label)) {
            assertEquals(1, bad.err().strip().lines().count(), bad.err());
        }
    }

    @Test
    void distillStopsResumesAndEvaluates(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        assumeFashionMnist();
        String out = dir.resolve("run").toString();
        CommandRun first = run(
                "distill",
                "--ipc",
                "1",
                "--steps",
                "4",
                "--arch",
                "convnet:width=8,depth=2",
                "--real-batch",
                "20",
                "--pool-size",
                "2",
                "--checkpoint-every",
                "2",
                "--out",
                out);
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().contains("4/4 steps"), first.out());
        CommandRun again = run("distill", "--out", out);
        assertNotEquals(0, again.code());
        assertTrue(again.err().contains("--resume"), again.err());
        CommandRun changed = run("distill", "--resume", out, "--ipc", "2");
        assertNotEquals(0, changed.code());
        assertTrue(changed.err().contains("own settings"), changed.err());
        CommandRun longer = run("distill", "--resume", out, "--steps", "6");
        assertEquals(0, longer.code(), longer.err());
        assertTrue(longer.err().contains("resumed from step 4"), longer.err());
        assertTrue(longer.out().contains("6/6 steps"), longer.out());
        CommandRun eval = run(
                "evaluate",
                "--set",
                out + "/synthetic.npz",
                "--arch",
                "mlp",
                "--epochs",
                "5",
                "--repeats",
                "1",
                "--json",
                "--profile",
                "quick");
        assertEquals(0, eval.code(), eval.err());
        assertEquals(
                "frepo IPC 1",
                JsonParser.parseString(eval.out().trim())
                        .getAsJsonObject()
                        .get("set")
                        .getAsString());
        assertTrue(
                JsonParser.parseString(eval.out().trim())
                        .getAsJsonObject()
                        .get("protocol")
                        .getAsString()
                        .contains("regression targets' gradient norm ≤ 3"),
                eval.out());
        CommandRun unbounded = run(
                "evaluate",
                "--set",
                out + "/synthetic.npz",
                "--arch",
                "mlp",
                "--epochs",
                "1",
                "--repeats",
                "1",
                "--json",
                "--profile",
                "quick",
                "--target-clip",
                "0");
        assertEquals(0, unbounded.code(), unbounded.err());
        assertFalse(unbounded.out().contains("gradient norm"), "--target-clip 0 lifts the bound: " + unbounded.out());
        CommandRun negative = run("evaluate", "--set", out + "/synthetic.npz", "--target-clip", "-1");
        assertEquals(1, negative.code(), negative.err());
        assertTrue(
                negative.err().contains("--target-clip must be 0")
                        && !negative.err().contains("\tat "),
                negative.err());
        CommandRun start = run(
                "evaluate",
                "--set",
                out + "/start.npz",
                "--arch",
                "mlp",
                "--epochs",
                "5",
                "--repeats",
                "1",
                "--json",
                "--profile",
                "quick");
        assertEquals(0, start.code(), start.err());
        assertEquals(
                "random IPC 1",
                JsonParser.parseString(start.out().trim())
                        .getAsJsonObject()
                        .get("set")
                        .getAsString());
        CommandRun named = run(
                "evaluate",
                "--set",
                out + "/start.npz",
                "--arch",
                "mlp",
                "--epochs",
                "2",
                "--repeats",
                "1",
                "--json",
                "--profile",
                "quick",
                "--name",
                "dc-dream");
        assertEquals(0, named.code(), named.err());
        assertEquals(
                "dc-dream",
                JsonParser.parseString(named.out().trim())
                        .getAsJsonObject()
                        .get("set")
                        .getAsString(),
                "--name names the row: dc and dc+DREAM sets have the same method and IPC");
    }

    @Test
    void validationSplitFollowsTheRunAndGuardsTheScore(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        assumeFashionMnist();
        String out = dir.resolve("run").toString();
        CommandRun first = run(
                "distill",
                "--method",
                "dm",
                "--ipc",
                "1",
                "--steps",
                "2",
                "--arch",
                "convnet:width=8,depth=2",
                "--real-batch",
                "8",
                "--validation",
                "50",
                "--out",
                out);
        assertEquals(0, first.code(), first.err());
        JsonObject sidecar = JsonParser.parseString(java.nio.file.Files.readString(dir.resolve("run/synthetic.json")))
                .getAsJsonObject();
        assertEquals(
                50, sidecar.getAsJsonObject("extra").get("validation_per_class").getAsInt(), sidecar.toString());
        CommandRun other = run("distill", "--resume", out, "--steps", "3", "--validation", "20");
        assertNotEquals(0, other.code());
        assertTrue(other.err().contains("--validation 50"), other.err());
        CommandRun resumed = run("distill", "--resume", out, "--steps", "3");
        assertEquals(0, resumed.code(), resumed.err());
        sidecar = JsonParser.parseString(java.nio.file.Files.readString(dir.resolve("run/synthetic.json")))
                .getAsJsonObject();
        assertEquals(
                50, sidecar.getAsJsonObject("extra").get("validation_per_class").getAsInt(), "resume keeps the split");
        CommandRun scored = run(
                "evaluate",
                "--set",
                out + "/synthetic.npz",
                "--validation",
                "50",
                "--arch",
                "mlp",
                "--epochs",
                "2",
                "--repeats",
                "1",
                "--json",
                "--profile",
                "quick");
        assertEquals(0, scored.code(), scored.err());
        CommandRun mismatched = run(
                "evaluate",
                "--set",
                out + "/synthetic.npz",
                "--validation",
                "20",
                "--arch",
                "mlp",
                "--epochs",
                "2",
                "--repeats",
                "1",
                "--profile",
                "quick");
        assertNotEquals(0, mismatched.code());
        assertTrue(mismatched.err().contains("holding out 50"), mismatched.err());
        String whole = dir.resolve("whole").toString();
        assertEquals(
                0,
                run(
                                "distill",
                                "--method",
                                "dm",
                                "--ipc",
                                "1",
                                "--steps",
                                "1",
                                "--arch",
                                "convnet:width=8,depth=2",
                                "--real-batch",
                                "8",
                                "--out",
                                whole)
                        .code());
        CommandRun leaky = run(
                "evaluate",
                "--set",
                whole + "/synthetic.npz",
                "--validation",
                "50",
                "--arch",
                "mlp",
                "--epochs",
                "2",
                "--repeats",
                "1",
                "--profile",
                "quick");
        assertNotEquals(0, leaky.code());
        assertTrue(leaky.err().contains("whole training split"), leaky.err());
    }

    @Test
    void ablateSetValuesAreNumbersBooleansOrText() {
        assertEquals(20L, AblateCommand.value("20"));
        assertEquals(1e-6, AblateCommand.value("1e-6"));
        assertEquals(0.5, AblateCommand.value(".5"));
        assertEquals(false, AblateCommand.value("false"));
        assertEquals("convnet:width=16", AblateCommand.value("convnet:width=16"));
        assertEquals("dream", AblateCommand.value("dream"));
    }

    @Test
    void ablateRunsAGridAndReusesFinishedCells(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        assumeFashionMnist();
        java.nio.file.Path grid = dir.resolve("grid.json");
        java.nio.file.Files.writeString(
                grid,
                "{\"name\": \"dm lr\", \"base\": {\"method\": \"dm\", \"ipc\": 1, \"steps\": 2,"
                        + " \"architecture\": \"convnet:width=8,depth=2\", \"real_batch\": 8}, \"vary\": {\"image_lr\": [0.1, 1]}}");
        String[] args = {
            "ablate",
            "--grid",
            grid.toString(),
            "--out",
            dir.resolve("cells").toString(),
            "--validation",
            "20",
            "--arch",
            "mlp",
            "--epochs",
            "2",
            "--repeats",
            "1",
            "--profile",
            "quick",
            "--json"
        };
        CommandRun first = run(args);
        assertEquals(0, first.code(), first.err());
        String[] lines = first.out().trim().split("\n");
        assertEquals(2, lines.length, first.out());
        for (String line : lines) {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            assertTrue(
                    !o.get("cached").getAsBoolean()
                            && o.get("scored_on").getAsString().startsWith("validation"),
                    line);
        }
        CommandRun second = run(args);
        assertEquals(0, second.code(), second.err());
        for (String line : second.out().trim().split("\n")) {
            assertTrue(
                    JsonParser.parseString(line).getAsJsonObject().get("cached").getAsBoolean(), line);
        }
        // --set scales the grid: another step count is another cell; the table comes with its findings.
        CommandRun scaled = run(
                "ablate",
                "--grid",
                grid.toString(),
                "--out",
                dir.resolve("cells").toString(),
                "--validation",
                "20",
                "--arch",
                "mlp",
                "--epochs",
                "2",
                "--repeats",
                "1",
                "--profile",
                "quick",
                "--set",
                "steps=1");
        assertEquals(0, scaled.code(), scaled.err());
        assertTrue(scaled.out().contains("image_lr") && scaled.out().contains("scored best"), scaled.out());
        assertTrue(scaled.out().contains("no"), "not cached: " + scaled.out());
        CommandRun varied = run(
                "ablate",
                "--grid",
                grid.toString(),
                "--out",
                dir.resolve("cells").toString(),
                "--set",
                "image_lr=3");
        assertNotEquals(0, varied.code());
        assertTrue(varied.err().contains("varies 'image_lr'"), varied.err());
        CommandRun malformed = run(
                "ablate",
                "--grid",
                grid.toString(),
                "--out",
                dir.resolve("cells").toString(),
                "--set",
                "steps");
        assertNotEquals(0, malformed.code());
        assertTrue(malformed.err().contains("OPTION=VALUE"), malformed.err());

        java.nio.file.Files.writeString(grid, "{\"base\": {\"method\": \"dm\", \"pool_size\": 3}}");
        CommandRun bad = run(args);
        assertNotEquals(0, bad.code());
        assertTrue(bad.err().contains("option of frepo"), bad.err());
    }

    @Test
    void ablateOnSparkWithoutTheSparkModuleSaysWhichJarToRun(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path grid = dir.resolve("grid.json");
        java.nio.file.Files.writeString(grid, "{\"name\": \"g\", \"base\": {\"method\": \"dm\", \"ipc\": 1}}");
        CommandRun r = run(
                "ablate",
                "--grid",
                grid.toString(),
                "--out",
                dir.resolve("cells").toString(),
                "--master",
                "local[2]");
        assertNotEquals(0, r.code());
        assertTrue(
                r.err().contains("spark/target/ddlab-spark.jar")
                        && r.err().lines().count() == 1,
                r.err());
        assertFalse(java.nio.file.Files.exists(dir.resolve("cells")), "nothing is written before the refusal");
        CommandRun uri = run("ablate", "--grid", grid.toString(), "--out", "hdfs://namenode/cells");
        assertNotEquals(0, uri.code());
        assertTrue(uri.err().contains("give --master") && uri.err().lines().count() == 1, uri.err());
    }

    @Test
    void distillWithDreamSamplingAndKMeansInitResumes(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        assumeFashionMnist();
        String out = dir.resolve("run").toString();
        CommandRun first = run(
                "distill",
                "--method",
                "dm",
                "--ipc",
                "1",
                "--steps",
                "3",
                "--arch",
                "convnet:width=8,depth=2",
                "--real-batch",
                "8",
                "--sampler",
                "dream",
                "--clusters",
                "8",
                "--interval",
                "2",
                "--candidates",
                "200",
                "--init",
                "kmeans",
                "--checkpoint-every",
                "1",
                "--out",
                out);
        assertEquals(0, first.code(), first.err());
        JsonObject extra = JsonParser.parseString(java.nio.file.Files.readString(dir.resolve("run/synthetic.json")))
                .getAsJsonObject()
                .getAsJsonObject("extra");
        assertEquals("dream", extra.get("sampler").getAsString());
        assertEquals(8, extra.getAsJsonObject("sampler_config").get("clusters").getAsInt());
        assertEquals(2, extra.getAsJsonObject("sampler_config").get("interval").getAsInt());
        assertEquals("kmeans", extra.getAsJsonObject("config").get("init").getAsString());
        assertEquals(
                "kmeans",
                JsonParser.parseString(java.nio.file.Files.readString(dir.resolve("run/start.json")))
                        .getAsJsonObject()
                        .get("method")
                        .getAsString(),
                "the start is named after how it was chosen");
        CommandRun defaults = run(
                "distill",
                "--method",
                "dm",
                "--ipc",
                "1",
                "--steps",
                "1",
                "--arch",
                "convnet:width=8,depth=2",
                "--sampler",
                "dream",
                "--clusters",
                "8",
                "--candidates",
                "100",
                "--out",
                dir.resolve("n").toString());
        assertEquals(0, defaults.code(), defaults.err());
        assertEquals(
                8,
                JsonParser.parseString(java.nio.file.Files.readString(dir.resolve("n/synthetic.json")))
                        .getAsJsonObject()
                        .getAsJsonObject("extra")
                        .getAsJsonObject("config")
                        .get("real_batch")
                        .getAsInt(),
                "DREAM's real batch is its N");
        CommandRun changed = run("distill", "--resume", out, "--sampler", "random");
        assertNotEquals(0, changed.code());
        CommandRun more = run("distill", "--resume", out, "--steps", "5");
        assertEquals(0, more.code(), more.err());
        assertTrue(more.out().contains("5/5 steps"), more.out());
        extra = JsonParser.parseString(java.nio.file.Files.readString(dir.resolve("run/synthetic.json")))
                .getAsJsonObject()
                .getAsJsonObject("extra");
        assertEquals("dream", extra.get("sampler").getAsString(), "the resumed run keeps its sampler");
        assertEquals("kmeans", extra.getAsJsonObject("config").get("init").getAsString(), "and says how it started");
        // --keep-checkpoints 0 keeps every checkpoint, and each one's set can be scored: accuracy along the run.
        String all = dir.resolve("all").toString();
        assertEquals(
                0,
                run(
                                "distill",
                                "--method",
                                "dm",
                                "--ipc",
                                "1",
                                "--steps",
                                "3",
                                "--arch",
                                "convnet:width=8,depth=2",
                                "--real-batch",
                                "8",
                                "--checkpoint-every",
                                "1",
                                "--keep-checkpoints",
                                "0",
                                "--out",
                                all)
                        .code());
        try (var ckpts = java.nio.file.Files.list(dir.resolve("all/checkpoints"))) {
            assertEquals(
                    3,
                    ckpts.filter(p -> p.getFileName().toString().startsWith("step-"))
                            .count());
        }
        // A resume keeps the run's checkpoint policy (every step, all kept), not the flags' defaults (every 50, 2
        // kept).
        assertEquals(0, run("distill", "--resume", all, "--steps", "5").code());
        try (var ckpts = java.nio.file.Files.list(dir.resolve("all/checkpoints"))) {
            assertEquals(
                    5,
                    ckpts.filter(p -> p.getFileName().toString().startsWith("step-"))
                            .count());
        }
        CommandRun first1 = run(
                "evaluate",
                "--set",
                all + "/checkpoints/step-000000001/synthetic.npz",
                "--arch",
                "mlp",
                "--epochs",
                "2",
                "--repeats",
                "1",
                "--profile",
                "quick",
                "--json");
        assertEquals(0, first1.code(), first1.err());
        CommandRun noPaper =
                run("evaluate", "--set", all + "/checkpoints/step-000000001/synthetic.npz", "--protocol", "paper");
        assertNotEquals(0, noPaper.code());
        assertTrue(
                noPaper.err().contains("does not build the paper protocol of 'dm'")
                        && !noPaper.err().contains("\tat "),
                "one line, no stack trace: " + noPaper.err());
        CommandRun tooMany = run(
                "distill",
                "--method",
                "dm",
                "--ipc",
                "1",
                "--steps",
                "1",
                "--sampler",
                "dream",
                "--clusters",
                "7000",
                "--out",
                dir.resolve("x").toString());
        assertNotEquals(0, tooMany.code());
        assertTrue(
                tooMany.err().contains("option 'clusters' of the dream sampler is 7000")
                        && tooMany.err().contains("choose clusters 6000"),
                tooMany.err());
        assertFalse(java.nio.file.Files.exists(dir.resolve("x")), "refused before the run's first file");
    }

    @Test
    void distillRunsTheMatchingMethods(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        assumeFashionMnist();
        for (String m : new String[] {"dc", "dsa", "dm"}) {
            String out = dir.resolve(m).toString();
            CommandRun r = run(
                    "distill",
                    "--method",
                    m,
                    "--ipc",
                    "1",
                    "--steps",
                    "2",
                    "--arch",
                    "convnet:width=8,depth=2",
                    "--real-batch",
                    "8",
                    "--checkpoint-every",
                    "1",
                    "--out",
                    out);
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().startsWith(m + " IPC 1: 2/2 steps"), r.out());
            CommandRun more = run("distill", "--resume", out, "--steps", "3");
            assertEquals(0, more.code(), more.err());
            assertTrue(more.out().contains("3/3 steps"), more.out());
        }
        CommandRun bad = run(
                "distill",
                "--method",
                "dm",
                "--pool-size",
                "3",
                "--out",
                dir.resolve("x").toString());
        assertNotEquals(0, bad.code());
        assertTrue(bad.err().contains("'pool_size' is an option of frepo, not of dm"), bad.err());
    }

    /** IDC from the command line, with DREAM's sampler and K-Means start, checkpointed and resumed. */
    @Test
    void distillRunsIdcWithDreamAndResumes(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        assumeFashionMnist();
        String out = dir.resolve("idc").toString();
        CommandRun first = run(
                "distill",
                "--method",
                "idc",
                "--ipc",
                "1",
                "--steps",
                "1",
                "--inner-loop",
                "1",
                "--net-data",
                "8",
                "--arch",
                "convnet:width=8,depth=2",
                "--sampler",
                "dream",
                "--clusters",
                "8",
                "--candidates",
                "40",
                "--init",
                "kmeans",
                "--validation",
                "20",
                "--out",
                out);
        assertEquals(0, first.code(), first.err());
        assertTrue(
                first.out().startsWith("idc IPC 4: 1/1 steps"),
                "the saved set is the decoded one, 4 per stored image: " + first.out());
        JsonObject config = JsonParser.parseString(java.nio.file.Files.readString(dir.resolve("idc/synthetic.json")))
                .getAsJsonObject()
                .getAsJsonObject("extra")
                .getAsJsonObject("config");
        assertEquals("l1", config.get("metric").getAsString(), "IDC's reference uses L1 on Fashion-MNIST");
        assertEquals(8, config.get("real_batch").getAsInt(), "DREAM's real batch is its N");
        CommandRun more = run("distill", "--resume", out, "--steps", "2");
        assertEquals(0, more.code(), more.err());
        assertTrue(more.out().contains("2/2 steps"), more.out());
        CommandRun eval = run(
                "evaluate",
                "--set",
                out + "/synthetic.npz",
                "--validation",
                "20",
                "--arch",
                "mlp",
                "--epochs",
                "2",
                "--repeats",
                "1",
                "--json",
                "--profile",
                "quick");
        assertEquals(0, eval.code(), eval.err());
        assertTrue(
                eval.err().contains("protocol: 1 run(s) of: 2 epochs, batch 256"),
                "the common protocol by default: " + eval.err());
        CommandRun paper = run(
                "evaluate",
                "--set",
                out + "/synthetic.npz",
                "--validation",
                "20",
                "--arch",
                "mlp",
                "--epochs",
                "6",
                "--repeats",
                "1",
                "--json",
                "--profile",
                "quick",
                "--protocol",
                "paper");
        assertEquals(0, paper.code(), paper.err());
        assertTrue(
                paper.err()
                        .contains(
                                "protocol: IDC's protocol: 1 run(s) of: 6 epochs, batch 64, SGD lr 0.0100 (×0.2 after epochs 4, 5)"),
                "IDC's own protocol, keeping the epochs asked for: " + paper.err());
        assertTrue(paper.err().contains("CutMix p 0.5"), paper.err());
        assertTrue(
                JsonParser.parseString(paper.out().trim())
                        .getAsJsonObject()
                        .get("protocol")
                        .getAsString()
                        .startsWith("IDC's protocol"),
                paper.out());
        CommandRun whole = run("evaluate", "--whole", "--protocol", "paper");
        assertNotEquals(0, whole.code());
        assertTrue(whole.err().contains("--whole has no method"), whole.err());
    }

    @Test
    void budgetsParse() {
        assertEquals(java.time.Duration.ofMinutes(30), DistillCommand.parseDuration("30m"));
        assertEquals(java.time.Duration.ofSeconds(90), DistillCommand.parseDuration("90s"));
        assertEquals(java.time.Duration.ofSeconds(45), DistillCommand.parseDuration("45"));
        assertEquals(java.time.Duration.ofHours(2), DistillCommand.parseDuration(" 2H "));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> DistillCommand.parseDuration("half an hour"));
        assertTrue(e.getMessage().contains("30m"), e.getMessage());
    }

    @Test
    void badArgumentsAreClearErrors() {
        CommandRun r = run("baseline", "--method", "best", "--ipc", "1", "--out", "/tmp/x");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("unknown coreset method 'best'"), r.err());
        CommandRun both = run("evaluate", "--set", "a.npz", "--whole");
        assertNotEquals(0, both.code());
        assertTrue(both.err().contains("mutually exclusive"), both.err());
    }

    private static void assumeFashionMnist() {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                org.ddlab.data.Datasets.named("fashion-mnist").location().isPresent(), "Fashion-MNIST not installed");
    }
}
