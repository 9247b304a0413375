package org.ddlab.distill;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticSetFileTest {

    static final String PYTHON = "/usr/bin/python3";
    static final List<String> CLASSES = List.of("shirt", "shoe", "bag");
    private static NDManager manager;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    static SyntheticSet noise(long seed) {
        return SyntheticSet.fromNoise(manager, CLASSES, 2, new Shape(1, 4, 5), seed);
    }

    static Metadata meta() {
        return Metadata.of("random", "fashion-mnist", 42L, 100L)
                .withExtra("lr", 0.01)
                .withExtra("arch", "convnet");
    }

    /** Runs Debian's Python with NumPy; skips the test when that Python or NumPy is missing. */
    static String python(String code) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(PYTHON)), PYTHON + " is not installed");
        Process probe = new ProcessBuilder(PYTHON, "-c", "import numpy")
                .redirectErrorStream(true)
                .start();
        probe.getInputStream().readAllBytes();
        Assumptions.assumeTrue(
                probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0,
                PYTHON + " cannot import numpy (apt-get install python3-numpy)");
        Process p =
                new ProcessBuilder(PYTHON, "-c", code).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "python timed out");
        assertEquals(0, p.exitValue(), "python failed:\n" + out);
        return out.trim();
    }

    @Test
    void roundTripKeepsArraysAndMetadata() throws IOException {
        Path file = dir.resolve("set.npz");
        try (SyntheticSet s = noise(1)) {
            s.initSoftLabels(0.9f, 0.05f);
            s.setLearnable(true, true); // saving must not care that gradients are on
            Metadata written = SyntheticSetFile.save(s, file, meta());
            assertEquals(2, written.ipc());
            try (SyntheticSetFile.Loaded l = SyntheticSetFile.load(manager, file, true)) {
                assertArrayEquals(s.pixels(), l.set().pixels());
                assertArrayEquals(s.labels(), l.set().labels());
                assertArrayEquals(
                        s.softLabels().orElseThrow().stopGradient().toFloatArray(),
                        l.set().softLabels().orElseThrow().toFloatArray());
                assertEquals(CLASSES, l.set().classNames());
                Metadata m = l.metadata().orElseThrow();
                assertEquals(written, m);
                assertEquals("random", m.method());
                assertEquals(42L, m.seed());
                assertEquals(0.01, (Double) m.extra().get("lr"), 0);
                assertArrayEquals(new long[] {1, 4, 5}, m.imageShape());
            }
        }
        JsonObject json = JsonParser.parseString(Files.readString(dir.resolve("set.json")))
                .getAsJsonObject();
        for (String key : List.of(
                "method",
                "ipc",
                "dataset",
                "classes",
                "seed",
                "steps",
                "created",
                "ddlab_version",
                "image_shape",
                "extra")) {
            assertTrue(json.has(key), "sidecar has " + key);
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(
                    List.of("set.json", "set.npz"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary files left behind");
        }
    }

    @Test
    void numpyReadsWhatJavaWrites() throws Exception {
        Path file = dir.resolve("java.npz");
        try (SyntheticSet s = noise(2)) {
            SyntheticSetFile.save(s, file, meta());
            String out = python("import numpy as np; d=np.load('" + file + "'); "
                    + "print(d['images'].shape, d['images'].dtype, d['labels'].tolist()[:5], float(d['images'].sum()), "
                    + "d['labels'].dtype)");
            double sum = 0;
            for (float v : s.pixels()) {
                sum += v;
            }
            assertTrue(out.startsWith("(6, 1, 4, 5) float32 [0, 0, 1, 1, 2] "), out);
            assertTrue(out.endsWith(" int64"), out);
            String[] words = out.split(" ");
            double pySum = Double.parseDouble(words[words.length - 2]);
            assertEquals(sum, pySum, 1e-4, out);
        }
    }

    @Test
    void javaReadsWhatNumpyWrites() throws Exception {
        Path file = dir.resolve("py.npz");
        python("import numpy as np; rng=np.random.default_rng(0); "
                + "x=np.arange(2*3*2*2, dtype=np.float32).reshape(6,2,2,1).transpose(0,3,1,2).copy(); "
                + "np.savez('" + file + "', images=x, labels=np.array([0,0,1,1,2,2], dtype=np.int64))");
        try (SyntheticSetFile.Loaded l = SyntheticSetFile.load(manager, file)) {
            assertTrue(l.metadata().isEmpty(), "no sidecar: metadata absent");
            assertEquals(new Shape(6, 1, 2, 2), l.set().images().getShape());
            assertEquals(List.of("0", "1", "2"), l.set().classNames());
            float[] px = l.set().pixels();
            for (int i = 0; i < px.length; i++) {
                assertEquals(i, px[i]);
            }
        }
        // Other dtypes NumPy users produce: float64 images, int32 labels, compressed, big-endian.
        Path other = dir.resolve("other.npz");
        python("import numpy as np; np.savez_compressed('" + other + "', images=np.ones((2,1,3,3), dtype='>f4') * 0.5, "
                + "labels=np.array([1,0], dtype=np.int32), soft_labels=np.eye(2, dtype=np.float64))");
        try (SyntheticSetFile.Loaded l = SyntheticSetFile.load(manager, other)) {
            assertEquals(0.5f, l.set().images().getFloat(1, 0, 2, 2));
            assertArrayEquals(new int[] {1, 0}, l.set().labels());
            assertEquals(1f, l.set().softLabels().orElseThrow().getFloat(1, 1));
        }
    }

    @Test
    void missingAndCorruptFilesAreNamed() throws IOException {
        Path missing = dir.resolve("nope.npz");
        NoSuchFileException nf = assertThrows(NoSuchFileException.class, () -> SyntheticSetFile.load(manager, missing));
        assertTrue(nf.getMessage().contains(missing.toString()), nf.getMessage());

        Path file = dir.resolve("cut.npz");
        try (SyntheticSet s = noise(3)) {
            SyntheticSetFile.save(s, file, meta());
        }
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        InvalidFileException e = assertThrows(InvalidFileException.class, () -> SyntheticSetFile.load(manager, file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("truncated"), e.getMessage());
        assertEquals(file, e.path());

        Path text = dir.resolve("text.npz");
        Files.writeString(text, "not a zip at all");
        assertTrue(assertThrows(InvalidFileException.class, () -> SyntheticSetFile.load(manager, text))
                .getMessage()
                .contains("text.npz"));
    }

    @Test
    void missingArraysAndMismatchedCountsAreExplained() throws IOException {
        Path noLabels = dir.resolve("nolabels.npz");
        Npz.write(noLabels, Map.of("images", NpyArray.ofFloats(new float[8], 2, 1, 2, 2)));
        String m1 = assertThrows(InvalidFileException.class, () -> SyntheticSetFile.load(manager, noLabels))
                .getMessage();
        assertTrue(m1.contains("no array 'labels'"), m1);

        Path counts = dir.resolve("counts.npz");
        Map<String, NpyArray> a = new LinkedHashMap<>();
        a.put("images", NpyArray.ofFloats(new float[8], 2, 1, 2, 2));
        a.put("labels", NpyArray.ofLongs(new long[] {0, 1, 1}, 3));
        Npz.write(counts, a);
        String m2 = assertThrows(InvalidFileException.class, () -> SyntheticSetFile.load(manager, counts))
                .getMessage();
        assertTrue(m2.contains("2 images but 3 labels"), m2);

        Path floatLabels = dir.resolve("fl.npz");
        a.put("labels", NpyArray.ofFloats(new float[] {0, 1}, 2));
        Npz.write(floatLabels, a);
        String m3 = assertThrows(InvalidFileException.class, () -> SyntheticSetFile.load(manager, floatLabels))
                .getMessage();
        assertTrue(m3.contains("'labels' must be integer"), m3);

        Path flat = dir.resolve("flat.npz");
        a.put("images", NpyArray.ofFloats(new float[8], 2, 4));
        Npz.write(flat, a);
        String m4 = assertThrows(InvalidFileException.class, () -> SyntheticSetFile.load(manager, flat))
                .getMessage();
        assertTrue(m4.contains("[N,C,H,W]") && m4.contains("(2, 4)"), m4);
    }

    @Test
    void sidecarIsOptionalOrRequiredAndMustMatch() throws IOException {
        Path file = dir.resolve("s.npz");
        try (SyntheticSet s = noise(4)) {
            SyntheticSetFile.save(s, file, meta());
        }
        Path sidecar = dir.resolve("s.json");
        String good = Files.readString(sidecar);

        Files.writeString(sidecar, good.replace("\"ipc\": 2", "\"ipc\": 3"));
        InvalidFileException ipc = assertThrows(InvalidFileException.class, () -> SyntheticSetFile.load(manager, file));
        assertTrue(ipc.getMessage().contains("s.json") && ipc.getMessage().contains("ipc 3"), ipc.getMessage());

        JsonObject o = JsonParser.parseString(good).getAsJsonObject();
        o.add("image_shape", JsonParser.parseString("[3, 4, 5]"));
        Files.writeString(sidecar, o.toString());
        String shape = assertThrows(InvalidFileException.class, () -> SyntheticSetFile.load(manager, file))
                .getMessage();
        assertTrue(shape.contains("image shape [3, 4, 5]") && shape.contains("[1, 4, 5]"), shape);

        o = JsonParser.parseString(good).getAsJsonObject();
        o.add("classes", JsonParser.parseString("[\"x\", \"y\"]"));
        o.addProperty("ipc", 3);
        Files.writeString(sidecar, o.toString());
        String classes = assertThrows(InvalidFileException.class, () -> SyntheticSetFile.load(manager, file))
                .getMessage();
        assertTrue(classes.contains("2 classes"), classes);

        Files.writeString(sidecar, "{ not json");
        assertTrue(assertThrows(InvalidFileException.class, () -> SyntheticSetFile.load(manager, file))
                .getMessage()
                .contains("s.json"));

        Files.delete(sidecar);
        try (SyntheticSetFile.Loaded l = SyntheticSetFile.load(manager, file)) {
            assertTrue(l.metadata().isEmpty());
            assertEquals(6, l.set().size());
        }
        NoSuchFileException req =
                assertThrows(NoSuchFileException.class, () -> SyntheticSetFile.load(manager, file, true));
        assertTrue(req.getMessage().contains("s.json"), req.getMessage());
    }

    @Test
    void aFailedWriteLeavesTheOldFileIntact() throws IOException {
        Path file = dir.resolve("keep.npz");
        Path sidecar = dir.resolve("keep.json");
        try (SyntheticSet s = noise(5)) {
            SyntheticSetFile.save(s, file, meta());
        }
        byte[] oldNpz = Files.readAllBytes(file);
        byte[] oldJson = Files.readAllBytes(sidecar);

        // A writer that fails half-way through.
        IOException boom = assertThrows(
                IOException.class,
                () -> AtomicFiles.write(file, out -> {
                    out.write(new byte[1000]);
                    throw new IOException("disk full (simulated)");
                }));
        assertEquals(
                "cannot write " + file + ": disk full (simulated)",
                boom.getMessage(),
                "the file named, the cause's words kept");
        assertArrayEquals(oldNpz, Files.readAllBytes(file));

        // A save whose arrays cannot be read (already freed) fails before touching either file.
        SyntheticSet closed = noise(6);
        closed.close();
        assertThrows(RuntimeException.class, () -> SyntheticSetFile.save(closed, file, meta()));

        // Neither failure touched the committed files, nor left temporaries behind.
        assertArrayEquals(oldNpz, Files.readAllBytes(file));
        assertArrayEquals(oldJson, Files.readAllBytes(sidecar));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(
                    List.of("keep.json", "keep.npz"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary files left behind");
        }
    }

    @Test
    void savesOnlyToNpzNames() {
        try (SyntheticSet s = noise(7)) {
            assertThrows(IllegalArgumentException.class, () -> SyntheticSetFile.save(s, dir.resolve("set.bin"), null));
        }
    }
}
