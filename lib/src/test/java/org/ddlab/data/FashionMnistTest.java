package org.ddlab.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class FashionMnistTest {

    @TempDir
    Path tmp;

    private static void writeSplits(Path dir, boolean gz) {
        for (FashionMnist.Split split : FashionMnist.Split.values()) {
            byte[] images = IdxFiles.images(3, 28, 28);
            byte[] labels = IdxFiles.labels(0, 9, 9);
            String suffix = gz ? ".gz" : "";
            IdxFiles.write(dir.resolve(split.prefix() + "-images-idx3-ubyte" + suffix), gz ? IdxFiles.gzip(images) : images);
            IdxFiles.write(dir.resolve(split.prefix() + "-labels-idx1-ubyte" + suffix), gz ? IdxFiles.gzip(labels) : labels);
        }
    }

    @Test
    void envDirectoryWinsDirectlyOrInASubFolder() {
        Path direct = tmp.resolve("direct");
        writeSplits(direct, true);
        assertEquals(direct, FashionMnist.locate(direct.toString(), List.of(FashionMnist.SYSTEM_DIR)));

        Path parent = tmp.resolve("data");
        writeSplits(parent.resolve("fashion-mnist"), false);
        assertEquals(parent.resolve("fashion-mnist"), FashionMnist.locate(parent.toString(), List.of()));

        ImageSet test = FashionMnist.load(parent.resolve("fashion-mnist"), FashionMnist.Split.TEST);
        assertEquals(3, test.size());
        assertEquals("Ankle boot", test.className(test.label(1)));
        assertEquals("Fashion-MNIST test", test.name());
    }

    @Test
    void notFoundSaysWhereItLookedAndHowToInstall() {
        Path empty = tmp.resolve("empty");
        IdxFiles.write(empty.resolve("train-images-idx3-ubyte.gz"), new byte[0]);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> FashionMnist.locate(empty.toString(), List.of(tmp.resolve("nowhere"))));
        String m = e.getMessage();
        assertTrue(m.contains("sudo apt-get install dataset-fashion-mnist"), m);
        assertTrue(m.contains("DDLAB_DATA"), m);
        assertTrue(m.contains(empty + " — missing train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz"), m);
        assertTrue(m.contains(empty.resolve("fashion-mnist") + " — no such directory"), m);
        assertTrue(m.contains(tmp.resolve("nowhere") + " — no such directory"), m);
    }

    @Test
    void classNamesAreTheOfficialTen() {
        assertEquals(10, FashionMnist.CLASS_NAMES.size());
        assertEquals("T-shirt/top", FashionMnist.CLASS_NAMES.get(0));
        assertEquals("Ankle boot", FashionMnist.CLASS_NAMES.get(9));
    }

    /** The real data, when installed (Debian package dataset-fashion-mnist or DDLAB_DATA). */
    @Test
    void realFashionMnist() {
        Path dir;
        try {
            dir = FashionMnist.locate();
        } catch (IllegalStateException e) {
            assumeTrue(false, "Fashion-MNIST not installed: " + e.getMessage());
            return;
        }
        assertTrue(Files.isDirectory(dir));
        assertEquals(dir + " (60000 train, 10000 test)", FashionMnist.describeLocation());

        ImageSet train = FashionMnist.train();
        ImageSet test = FashionMnist.test();
        assertEquals(60_000, train.size());
        assertEquals(10_000, test.size());
        assertEquals(new Shape(60_000, 1, 28, 28), train.shape());
        assertEquals(10, train.numClasses());
        int[] sixThousand = new int[10];
        java.util.Arrays.fill(sixThousand, 6000);
        assertArrayEquals(sixThousand, train.classCounts());
        float[] range = train.valueRange();
        assertEquals(0f, range[0]);
        assertEquals(1f, range[1]);

        // Commonly quoted statistics of the Fashion-MNIST training set.
        Normalization n = train.normalization();
        assertEquals(0.2860, n.mean()[0], 1e-3);
        assertEquals(0.3530, n.std()[0], 1e-3);

        try (NDManager m = NDManager.newBaseManager()) {
            int[] idx = train.firstPerClass(1);
            NDArray batch = train.images(m, idx);
            assertEquals(new Shape(10, 1, 28, 28), batch.getShape());
            assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, train.labels(m, idx).toIntArray());
        }
    }
}
