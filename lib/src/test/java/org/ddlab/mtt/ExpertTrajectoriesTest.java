package org.ddlab.mtt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.ddlab.data.ImageSet;
import org.ddlab.dream.RepresentativeBatches;
import org.ddlab.nn.Architectures;
import org.ddlab.nn.Network;
import org.ddlab.train.TinySets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExpertTrajectoriesTest {

    /** 300 images: two batches of 256 per epoch, so an epoch is more than one step. */
    private static final ImageSet REAL = TinySets.stripes(75, 4, 5);

    private static final String ARCH = "convnet:width=8,depth=1";

    private static ExpertTrajectories experts(Path root) {
        return new ExpertTrajectories(root, REAL, ARCH, 0.05, 7);
    }

    @Test
    void aSecondRunWithTheSameKeyTrainsNothingAndFindsTheSameTrajectories(@TempDir Path root) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            ExpertTrajectories first = experts(root);
            assertEquals(2 * 3, first.ensure(2, 3, m), "two experts, three epochs each");
            assertTrue(Files.exists(first.directory().resolve("experts.json")));
            List<String> times = modified(first.directory());
            ExpertTrajectories again = experts(root);
            assertEquals(first.key(), again.key());
            assertEquals(0, again.ensure(2, 3, m), "the cache holds them all");
            assertEquals(0, again.ensure(1, 2, m), "fewer experts or epochs are in it too");
            assertEquals(times, modified(first.directory()), "and no file was written again");
            List<String> heard = new ArrayList<>();
            assertEquals(4, again.ensure(2, 5, m, (what, done, total, status) -> heard.add(done + "/" + total)));
            assertEquals(
                    List.of("0/4", "1/4", "2/4", "3/4", "4/4"),
                    heard,
                    "more epochs extend each expert, each told as it is trained, counted against what was missing");
            heard.clear();
            again.ensure(2, 5, m, (what, done, total, status) -> heard.add(done + "/" + total));
            assertEquals(List.of(), heard, "nothing missing, nothing told");
        }
    }

    @Test
    void theKeyIsEverythingThatDecidesTheExperts(@TempDir Path root) {
        Set<String> keys = new HashSet<>();
        keys.add(experts(root).key());
        keys.add(new ExpertTrajectories(root, REAL, ARCH, 0.05, 8).key());
        keys.add(new ExpertTrajectories(root, REAL, ARCH, 0.01, 7).key());
        keys.add(new ExpertTrajectories(root, REAL, "convnet:width=16,depth=1", 0.05, 7).key());
        keys.add(new ExpertTrajectories(root, TinySets.stripes(75, 4, 6), ARCH, 0.05, 7).key());
        assertEquals(5, keys.size(), "seed, rate, architecture and images each change the key");
        assertEquals(
                new ExpertTrajectories(root, REAL, "convnet", 0.05, 7).key(),
                new ExpertTrajectories(root, REAL, "convnet:width=128", 0.05, 7).key(),
                "one architecture, two spellings");
    }

    @Test
    void anInterruptedTrainingContinuesToTheSameBitsAsAnUninterruptedOne(@TempDir Path root) throws Exception {
        Path straight = root.resolve("straight");
        Path interrupted = root.resolve("interrupted");
        try (NDManager m = NDManager.newBaseManager()) {
            experts(straight).ensure(2, 4, m);
            ExpertTrajectories resumed = experts(interrupted);
            // Killed after expert 1's first epoch: what is on disk is expert 0 whole and expert 1 up to epoch 1.
            resumed.ensure(2, 4, m);
            for (int k = 2; k <= 4; k++) {
                Files.delete(resumed.file(1, k));
            }
            assertEquals(1, resumed.epochsDone(1));
            assertEquals(3, experts(interrupted).ensure(2, 4, m), "only the missing epochs are trained");
            ExpertTrajectories a = experts(straight);
            Network net = Architectures.create(ARCH, new Shape(1, 8, 8), 4).initialize(m, 0);
            for (int e = 0; e < 2; e++) {
                for (int k = 0; k <= 4; k++) {
                    assertArrayEquals(
                            Files.readAllBytes(a.file(e, k)),
                            Files.readAllBytes(resumed.file(e, k)),
                            "expert " + e + " epoch " + k + ", byte for byte");
                }
            }
            float[] start = a.parameters(1, 0, net);
            float[] later = a.parameters(1, 4, net);
            assertFalse(java.util.Arrays.equals(start, later), "the expert learned");
            assertNotEquals(
                    java.util.Arrays.hashCode(a.parameters(0, 0, net)),
                    java.util.Arrays.hashCode(start),
                    "each expert starts from its own initialisation");
        }
    }

    @Test
    void expertsOnDreamsBatchesHaveTheirOwnKeyLearnFromThemAndContinueToTheSameBits(@TempDir Path root)
            throws Exception {
        // 64 images of each class a batch, drawn from 70 representatives re-clustered at every step.
        RepresentativeBatches dream = new RepresentativeBatches(70, 1, 0);
        Path straight = root.resolve("straight");
        Path interrupted = root.resolve("interrupted");
        ExpertTrajectories a = new ExpertTrajectories(straight, REAL, ARCH, 0.05, 7, dream);
        assertNotEquals(experts(straight).key(), a.key(), "DREAM's experts are not the shuffles'");
        assertNotEquals(
                new ExpertTrajectories(straight, REAL, ARCH, 0.05, 7, new RepresentativeBatches(60, 1, 0)).key(),
                a.key(),
                "DREAM's settings are in the key");
        try (NDManager m = NDManager.newBaseManager()) {
            a.ensure(2, 2, m);
            assertTrue(a.samplingSeconds() > 0, "the clusterings' time is counted");
            experts(straight).ensure(1, 1, m);
            ExpertTrajectories resumed = new ExpertTrajectories(interrupted, REAL, ARCH, 0.05, 7, dream);
            resumed.ensure(2, 2, m);
            Files.delete(resumed.file(1, 2));
            assertEquals(1, new ExpertTrajectories(interrupted, REAL, ARCH, 0.05, 7, dream).ensure(2, 2, m));
            for (int e = 0; e < 2; e++) {
                for (int k = 0; k <= 2; k++) {
                    assertArrayEquals(
                            Files.readAllBytes(a.file(e, k)),
                            Files.readAllBytes(resumed.file(e, k)),
                            "expert " + e + " epoch " + k + ", byte for byte");
                }
            }
            Network net = Architectures.create(ARCH, new Shape(1, 8, 8), 4).initialize(m, 0);
            assertArrayEquals(experts(straight).parameters(0, 0, net), a.parameters(0, 0, net), "the same start");
            assertFalse(
                    java.util.Arrays.equals(experts(straight).parameters(0, 1, net), a.parameters(0, 1, net)),
                    "and another first epoch: DREAM's batches, not the shuffle's");
        }
    }

    @Test
    void theFlatVectorIsTheTrainableParametersInOrder(@TempDir Path root) {
        try (NDManager m = NDManager.newBaseManager()) {
            ExpertTrajectories x = experts(root);
            x.ensure(1, 1, m);
            Network net = Architectures.create(ARCH, new Shape(1, 8, 8), 4).initialize(m, 0);
            float[] flat = x.parameters(0, 0, net);
            long trainable = net.parameters().stream()
                    .filter(Parameter::requiresGradient)
                    .mapToLong(p -> p.getArray().size())
                    .sum();
            assertEquals(trainable, flat.length);
            assertEquals(new TrajectoryMatching(net).parameterCount(), flat.length);
            // Epoch 0 is the seeded initialisation of expert 0.
            Network init = Architectures.create(ARCH, new Shape(1, 8, 8), 4)
                    .initialize(m, org.ddlab.engine.Seeds.mix(7, 0, 0xE1));
            float[] first = init.parameters().stream()
                    .filter(Parameter::requiresGradient)
                    .findFirst()
                    .orElseThrow()
                    .getArray()
                    .toFloatArray();
            assertArrayEquals(first, java.util.Arrays.copyOf(flat, first.length));
        }
    }

    /** Each file's identity (its inode) and modification time: an atomic rewrite changes both. */
    private static List<String> modified(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .sorted()
                    .map(p -> {
                        try {
                            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                            return p + " " + a.fileKey() + " " + a.lastModifiedTime();
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .toList();
        }
    }
}
