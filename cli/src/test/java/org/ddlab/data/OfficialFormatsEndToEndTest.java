package org.ddlab.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.ddlab.cli.CliProcess;
import org.ddlab.distill.NpyArray;
import org.ddlab.distill.Npz;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every dataset of the registry, from files written byte by byte in its official format, through the
 * command line a user runs (a fresh JVM with $DDLAB_DATA): a coreset is chosen and saved, the sidecar
 * names the dataset and its preprocessing, and the saved set evaluates on that dataset.
 */
class OfficialFormatsEndToEndTest {

    @TempDir
    Path tmp;

    private void writeMnist(Path dir) {
        for (String prefix : List.of("train", "t10k")) {
            int[] labels = IntStream.range(0, 20).map(i -> i % 10).toArray();
            IdxFiles.write(dir.resolve(prefix + "-images-idx3-ubyte.gz"), IdxFiles.gzip(IdxFiles.images(20, 28, 28)));
            IdxFiles.write(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), IdxFiles.gzip(IdxFiles.labels(labels)));
        }
    }

    private void writeCifar100(Path dir) throws Exception {
        Files.createDirectories(dir);
        for (String split : List.of("train", "test")) {
            int[][] labels =
                    IntStream.range(0, 100).mapToObj(i -> new int[] {i / 5, i}).toArray(int[][]::new);
            Files.write(dir.resolve(split + ".bin"), CifarBinaryTest.records(split.equals("train") ? 0 : 100, labels));
        }
        Files.writeString(
                dir.resolve("fine_label_names.txt"),
                IntStream.range(0, 100).mapToObj(i -> "fine" + i).collect(Collectors.joining("\n")) + "\n");
        Files.writeString(
                dir.resolve("coarse_label_names.txt"),
                IntStream.range(0, 20).mapToObj(i -> "coarse" + i).collect(Collectors.joining("\n")) + "\n");
    }

    /** SVHN's layout: X uint8 [32, 32, 3, N] column-major, y double [N, 1] with 10 for the digit 0. */
    private static byte[] svhn(int n) {
        byte[] x = new byte[32 * 32 * 3 * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (byte) ((i * 7 + (i / 3072) * 13) & 0xFF); // column-major: image i / 3072, each different
        }
        double[] y = IntStream.range(0, n).mapToDouble(i -> i % 10 + 1).toArray();
        return MatFiles.file(
                MatFiles.matrix("X", MatFiles.MX_UINT8, new int[] {32, 32, 3, n}, MatFiles.MI_UINT8, x),
                MatFiles.matrix("y", MatFiles.MX_DOUBLE, new int[] {n, 1}, MatFiles.MI_DOUBLE, MatFiles.doubles(y)));
    }

    private void writeFolder(Path root) throws Exception {
        for (String split : List.of("train", "test")) {
            for (String cls : List.of("cat", "dog", "emu")) {
                Path d = root.resolve(split).resolve(cls);
                Files.createDirectories(d);
                for (int i = 0; i < 2; i++) {
                    BufferedImage img = new BufferedImage(12, 12, BufferedImage.TYPE_INT_RGB);
                    img.setRGB(i + cls.length(), i, 0x40C080);
                    ByteArrayOutputStream png = new ByteArrayOutputStream();
                    ImageIO.write(img, "png", png);
                    Files.write(d.resolve(i + ".png"), png.toByteArray());
                }
            }
        }
    }

    private void writeNpz(Path file) throws Exception {
        float[] x = new float[8 * 16 * 16];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 13) / 13f;
        }
        Npz.write(
                file,
                Map.of(
                        "x_train",
                        NpyArray.ofFloats(x, 8, 16, 16),
                        "y_train",
                        NpyArray.ofInts(new int[] {0, 1, 0, 1, 0, 1, 0, 1}, 8),
                        "x_test",
                        NpyArray.ofFloats(x, 8, 16, 16),
                        "y_test",
                        NpyArray.ofInts(new int[] {1, 0, 1, 0, 1, 0, 1, 0}, 8)));
    }

    @Test
    void everyDatasetGoesFromItsFilesThroughBaselineAndEvaluation() throws Exception {
        Path data = tmp.resolve("data");
        writeMnist(data.resolve("mnist"));
        writeCifar100(data.resolve("cifar100/cifar-100-binary"));
        Files.createDirectories(data.resolve("svhn"));
        Files.write(data.resolve("svhn/train_32x32.mat"), svhn(20));
        Files.write(data.resolve("svhn/test_32x32.mat"), svhn(10));
        writeFolder(tmp.resolve("pets"));
        writeNpz(tmp.resolve("mine.npz"));
        Map<String, String> env = Map.of("DDLAB_DATA", data.toString());
        List<String> failures = new ArrayList<>();
        Map<String, String> preprocessing = Map.of(
                "mnist",
                "normalize",
                "cifar100",
                "zca",
                "cifar100-coarse",
                "zca",
                "svhn",
                "zca",
                "folder:" + tmp.resolve("pets"),
                "normalize",
                "npz:" + tmp.resolve("mine.npz"),
                "normalize");
        for (Map.Entry<String, String> e : preprocessing.entrySet()) {
            String dataset = e.getKey();
            Path out = tmp.resolve("sets").resolve(dataset.replaceAll("[^a-z0-9-]", "_"));
            CliProcess.Result base = CliProcess.run(
                    env,
                    tmp,
                    "baseline",
                    "--dataset",
                    dataset,
                    "--method",
                    "random",
                    "--ipc",
                    "1",
                    "--out",
                    out.toString());
            if (base.code() != 0) {
                failures.add(dataset + " baseline: " + base.err());
                continue;
            }
            var sidecar = JsonParser.parseString(Files.readString(out.resolve("synthetic.json")))
                    .getAsJsonObject();
            assertEquals(Datasets.named(dataset).name(), sidecar.get("dataset").getAsString(), dataset);
            assertEquals(
                    e.getValue(),
                    sidecar.getAsJsonObject("preprocessing").get("kind").getAsString(),
                    dataset);
            CliProcess.Result eval = CliProcess.run(
                    env,
                    tmp,
                    "evaluate",
                    "--set",
                    out.resolve("synthetic.npz").toString(),
                    "--arch",
                    "mlp:width=16",
                    "--epochs",
                    "1",
                    "--repeats",
                    "1",
                    "--profile",
                    "quick",
                    "--json");
            if (eval.code() != 0) {
                failures.add(dataset + " evaluate: " + eval.err());
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }
}
