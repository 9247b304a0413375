package org.ddlab.dream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.ddlab.data.ImageSet;
import org.ddlab.engine.Seeds;
import org.ddlab.nn.Architectures;
import org.ddlab.nn.Network;
import org.ddlab.train.LabeledSet;
import org.ddlab.train.Trainer;
import org.ddlab.train.TrainingReport;
import org.ddlab.train.TrainingSchedule;
import org.junit.jupiter.api.Test;

class RepresentativeBatchesTest {

    /** 40 images of each of 4 classes. */
    private static final ImageSet STRIPES = org.ddlab.train.TinySets.stripes(40, 4, 3, 1.0);

    private static final RepresentativeBatches DREAM = new RepresentativeBatches(10, 3, 0);

    private static Network net(NDManager m) {
        return Architectures.create("convnet:width=8,depth=1", STRIPES.shape().slice(1), 4)
                .initialize(m, 1);
    }

    private static List<int[]> epoch(RepresentativeBatches.Order order, int epoch, int size) {
        List<int[]> out = new ArrayList<>();
        for (Iterator<int[]> it = order.epoch(epoch, STRIPES.size(), size); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }

    @Test
    void everyBatchIsClassBalancedAndDrawnFromTheRepresentativesOfItsClustering() {
        try (NDManager m = NDManager.newBaseManager()) {
            Network net = net(m);
            RepresentativeBatches.Order order = DREAM.order(STRIPES, 11, net);
            List<int[]> batches = epoch(order, 2, 32);
            assertEquals(5, batches.size(), "⌈160 / 32⌉ steps, as a shuffle of the whole set has");
            // What the order's sampler computes at steps 0 and 3 (its re-clusterings): the same seed, epoch and
            // network.
            RepresentativeSampler reference = new RepresentativeSampler(STRIPES, Seeds.mix(11, 2), 10, 3, 0);
            for (int step = 0; step < batches.size(); step++) {
                int[] batch = batches.get(step);
                assertEquals(32, batch.length, "a full batch");
                int clusteredAt = step / 3 * 3;
                for (int c = 0; c < 4; c++) {
                    int cls = c;
                    Set<Integer> representatives = Arrays.stream(reference.representatives(c, clusteredAt, net))
                            .boxed()
                            .collect(Collectors.toSet());
                    int[] ofClass = Arrays.stream(batch)
                            .filter(i -> STRIPES.label(i) == cls)
                            .toArray();
                    assertEquals(8, ofClass.length, "step " + step + ", class " + c + ": its share of 32");
                    for (int i : ofClass) {
                        assertTrue(
                                representatives.contains(i),
                                "step " + step + ": image " + i + " is not one of class " + c
                                        + "'s representatives at step " + clusteredAt);
                    }
                }
            }
            assertTrue(order.samplingSeconds() > 0, "the clusterings' time is counted");
        }
    }

    @Test
    void theSameSeedAndNetworkGiveTheSameBatchesAndAnotherEpochOthers() {
        try (NDManager m = NDManager.newBaseManager()) {
            Network net = net(m);
            List<int[]> a = epoch(DREAM.order(STRIPES, 11, net), 1, 32);
            List<int[]> b = epoch(DREAM.order(STRIPES, 11, net), 1, 32);
            List<int[]> other = epoch(DREAM.order(STRIPES, 11, net), 2, 32);
            for (int i = 0; i < a.size(); i++) {
                assertArrayEquals(a.get(i), b.get(i), "batch " + i);
            }
            assertFalse(Arrays.equals(a.get(0), other.get(0)), "epoch 2 draws anew");
        }
    }

    @Test
    void theTrainerTrainsOnTheOrdersBatches() {
        try (NDManager m = NDManager.newBaseManager()) {
            Network net = net(m);
            TrainingSchedule schedule =
                    new TrainingSchedule(2, 32, 0.01, 0, 0, List.of(), 1, false, TrainingSchedule.NO_CUTMIX, 0, null);
            List<Integer> seen = new ArrayList<>();
            org.ddlab.train.BatchOrder counted = (epoch, n, size) -> {
                Iterator<int[]> inner = DREAM.order(STRIPES, 5, net).epoch(epoch, n, size);
                return new Iterator<>() {
                    public boolean hasNext() {
                        return inner.hasNext();
                    }

                    public int[] next() {
                        int[] b = inner.next();
                        seen.add(b.length);
                        return b;
                    }
                };
            };
            TrainingReport report =
                    Trainer.train(net, LabeledSet.hard(STRIPES), schedule, (x, r) -> x, 0, (e, t, l) -> {}, counted);
            assertEquals(10, seen.size(), "two epochs of five batches");
            assertEquals(10, report.steps());
            assertEquals(320, report.images());
        }
    }

    @Test
    void aClassSmallerThanItsShareOfABatchIsOneClearLine() {
        // Classes of 40, 40, 40 and 5 images: a batch of all 125 takes up to 32 of each.
        int[] fewer = Arrays.copyOf(STRIPES.indicesOf(2), 5);
        int[] keep = java.util.stream.IntStream.concat(
                        Arrays.stream(STRIPES.indicesOf(3)),
                        java.util.stream.IntStream.concat(
                                Arrays.stream(fewer),
                                java.util.stream.IntStream.range(0, STRIPES.size())
                                        .filter(i -> STRIPES.label(i) < 2)))
                .toArray();
        ImageSet uneven = STRIPES.subset(keep, "uneven stripes");
        assertEquals(5, uneven.indicesOf(2).length);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> new RepresentativeBatches(4, 3, 0).requireFits(uneven, 256));
        assertEquals(
                "DREAM's batches of 125 images take up to 32 of each class, and class '" + uneven.className(2)
                        + "' has 5 in uneven stripes; leave --sampler dream out for this data",
                e.getMessage());
        new RepresentativeBatches(4, 3, 0).requireFits(STRIPES, 256);
    }
}
