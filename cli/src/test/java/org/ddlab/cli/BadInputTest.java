package org.ddlab.cli;

import static org.ddlab.cli.CommandRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.ddlab.data.Datasets;
import org.ddlab.distill.Metadata;
import org.ddlab.distill.NpyArray;
import org.ddlab.distill.Npz;
import org.ddlab.distill.SyntheticSet;
import org.ddlab.distill.SyntheticSetFile;
import org.ddlab.methods.Method;
import org.ddlab.methods.Methods;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way of handing ddlab something wrong ends in one line on stderr that names the culprit and says
 * what to do, a non-zero exit code, no stack trace, and no file changed. The data is a tiny image folder
 * (two classes of 8×8 grey images, three to train on and two to test per class) written here, so each
 * case fails, or runs, in about a second. docs/bad-input.md lists the cases and their messages.
 */
class BadInputTest {

    private static final int SIDE = 8;
    private static final int TRAIN_PER_CLASS = 3;
    private static final List<String> CLASSES = List.of("a", "b");

    @TempDir
    static Path shared;

    /** The folder dataset most cases use: {@code shared/images/{train,test}/{a,b}/*.png}. */
    private static Path images;

    private static NDManager manager;

    @BeforeAll
    static void writeData() throws IOException {
        images = folderDataset(shared.resolve("images"));
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /**
     * The run failed with one line on stderr naming each of {@code culprits}, and no stack trace.
     *
     * @return that line
     */
    private static String refused(CommandRun r, String... culprits) {
        String err = r.err().strip();
        assertNotEquals(0, r.code(), "exit code: " + r);
        assertFalse(err.isEmpty(), "nothing on stderr: " + r);
        assertEquals(1, err.lines().count(), "one line on stderr: " + err);
        for (String c : culprits) {
            assertTrue(err.contains(c), "names '" + c + "': " + err);
        }
        assertFalse(
                err.contains("Exception") || err.contains("at org.") || err.contains("\tat "),
                "no stack trace: " + err);
        assertTrue(r.out().isBlank(), "nothing on stdout: " + r.out());
        return err;
    }

    private static String dataset() {
        return "folder:" + images;
    }

    // ---- the data: a tiny image folder, sets and grids written byte by byte or with ddlab's writers ----

    /** {@code root/train/<class>/} with three images per class and {@code root/test/<class>/} with two. */
    private static Path folderDataset(Path root) throws IOException {
        return TinyImageFolder.write(root, SIDE, TRAIN_PER_CLASS, CLASSES);
    }

    /** A plain images/labels .npz, as NumPy's {@code np.savez} writes it (no sidecar). */
    private static Path plainNpz(Path file, float[] pixels, int[] labels, int side) throws IOException {
        Npz.write(
                file,
                Map.of(
                        "images",
                        NpyArray.ofFloats(pixels, labels.length, 1, side, side),
                        "labels",
                        NpyArray.ofInts(labels, labels.length)));
        return file;
    }

    private static float[] pixels(int n, int side) {
        float[] x = new float[n * side * side];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 13) / 13f;
        }
        return x;
    }

    /** A set with its sidecar, as ddlab saves one: {@code classes} named in the sidecar, made on the folder dataset. */
    private static Path savedSet(Path file, List<String> classes, int[] labels) throws IOException {
        SyntheticSet set = SyntheticSet.of(
                manager.create(pixels(labels.length, SIDE), new Shape(labels.length, 1, SIDE, SIDE)),
                labels,
                null,
                classes);
        try (set) {
            SyntheticSetFile.save(
                    set, file, Metadata.of("random", Datasets.named(dataset()).name(), 0L, 0L));
        }
        return file;
    }

    private static String[] evaluate(Path set, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of(
                "evaluate",
                "--set",
                set.toString(),
                "--dataset",
                dataset(),
                "--arch",
                "mlp",
                "--epochs",
                "1",
                "--repeats",
                "1"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    /** Every file below {@code dir} with its bytes' hash: what "untouched" compares. */
    private static Map<String, Integer> contents(Path dir) throws IOException {
        Map<String, Integer> m = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                m.put(dir.relativize(f).toString(), Arrays.hashCode(Files.readAllBytes(f)));
            }
        }
        return m;
    }

    private static byte[] firstHalf(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        return Arrays.copyOf(all, all.length / 2);
    }

    // ---- 1, 2: images per class and steps ----

    @Test
    void ipcZeroOrNegativeIsRefusedBeforeAnyWork(@TempDir Path dir) {
        for (String ipc : List.of("0", "-3")) {
            Path out = dir.resolve("distill" + ipc);
            refused(
                    run("distill", "--ipc", ipc, "--dataset", dataset(), "--out", out.toString()),
                    "'ipc'",
                    "got " + ipc);
            assertFalse(Files.exists(out), "a refused run writes nothing");
            Path base = dir.resolve("baseline" + ipc);
            refused(
                    run(
                            "baseline",
                            "--method",
                            "random",
                            "--ipc",
                            ipc,
                            "--dataset",
                            dataset(),
                            "--out",
                            base.toString()),
                    "--ipc",
                    "got " + ipc);
            assertFalse(Files.exists(base), "a refused baseline writes nothing");
        }
    }

    @Test
    void ipcBeyondAClassIsRefusedByDistillAndBaseline(@TempDir Path dir) {
        String line = refused(
                run(
                        "distill",
                        "--method",
                        "dm",
                        "--ipc",
                        "4",
                        "--steps",
                        "1",
                        "--real-batch",
                        "2",
                        "--arch",
                        "convnet:width=4,depth=1",
                        "--dataset",
                        dataset(),
                        "--out",
                        dir.resolve("d").toString()),
                "4",
                "'a'",
                "3");
        assertTrue(line.contains("ipc"), line);
        assertFalse(Files.exists(dir.resolve("d")), "a refused run writes nothing");
        refused(
                run(
                        "baseline",
                        "--method",
                        "random",
                        "--ipc",
                        "4",
                        "--dataset",
                        dataset(),
                        "--out",
                        dir.resolve("b").toString()),
                "IPC 4",
                "'a'",
                "3");
        assertFalse(Files.exists(dir.resolve("b/synthetic.npz")));
        // IDC starts from ipc × factor² real images per class: IPC 1 needs 4, which a class of 3 cannot give.
        String idc = refused(
                run(
                        "distill",
                        "--method",
                        "idc",
                        "--ipc",
                        "1",
                        "--steps",
                        "1",
                        "--arch",
                        "convnet:width=4,depth=1",
                        "--dataset",
                        dataset(),
                        "--out",
                        dir.resolve("i").toString()),
                "4 real images per class",
                "'a'",
                "3");
        assertTrue(idc.contains("no ipc fits"), idc);
        assertFalse(Files.exists(dir.resolve("i")), "a refused run writes nothing");
    }

    @Test
    void aRealBatchBeyondAClassIsRefusedBeforeAnyOutput(@TempDir Path dir) throws IOException {
        // Every method that draws real batches draws a class's images without replacement: a class of 3 cannot give 7.
        for (Method m : Methods.all()) {
            if (m.options().stream().noneMatch(o -> o.name().equals("real_batch"))) {
                continue;
            }
            Path out = dir.resolve(m.name());
            List<String> args = new java.util.ArrayList<>(List.of(
                    "distill",
                    "--method",
                    m.name(),
                    "--ipc",
                    "1",
                    "--steps",
                    "1",
                    "--real-batch",
                    "7",
                    "--arch",
                    "convnet:width=4,depth=1",
                    "--dataset",
                    dataset(),
                    "--out",
                    out.toString()));
            if (m.name().equals("idc")) {
                args.addAll(List.of(
                        "--factor", "1")); // IDC starts from ipc × factor² images: 1 here, so only the batch is wrong
            }
            String line = refused(
                    run(args.toArray(String[]::new)),
                    "option 'real_batch' of " + m.name() + " is 7",
                    "class 'a' has only 3");
            // FRePo draws one batch of all classes, ⌈7 / 2⌉ = 4 of each; the others 7 of each class.
            assertTrue(
                    line.endsWith(
                            m.matchesPerClass() ? "choose real_batch 3 or fewer" : "choose real_batch 6 or fewer"),
                    line);
            assertEquals(!m.matchesPerClass(), line.contains("(4 real images of each class a step)"), line);
            assertFalse(Files.exists(out), "a refused run writes nothing");
        }
        // DREAM's clusters are drawn from a class too.
        refused(
                run(
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
                        "4",
                        "--arch",
                        "convnet:width=4,depth=1",
                        "--dataset",
                        dataset(),
                        "--out",
                        dir.resolve("dream").toString()),
                "option 'clusters' of the dream sampler is 4",
                "class 'a' has only 3",
                "choose clusters 3 or fewer");
        assertFalse(Files.exists(dir.resolve("dream")), "a refused run writes nothing");
        // An ablation checks every cell before its first line (its training split keeps 2 a class: 1 is for
        // validation).
        Path grid = Files.writeString(
                dir.resolve("grid.json"),
                "{\"base\": {\"method\": \"dm\", \"ipc\": 1, \"steps\": 1}, \"vary\": {\"real_batch\": [2, 4]}}");
        refused(
                run(ablate(grid, dir.resolve("cells"))),
                "grid.json",
                "option 'real_batch' of dm is 4",
                "choose real_batch 2 or fewer");
        assertFalse(Files.exists(dir.resolve("cells")), "a refused ablation writes nothing");
    }

    @Test
    void distillStepsZeroIsRefused(@TempDir Path dir) {
        refused(
                run(
                        "distill",
                        "--steps",
                        "0",
                        "--dataset",
                        dataset(),
                        "--out",
                        dir.resolve("r").toString()),
                "'steps'",
                "got 0");
        assertFalse(Files.exists(dir.resolve("r")));
    }

    // ---- 3: names that do not exist, options that do not belong ----

    @Test
    void unknownMethodIsRefused(@TempDir Path dir) {
        refused(
                run(
                        "distill",
                        "--method",
                        "nope",
                        "--dataset",
                        dataset(),
                        "--out",
                        dir.resolve("d").toString()),
                "'nope'",
                "known: frepo");
        refused(
                run(
                        "baseline",
                        "--method",
                        "nope",
                        "--ipc",
                        "1",
                        "--dataset",
                        dataset(),
                        "--out",
                        dir.resolve("b").toString()),
                "'nope'",
                "known: random");
    }

    @Test
    void unknownArchitectureIsRefused(@TempDir Path dir) throws IOException {
        refused(
                run(
                        "distill",
                        "--method",
                        "dm",
                        "--ipc",
                        "1",
                        "--steps",
                        "1",
                        "--arch",
                        "nonsense",
                        "--dataset",
                        dataset(),
                        "--out",
                        dir.resolve("d").toString()),
                "'nonsense'",
                "convnet");
        assertFalse(Files.exists(dir.resolve("d")), "a refused run writes nothing");
        Path set = plainNpz(dir.resolve("set.npz"), pixels(2, SIDE), new int[] {0, 1}, SIDE);
        refused(run(evaluate(set, "--arch", "nonsense")), "'nonsense'", "convnet");
    }

    @Test
    void unknownSamplerIsRefused(@TempDir Path dir) {
        refused(
                run(
                        "distill",
                        "--sampler",
                        "nope",
                        "--dataset",
                        dataset(),
                        "--out",
                        dir.resolve("d").toString()),
                "'sampler'",
                "nope",
                "random, dream");
    }

    @Test
    void anOptionOfAnotherMethodIsRefused(@TempDir Path dir) {
        refused(
                run(
                        "distill",
                        "--method",
                        "dm",
                        "--pool-size",
                        "3",
                        "--dataset",
                        dataset(),
                        "--out",
                        dir.resolve("d").toString()),
                "'pool_size' is an option of frepo, not of dm");
    }

    @Test
    void unknownOptionsAndCommandsAreUsageErrorsOfOneLine(@TempDir Path dir) {
        CommandRun r = run("distill", "--frob", "--out", dir.resolve("d").toString());
        refused(r, "'--frob'", "ddlab distill --help");
        assertEquals(2, r.code(), "picocli's exit code for a usage error");
        refused(run("evaluate", "--set", "x.npz", "--epoch", "3"), "'--epoch'", "--epochs");
        refused(run("baseline", "--ipc", "1", "--out", dir.resolve("b").toString()), "--method");
        refused(run("frobnicate"), "'frobnicate'", "ddlab --help");
        refused(run("distill", "--ipc", "ten", "--out", dir.resolve("t").toString()), "'ipc'", "ten");
        String neither = refused(run("evaluate", "--epochs", "1"), "--set", "--whole");
        assertFalse(neither.contains("Error:"), "one 'error:' a line: " + neither);
    }

    // ---- 4: a set file that cannot be a set ----

    @Test
    void aMissingSetFileIsRefused(@TempDir Path dir) {
        refused(run(evaluate(dir.resolve("none.npz"))), "none.npz");
    }

    @Test
    void anEmptySetFileIsRefused(@TempDir Path dir) throws IOException {
        Path f = Files.write(dir.resolve("empty.npz"), new byte[0]);
        refused(run(evaluate(f)), "empty.npz", "not a readable .npz");
    }

    @Test
    void aTextFileAsSetIsRefused(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("notes.npz"), "images and labels\n");
        refused(run(evaluate(f)), "notes.npz", "not a readable .npz");
    }

    @Test
    void aTruncatedSetFileIsRefused(@TempDir Path dir) throws IOException {
        Path whole = savedSet(dir.resolve("whole.npz"), CLASSES, new int[] {0, 0, 1, 1});
        Path f = Files.write(dir.resolve("half.npz"), firstHalf(whole));
        refused(run(evaluate(f)), "half.npz", "truncated");
    }

    @Test
    void nanOrInfinitePixelsAreRefused(@TempDir Path dir) throws IOException {
        float[] x = pixels(4, SIDE);
        x[2 * SIDE * SIDE + 5] = Float.NaN;
        refused(
                run(evaluate(plainNpz(dir.resolve("nan.npz"), x, new int[] {0, 0, 1, 1}, SIDE))),
                "nan.npz",
                "image 2 holds NaN");
        x[2 * SIDE * SIDE + 5] = 0;
        x[3 * SIDE * SIDE] = Float.NEGATIVE_INFINITY;
        refused(
                run(evaluate(plainNpz(dir.resolve("inf.npz"), x, new int[] {0, 0, 1, 1}, SIDE))),
                "inf.npz",
                "image 3 holds -Infinity");
    }

    @Test
    void imagesOfAnotherShapeAreRefused(@TempDir Path dir) throws IOException {
        Path f = plainNpz(dir.resolve("big.npz"), pixels(2, 28), new int[] {0, 1}, 28);
        refused(run(evaluate(f)), "big.npz", "(1, 28, 28)", "(1, 8, 8)");
    }

    @Test
    void labelsOutOfRangeAreRefused(@TempDir Path dir) throws IOException {
        refused(
                run(evaluate(plainNpz(dir.resolve("plain.npz"), pixels(3, SIDE), new int[] {0, 1, 2}, SIDE))),
                "plain.npz",
                "label 2 of image 2 is out of range");
        refused(
                run(evaluate(plainNpz(dir.resolve("negative.npz"), pixels(2, SIDE), new int[] {0, -1}, SIDE))),
                "negative.npz",
                "negative");
        // With a sidecar, the labels are checked against the classes it lists.
        Path sided = savedSet(dir.resolve("sided.npz"), List.of("a", "b", "c"), new int[] {0, 1, 2});
        Files.writeString(
                SyntheticSetFile.sidecarOf(sided),
                Files.readString(SyntheticSetFile.sidecarOf(sided))
                        .replace("\"c\"", "")
                        .replace("\"b\",", "\"b\""));
        refused(run(evaluate(sided)), "sided.json", "labels go up to 2");
    }

    @Test
    void aSetWithoutLabelsIsRefused(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("nolabels.npz");
        Npz.write(f, Map.of("images", NpyArray.ofFloats(pixels(2, SIDE), 2, 1, SIDE, SIDE)));
        refused(run(evaluate(f)), "nolabels.npz", "no array 'labels'");
    }

    @Test
    void aSidecarListingOtherClassesIsRefused(@TempDir Path dir) throws IOException {
        Path f = savedSet(dir.resolve("other.npz"), List.of("x", "y", "z"), new int[] {0, 1, 2});
        refused(run(evaluate(f)), "other.npz", "[x, y, z]", "[a, b]");
    }

    // ---- 5: an image folder with a file that is not an image ----

    @Test
    void aZeroByteImageInAFolderDatasetIsRefused(@TempDir Path dir) throws IOException {
        Path root = folderDataset(dir.resolve("zero"));
        Path bad = Files.write(root.resolve("train/b/9.png"), new byte[0]);
        refused(
                run(
                        "baseline",
                        "--method",
                        "random",
                        "--ipc",
                        "1",
                        "--dataset",
                        "folder:" + root,
                        "--out",
                        dir.resolve("o").toString()),
                bad.toString());
        assertFalse(Files.exists(dir.resolve("o")));
        // The first training image sets the size: it is read before the rest.
        Path first = Files.write(root.resolve("train/a/0.png"), new byte[0]);
        refused(
                run(
                        "baseline",
                        "--method",
                        "random",
                        "--ipc",
                        "1",
                        "--dataset",
                        "folder:" + root,
                        "--out",
                        dir.resolve("o").toString()),
                first.toString());
    }

    @Test
    void aCorruptImageInAFolderDatasetIsRefused(@TempDir Path dir) throws IOException {
        Path root = folderDataset(dir.resolve("corrupt"));
        Path bad = Files.write(root.resolve("test/a/1.png"), firstHalf(root.resolve("test/a/0.png")));
        refused(
                run(
                        "evaluate",
                        "--whole",
                        "--dataset",
                        "folder:" + root,
                        "--arch",
                        "mlp",
                        "--epochs",
                        "1",
                        "--repeats",
                        "1"),
                bad.toString());
        Files.writeString(bad, "not a picture");
        refused(
                run(
                        "evaluate",
                        "--whole",
                        "--dataset",
                        "folder:" + root,
                        "--arch",
                        "mlp",
                        "--epochs",
                        "1",
                        "--repeats",
                        "1"),
                bad.toString());
    }

    // ---- 6: a grid file that is not a grid ----

    private static String[] ablate(Path grid, Path out) {
        return new String[] {
            "ablate",
            "--grid",
            grid.toString(),
            "--out",
            out.toString(),
            "--dataset",
            dataset(),
            "--validation",
            "1",
            "--arch",
            "mlp",
            "--epochs",
            "1",
            "--repeats",
            "1"
        };
    }

    @Test
    void aGridFileThatIsNotJsonIsRefused(@TempDir Path dir) throws IOException {
        Path grid = Files.writeString(dir.resolve("grid.json"), "{\"base\": {\"method\": \"dm\", \"ipc\": 1,");
        refused(run(ablate(grid, dir.resolve("cells"))), "grid.json", "not a grid");
        assertFalse(Files.exists(dir.resolve("cells")));
    }

    @Test
    void aGridVaryingAnUnknownOptionIsRefused(@TempDir Path dir) throws IOException {
        Path grid = Files.writeString(
                dir.resolve("grid.json"),
                "{\"base\": {\"method\": \"dm\", \"ipc\": 1, \"steps\": 1}, \"vary\": {\"learning_rate\": [0.1, 1]}}");
        refused(run(ablate(grid, dir.resolve("cells"))), "grid.json", "'learning_rate'", "known:");
        assertFalse(Files.exists(dir.resolve("cells")));
    }

    @Test
    void aMissingGridFileIsRefused(@TempDir Path dir) {
        refused(run(ablate(dir.resolve("none.json"), dir.resolve("cells"))), "none.json");
    }

    // ---- 7, 8: a run directory that is damaged, or is already a run ----

    /** A finished two-step run with a checkpoint after each step (both kept). */
    private static Path tinyRun(Path dir) {
        CommandRun r = run(
                "distill",
                "--method",
                "dm",
                "--ipc",
                "1",
                "--steps",
                "2",
                "--real-batch",
                "2",
                "--arch",
                "convnet:width=4,depth=1",
                "--checkpoint-every",
                "1",
                "--dataset",
                dataset(),
                "--out",
                dir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isDirectory(dir.resolve("checkpoints/step-000000001"))
                && Files.isDirectory(dir.resolve("checkpoints/step-000000002")));
        return dir;
    }

    @Test
    void aDamagedNewestCheckpointFallsBackToThePreviousOne(@TempDir Path dir) throws IOException {
        Path runDir = tinyRun(dir.resolve("run"));
        Path checkpoints = runDir.resolve("checkpoints");
        // Its arrays truncated: the run says so, and goes on from the checkpoint before it.
        Path second = checkpoints.resolve("step-000000002");
        Files.write(second.resolve("optimizer.npz"), firstHalf(second.resolve("optimizer.npz")));
        CommandRun r = run("distill", "--resume", runDir.toString(), "--steps", "3");
        assertEquals(0, r.code(), r.err());
        assertTrue(
                r.err().contains(second + ": optimizer.npz is damaged")
                        && r.err().contains("resuming from step 1"),
                r.err());
        assertTrue(r.err().contains("resumed from step 1") && r.out().contains("3/3 steps"), r.out() + r.err());

        // Its state.json cut short: the directory is not a checkpoint, as one left by a crash mid-save.
        Path third = checkpoints.resolve("step-000000003");
        Files.write(third.resolve("state.json"), firstHalf(third.resolve("state.json")));
        CommandRun s = run("distill", "--resume", runDir.toString(), "--steps", "4");
        assertEquals(0, s.code(), s.err());
        assertTrue(s.err().contains("resumed from step 2") && s.out().contains("4/4 steps"), s.out() + s.err());

        // The resumed run wrote step 3 anew; every checkpoint damaged: nothing to fall back to, one line, nothing
        // changed.
        for (String step : List.of("step-000000004", "step-000000003")) {
            Files.writeString(checkpoints.resolve(step).resolve("optimizer.npz"), "damaged");
        }
        Map<String, Integer> before = contents(runDir);
        refused(
                run("distill", "--resume", runDir.toString(), "--steps", "5"),
                "step-000000004",
                "optimizer.npz is damaged",
                "--out");
        assertEquals(before, contents(runDir), "a refused resume changes no file");
    }

    @Test
    void distillOutIntoAnExistingRunIsRefused(@TempDir Path dir) throws IOException {
        Path runDir = tinyRun(dir.resolve("run"));
        Map<String, Integer> before = contents(runDir);
        refused(
                run(
                        "distill",
                        "--method",
                        "dm",
                        "--ipc",
                        "1",
                        "--steps",
                        "1",
                        "--dataset",
                        dataset(),
                        "--out",
                        runDir.toString()),
                runDir.toString(),
                "already holds a run",
                "--resume");
        assertEquals(before, contents(runDir), "the run is untouched");
    }

    @Test
    void theTinyDatasetEvaluatesWithGoodInput() {
        // The control: with good input, the same data and arguments as the cases above run.
        CommandRun r = run(
                "evaluate",
                "--whole",
                "--dataset",
                dataset(),
                "--arch",
                "mlp",
                "--epochs",
                "1",
                "--repeats",
                "1",
                "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"mean\""), r.out());
    }
}
