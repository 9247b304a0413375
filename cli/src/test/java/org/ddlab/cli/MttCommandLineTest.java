package org.ddlab.cli;

import static org.ddlab.cli.CommandRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MTT end to end as a user runs it, on a tiny image folder: {@code distill --method mtt} with small expert
 * settings (each an option, so each a flag), its experts in the shared cache and found there by a second run,
 * and {@code evaluate --protocol paper} training at the rate the run learned.
 */
class MttCommandLineTest {

    @TempDir
    static Path experts;

    @BeforeAll
    static void ownCache() {
        System.setProperty("ddlab.experts", experts.toString());
    }

    @AfterAll
    static void sharedCacheAgain() {
        System.clearProperty("ddlab.experts");
    }

    @Test
    void distilsWithSmallExpertsAndEvaluatesAtTheLearnedRate(@TempDir Path dir) throws Exception {
        String data = "folder:" + stripes(dir.resolve("images"));
        String[] mtt = {
            "distill",
            "--method",
            "mtt",
            "--experts",
            "2",
            "--max-start-epoch",
            "2",
            "--expert-epochs",
            "1",
            "--syn-steps",
            "2",
            "--lr-img",
            "10",
            "--lr-teacher",
            "0.05",
            "--ipc",
            "1",
            "--steps",
            "2",
            "--arch",
            "convnet:width=8,depth=1",
            "--dataset",
            data,
            "--out"
        };
        CommandRun first = run(concat(mtt, dir.resolve("a").toString()));
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().contains("mtt IPC 1: 2/2 steps"), first.out());
        JsonObject sidecar = JsonParser.parseString(Files.readString(dir.resolve("a/synthetic.json")))
                .getAsJsonObject();
        double rate = sidecar.getAsJsonObject("extra").get("syn_lr").getAsDouble();
        assertTrue(rate > 0 && rate != 0.05, "a learned rate in the metadata: " + rate);
        List<Path> files = files(experts);
        assertEquals(2 * 3 + 1, files.size(), "two experts, epochs 0 to 2, and experts.json: " + files);
        // The experts' training shows as a bar of its own before the first step's: 2 experts × 2 epochs.
        assertTrue(first.err().contains("experts") && first.err().contains("4/4"), first.err());
        assertTrue(first.err().contains("expert 1 epoch 2/2"), first.err());

        CommandRun second = run(concat(mtt, dir.resolve("b").toString()));
        assertEquals(0, second.code(), second.err());
        assertEquals(files, files(experts), "the second run trained nothing");
        assertFalse(second.err().contains("expert 0 epoch"), "and showed no experts' bar: " + second.err());

        CommandRun paper = run(
                "evaluate",
                "--set",
                dir.resolve("a/synthetic.npz").toString(),
                "--arch",
                "mlp",
                "--epochs",
                "2",
                "--repeats",
                "1",
                "--json",
                "--protocol",
                "paper");
        assertEquals(0, paper.code(), paper.err());
        assertTrue(
                paper.err()
                        .contains("protocol: MTT's protocol: 1 run(s) of: 2 epochs, batch 256, SGD lr "
                                + String.format(java.util.Locale.ROOT, "%.3g", rate)),
                paper.err());
    }

    @Test
    void withDreamsSamplerTheExpertsTrainOnRepresentativeBatchesInACacheOfTheirOwn(@TempDir Path dir) throws Exception {
        String data = "folder:" + stripes(dir.resolve("images"));
        CommandRun run = run(
                "distill",
                "--method",
                "mtt",
                "--sampler",
                "dream",
                "--clusters",
                "4",
                "--experts",
                "1",
                "--max-start-epoch",
                "1",
                "--expert-epochs",
                "1",
                "--syn-steps",
                "2",
                "--lr-img",
                "10",
                "--ipc",
                "1",
                "--steps",
                "1",
                "--arch",
                "convnet:width=8,depth=1",
                "--dataset",
                data,
                "--out",
                dir.resolve("dream").toString());
        assertEquals(0, run.code(), run.err());
        JsonObject extra = JsonParser.parseString(Files.readString(dir.resolve("dream/synthetic.json")))
                .getAsJsonObject()
                .getAsJsonObject("extra");
        JsonObject batches = extra.getAsJsonObject("experts_batches");
        assertEquals("dream", batches.get("sampler").getAsString());
        assertEquals(4, batches.get("clusters").getAsInt());
        assertEquals(50, batches.get("interval").getAsInt(), "MTT's interval, in the experts' steps");
        Path cache = experts.resolve(extra.get("experts").getAsString());
        JsonObject identity = JsonParser.parseString(Files.readString(cache.resolve("experts.json")))
                .getAsJsonObject();
        assertEquals("dream", identity.getAsJsonObject("batches").get("sampler").getAsString());
        assertTrue(Files.exists(cache.resolve("expert-0000/epoch-001.npz")), "the expert's epoch is in its cache");
    }

    private static String[] concat(String[] a, String last) {
        String[] out = java.util.Arrays.copyOf(a, a.length + 1);
        out[a.length] = last;
        return out;
    }

    /** Every file under {@code dir} with its modification time: a rewrite changes it. */
    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .sorted()
                    .map(p -> {
                        try {
                            return Path.of(
                                    p + "@" + Files.getLastModifiedTime(p).toMillis());
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .toList();
        }
    }

    /** {@code root/train/<class>/} with 8 grey 8×8 images per class (row c lit in class c, plus noise), {@code root/test} with 2. */
    private static Path stripes(Path root) throws IOException {
        java.util.Random rng = new java.util.Random(5);
        for (int c = 0; c < 2; c++) {
            for (String split : new String[] {"train", "test"}) {
                for (int i = 0; i < (split.equals("train") ? 8 : 2); i++) {
                    BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
                    for (int y = 0; y < 8; y++) {
                        for (int x = 0; x < 8; x++) {
                            img.getRaster().setSample(x, y, 0, (y == 3 * c + 2 ? 180 : 40) + rng.nextInt(60));
                        }
                    }
                    Path f = root.resolve(split).resolve("class" + c).resolve(i + ".png");
                    Files.createDirectories(f.getParent());
                    ImageIO.write(img, "png", f.toFile());
                }
            }
        }
        return root;
    }
}
