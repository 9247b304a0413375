package org.ddlab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.ddlab.data.ImageSet;
import org.ddlab.eval.Accuracy;
import org.ddlab.nn.Architectures;
import org.ddlab.nn.Network;
import org.junit.jupiter.api.Test;

class TrainerTest {

    private static final TrainingSchedule SHORT = new TrainingSchedule(30, 16, 0.05, 0.9, 5e-4, 0.5, false);
    /** A rate at which the tiny MLP's squared error overshoots and never recovers (at 0.5 it still does). */
    private static final double FAST_LR = 1;
    /** A bound that holds the tiny MLP's steps at {@link #FAST_LR} (its gradients are far below ConvNet's). */
    private static final double BOUND = 0.3;

    /** A network trained only on an order's batches of class 0 answers class 0 for everything; a shuffle's learns all. */
    @Test
    void theNetworkLearnsFromTheOrdersBatches() {
        ImageSet set = TinySets.stripes(8, 4, 1);
        ImageSet test = TinySets.stripes(20, 4, 2);
        int[] zeros = set.indicesOf(0);
        BatchOrder onlyZeros = (epoch, n, size) -> java.util.stream.Stream.generate(() -> zeros)
                .limit((n + size - 1) / size)
                .iterator();
        try (NDManager m = NDManager.newBaseManager()) {
            Network ordered =
                    Architectures.create("mlp:width=32", new Shape(1, 8, 8), 4).initialize(m, 0);
            TrainingReport report = Trainer.train(
                    ordered, LabeledSet.hard(set), SHORT, Augmentation.NONE, 0, TrainingListener.NONE, onlyZeros);
            assertEquals(30L * 2 * 8, report.images(), "two batches of the 8 class-0 images an epoch");
            assertEquals(0.25, Accuracy.of(ordered, test, 32), 1e-9, "class 0 for every image: a quarter right");
            Network shuffled =
                    Architectures.create("mlp:width=32", new Shape(1, 8, 8), 4).initialize(m, 0);
            Trainer.train(shuffled, LabeledSet.hard(set), SHORT, Augmentation.NONE, 0, TrainingListener.NONE);
            assertTrue(Accuracy.of(shuffled, test, 32) > 0.9, "the whole set's shuffle learns every class");
        }
    }

    @Test
    void trainingLearnsASeparableSet() {
        ImageSet set = TinySets.stripes(8, 4, 1);
        ImageSet test = TinySets.stripes(20, 4, 2);
        try (NDManager m = NDManager.newBaseManager()) {
            Network net =
                    Architectures.create("mlp:width=32", new Shape(1, 8, 8), 4).initialize(m, 0);
            double before = Accuracy.of(net, test, 32);
            List<Double> losses = new ArrayList<>();
            TrainingReport report = Trainer.train(
                    net, LabeledSet.hard(set), SHORT, Augmentation.NONE, 0, (epoch, epochs, loss) -> losses.add(loss));
            assertEquals(30, losses.size());
            assertTrue(losses.get(29) < losses.get(0) / 5, "loss fell from " + losses.get(0) + " to " + losses.get(29));
            assertEquals(30L * 2, report.steps(), "32 images in batches of 16 for 30 epochs");
            assertEquals(30L * 32, report.images());
            double after = Accuracy.of(net, test, 32);
            assertTrue(after > 0.95 && after > before, "accuracy " + before + " -> " + after);
        }
    }

    @Test
    void softLabelsTrainToo() {
        ImageSet set = TinySets.stripes(8, 4, 1);
        float[] soft = new float[set.size() * 4];
        for (int i = 0; i < set.size(); i++) {
            soft[i * 4 + set.label(i)] = 0.9f;
            for (int c = 0; c < 4; c++) {
                soft[i * 4 + c] += 0.025f;
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            Network net =
                    Architectures.create("mlp:width=32", new Shape(1, 8, 8), 4).initialize(m, 0);
            Trainer.train(net, new LabeledSet(set, soft), SHORT, Augmentation.NONE, 0, TrainingListener.NONE);
            assertTrue(Accuracy.of(net, TinySets.stripes(20, 4, 2), 32) > 0.95);
        }
    }

    @Test
    void sameSeedSameNetwork() {
        ImageSet set = TinySets.stripes(8, 4, 1);
        float[][] finals = new float[2][];
        for (int run = 0; run < 2; run++) {
            try (NDManager m = NDManager.newBaseManager()) {
                Network net = Architectures.create("convnet:width=8,depth=2", new Shape(1, 8, 8), 4)
                        .initialize(m, 3);
                Trainer.train(
                        net, LabeledSet.hard(set), SHORT.withEpochs(5), Augmentation.NONE, 7, TrainingListener.NONE);
                finals[run] = net.parameters().get(0).getArray().toFloatArray();
            }
        }
        assertArrayEquals(finals[0], finals[1]);
    }

    /** The seed orders the batches: from the same start, another seed gives another network. */
    @Test
    void theSeedShufflesTheBatches() {
        ImageSet set = TinySets.stripes(4, 4, 1);
        float[][] finals = new float[2][];
        for (int run = 0; run < 2; run++) {
            try (NDManager m = NDManager.newBaseManager()) {
                Network net = Architectures.create("mlp:width=8", new Shape(1, 8, 8), 4)
                        .initialize(m, 3);
                Trainer.train(
                        net,
                        LabeledSet.hard(set),
                        SHORT.withEpochs(2).withBatchSize(4),
                        Augmentation.NONE,
                        run,
                        TrainingListener.NONE);
                finals[run] = net.parameters().get(0).getArray().toFloatArray();
            }
        }
        assertFalse(
                java.util.Arrays.equals(finals[0], finals[1]), "seeds 0 and 1 train on differently composed batches");
    }

    /**
     * The loss an epoch reports is the mean over its images, whatever the batches: at a learning rate too small
     * to move the weights, eight images in batches of 3, 3 and 2 report the loss of all eight at once.
     */
    @Test
    void theEpochLossIsTheMeanOverImages() {
        ImageSet set = TinySets.stripes(2, 4, 1);
        TrainingSchedule still = new TrainingSchedule(1, 3, 1e-9, 0, 0, 1.0, false);
        try (NDManager m = NDManager.newBaseManager()) {
            Network net =
                    Architectures.create("mlp:width=8", new Shape(1, 8, 8), 4).initialize(m, 0);
            int[] all = java.util.stream.IntStream.range(0, set.size()).toArray();
            double expected = Loss.CROSS_ENTROPY
                    .compute(net.logits(set.images(m, all), true), set.labels(m, all))
                    .getFloat();
            List<Double> reported = new ArrayList<>();
            long start = System.nanoTime();
            TrainingReport report = Trainer.train(
                    net,
                    LabeledSet.hard(set),
                    still,
                    Augmentation.NONE,
                    0,
                    (epoch, epochs, loss) -> reported.add(loss));
            double wall = (System.nanoTime() - start) / 1e9;
            assertEquals(expected, reported.get(0), 1e-5 * expected);
            assertEquals(expected, report.finalLoss(), 1e-5 * expected);
            assertEquals(3, report.steps());
            assertTrue(report.seconds() > 0 && report.seconds() <= wall, report.seconds() + " s of " + wall);
        }
    }

    /** Batches go through the augmentation when the schedule says so, one call per step, and never otherwise. */
    @Test
    void augmentationFollowsTheSchedule() {
        ImageSet set = TinySets.stripes(4, 4, 1);
        int[] calls = {0};
        Augmentation counting = (x, r) -> {
            calls[0]++;
            return x;
        };
        try (NDManager m = NDManager.newBaseManager()) {
            Network net =
                    Architectures.create("mlp:width=8", new Shape(1, 8, 8), 4).initialize(m, 0);
            Trainer.train(
                    net,
                    LabeledSet.hard(set),
                    SHORT.withEpochs(3).withBatchSize(4).withAugment(true),
                    counting,
                    0,
                    TrainingListener.NONE);
            assertEquals(12, calls[0], "16 images in batches of 4 for 3 epochs");
            Trainer.train(
                    net,
                    LabeledSet.hard(set),
                    SHORT.withEpochs(3).withBatchSize(4).withAugment(false),
                    counting,
                    0,
                    TrainingListener.NONE);
            assertEquals(12, calls[0], "augmentation off: not called");
        }
    }

    /** The notebook kernel's interrupt button interrupts the cell's thread: training stops at the next batch. */
    @Test
    void anInterruptedTrainingStops() {
        try (NDManager m = NDManager.newBaseManager()) {
            Network net =
                    Architectures.create("mlp:width=8", new Shape(1, 8, 8), 4).initialize(m, 0);
            Thread.currentThread().interrupt();
            assertThrows(
                    java.util.concurrent.CancellationException.class,
                    () -> Trainer.train(
                            net,
                            LabeledSet.hard(TinySets.stripes(2, 4, 0)),
                            SHORT,
                            Augmentation.NONE,
                            0,
                            TrainingListener.NONE));
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void nanInTheSetStopsWithAClearMessage() {
        ImageSet good = TinySets.stripes(4, 2, 1);
        float[] px = new float[good.size() * good.imageSize()];
        good.pixels().get(px);
        px[3] = Float.NaN;
        ImageSet bad = ImageSet.of("bad", px, good.labels(), 1, 8, 8, good.classNames());
        try (NDManager m = NDManager.newBaseManager()) {
            Network net =
                    Architectures.create("mlp:width=8", new Shape(1, 8, 8), 2).initialize(m, 0);
            ArithmeticException e = assertThrows(
                    ArithmeticException.class,
                    () -> Trainer.train(net, LabeledSet.hard(bad), SHORT, Augmentation.NONE, 0, TrainingListener.NONE));
            assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        }
    }

    @Test
    void memoryStaysFlatOverManySteps() {
        ImageSet set = TinySets.stripes(4, 4, 1);
        try (NDManager m = NDManager.newBaseManager()) {
            Network net = Architectures.create("convnet:width=8,depth=2", new Shape(1, 8, 8), 4)
                    .initialize(m, 0);
            Trainer.train(net, LabeledSet.hard(set), SHORT.withEpochs(2), Augmentation.NONE, 0, TrainingListener.NONE);
            int afterWarmUp = m.getManagedArrays().size();
            // 200 epochs of one step each: any per-step leak into the network's manager shows up.
            Trainer.train(
                    net, LabeledSet.hard(set), SHORT.withEpochs(200), Augmentation.NONE, 0, TrainingListener.NONE);
            int optimizerState = (int)
                    net.parameters().stream().filter(p -> p.requiresGradient()).count();
            assertEquals(
                    afterWarmUp + optimizerState,
                    m.getManagedArrays().size(),
                    "only the new optimizer's velocity arrays may remain");
        }
    }

    @Test
    void wrongShapeIsRefused() {
        try (NDManager m = NDManager.newBaseManager()) {
            Network net = Architectures.create("mlp", new Shape(1, 28, 28), 4).initialize(m, 0);
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> Trainer.train(
                            net,
                            LabeledSet.hard(TinySets.stripes(2, 4, 0)),
                            SHORT,
                            Augmentation.NONE,
                            0,
                            TrainingListener.NONE));
            assertTrue(e.getMessage().contains("(1, 8, 8)"), e.getMessage());
            Network threeClasses =
                    Architectures.create("mlp", new Shape(1, 8, 8), 3).initialize(m, 0);
            e = assertThrows(
                    IllegalArgumentException.class,
                    () -> Trainer.train(
                            threeClasses,
                            LabeledSet.hard(TinySets.stripes(2, 4, 0)),
                            SHORT,
                            Augmentation.NONE,
                            0,
                            TrainingListener.NONE));
            assertTrue(e.getMessage().contains("3 classes but the set has 4"), e.getMessage());
        }
    }

    /** PyTorch's grad mode is per thread and on by default: training must not depend on which thread runs it. */
    @Test
    void trainsOnAFreshThreadToo() throws Exception {
        ImageSet set = TinySets.stripes(8, 4, 1);
        Throwable[] failure = {null};
        double[] accuracy = {0};
        Thread worker = new Thread(() -> {
            try (NDManager m = NDManager.newBaseManager()) {
                Network net = Architectures.create("mlp:width=32", new Shape(1, 8, 8), 4)
                        .initialize(m, 0);
                Trainer.train(net, LabeledSet.hard(set), SHORT, Augmentation.NONE, 0, TrainingListener.NONE);
                accuracy[0] = Accuracy.of(net, TinySets.stripes(20, 4, 2), 32);
            } catch (Throwable t) {
                failure[0] = t;
            }
        });
        worker.start();
        worker.join();
        if (failure[0] != null) {
            throw new AssertionError("training on a new thread failed", failure[0]);
        }
        assertTrue(accuracy[0] > 0.95, "accuracy " + accuracy[0]);
    }

    /** A CutMix schedule trains against the mixed targets: the loss of a step is CutMix's mixed loss on the same draw. */
    @Test
    void cutMixStepIsTheMixedLoss() {
        ImageSet set = TinySets.stripes(8, 4, 1);
        int[] idx = {0, 5, 9, 14, 20, 27};
        CutMix always = new CutMix(1.0, 1.0);
        try (NDManager m = NDManager.newBaseManager()) {
            Network net = Architectures.create("convnet:width=8,depth=2", new Shape(1, 8, 8), 4)
                    .initialize(m, 1);
            float stepLoss = Trainer.step(
                    net,
                    LabeledSet.hard(set),
                    idx,
                    Loss.CROSS_ENTROPY,
                    Augmentation.NONE,
                    always,
                    new java.util.Random(11));
            net.zeroGradients();
            CutMix.Mix mix = always.draw(new java.util.Random(11), idx.length, 8, 8);
            assertTrue(mix.applied() && mix.kept() < 1, "the draw mixes: " + mix);
            try (NDManager scope = m.newSubManager()) {
                var x = CutMix.images(set.images(scope, idx), mix);
                float expected = CutMix.loss(net.logits(x, true), set.labels(scope, idx), mix)
                        .getFloat();
                float plain = Loss.CROSS_ENTROPY
                        .compute(net.logits(set.images(scope, idx), true), set.labels(scope, idx))
                        .getFloat();
                assertEquals(expected, stepLoss, 1e-5, "mixed images against mixed targets");
                assertTrue(Math.abs(plain - stepLoss) > 1e-4, "and not the unmixed loss " + plain);
            }
        }
    }

    /** Several drops by a factor: IDC's ×0.2 at 2/3 and 5/6 of 1000 epochs, DC's ÷10 after epoch 501. */
    @Test
    void learningRateDropsWhereTheScheduleSays() {
        TrainingSchedule idc = TrainingSchedule.paper().withBatchSize(64).withDecay(List.of(2.0 / 3, 5.0 / 6), 0.2);
        assertEquals(List.of(667, 834), idc.decayEpochs());
        assertEquals(List.of(501), TrainingSchedule.paper().decayEpochs());
        assertEquals(
                List.of(),
                TrainingSchedule.paper().withDecay(List.of(1.0), 0.1).decayEpochs(),
                "a fraction ≥ 1 never comes");
        assertTrue(idc.toString().contains("×0.2 after epochs 667, 834"), idc.toString());
        assertTrue(
                TrainingSchedule.paper().toString().contains("(÷10 after epoch 501)"),
                TrainingSchedule.paper().toString());
        // Two drops of ×0.5 in 4 epochs: the last epoch trains at a quarter of the rate, which a run with none cannot
        // match.
        ImageSet set = TinySets.stripes(8, 4, 1);
        float[][] finals = new float[2][];
        TrainingSchedule base = SHORT.withEpochs(4);
        TrainingSchedule[] schedules = {base.withDecay(List.of(0.25, 0.5), 0.5), base.withDecay(List.of(0.25, 0.5), 1.0)
        };
        for (int run = 0; run < 2; run++) {
            try (NDManager m = NDManager.newBaseManager()) {
                Network net = Architectures.create("mlp:width=16", new Shape(1, 8, 8), 4)
                        .initialize(m, 3);
                Trainer.train(net, LabeledSet.hard(set), schedules[run], Augmentation.NONE, 7, TrainingListener.NONE);
                finals[run] = net.parameters().get(0).getArray().toFloatArray();
            }
        }
        assertTrue(!java.util.Arrays.equals(finals[0], finals[1]), "the drops change the training");
        assertThrows(IllegalArgumentException.class, () -> base.withDecay(List.of(0.5), 0));
        assertThrows(IllegalArgumentException.class, () -> base.withDecay(List.of(-0.5), 0.1));
    }

    /** FRePo-style regression targets: centred one-hot (1 - 1/K on the class, -1/K elsewhere), trained with MSE. */
    private static LabeledSet centredOneHot(ImageSet set) {
        int k = set.numClasses();
        float[] y = new float[set.size() * k];
        for (int i = 0; i < set.size(); i++) {
            for (int c = 0; c < k; c++) {
                y[i * k + c] = (c == set.label(i) ? 1f : 0f) - 1f / k;
            }
        }
        LabeledSet out = new LabeledSet(set, y);
        assertEquals(Loss.MSE, out.defaultLoss());
        return out;
    }

    /** The bound scales every gradient by one factor, so the global norm becomes the bound and the direction stays. */
    @Test
    void clippingScalesTheGradientToTheBound() {
        LabeledSet set = centredOneHot(TinySets.stripes(8, 4, 1));
        int[] idx = {0, 3, 9, 17, 26};
        try (NDManager m = NDManager.newBaseManager()) {
            Network net =
                    Architectures.create("mlp:width=16", new Shape(1, 8, 8), 4).initialize(m, 2);
            Trainer.step(
                    net, set, idx, Loss.MSE, Augmentation.NONE, TrainingSchedule.NO_CUTMIX, new java.util.Random(1));
            float[] before = net.parameters().get(0).getArray().getGradient().toFloatArray();
            double norm = Trainer.clipGradientNorm(net, Double.MAX_VALUE);
            assertArrayEquals(
                    before,
                    net.parameters().get(0).getArray().getGradient().toFloatArray(),
                    "a norm under the bound is left alone");
            assertEquals(
                    norm / 4,
                    Trainer.clipGradientNorm(net, norm / 4) / 4,
                    1e-6 * norm,
                    "it returns the norm before clipping");
            assertEquals(
                    norm / 4,
                    Trainer.clipGradientNorm(net, Double.MAX_VALUE),
                    1e-4 * norm,
                    "and the norm after is the bound");
            float[] after = net.parameters().get(0).getArray().getGradient().toFloatArray();
            for (int i = 0; i < before.length; i++) {
                assertEquals(before[i] / 4, after[i], 1e-6 + 1e-4 * Math.abs(before[i]), "element " + i);
            }
        }
    }

    /**
     * Squared error has no softmax to bound its gradient: at a rate cross-entropy trains with, the regression
     * targets overshoot without the bound and train with it.
     */
    @Test
    void theBoundKeepsOvershootingRegressionTargetsTraining() {
        LabeledSet set = centredOneHot(TinySets.stripes(8, 4, 1));
        ImageSet test = TinySets.stripes(20, 4, 2);
        TrainingSchedule fast = SHORT.withLearningRate(FAST_LR);
        double[] accuracy = new double[2];
        List<Double> unbounded = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            boolean bounded = run == 1;
            try (NDManager m = NDManager.newBaseManager()) {
                Network net = Architectures.create("mlp:width=32", new Shape(1, 8, 8), 4)
                        .initialize(m, 0);
                try {
                    Trainer.train(
                            net, set, fast.withTargetClip(bounded ? BOUND : 0), Augmentation.NONE, 0, (e, n, loss) -> {
                                if (!bounded) {
                                    unbounded.add(loss);
                                }
                            });
                    accuracy[run] = Accuracy.of(net, test, 32);
                } catch (ArithmeticException diverged) {
                    accuracy[run] = Double.NaN;
                }
            }
        }
        assertTrue(
                !(accuracy[0] > 0.5),
                "unbounded, the targets overshoot: accuracy " + accuracy[0] + ", losses " + unbounded);
        assertTrue(accuracy[1] > 0.95, "bounded by " + BOUND + ", they train: accuracy " + accuracy[1]);
    }

    /** Class labels (cross-entropy, hard or soft) are never clipped, even when their gradient is far above the bound. */
    @Test
    void classLabelsAreNotClipped() {
        ImageSet images = TinySets.stripes(8, 4, 1);
        TrainingSchedule fast = SHORT.withLearningRate(FAST_LR).withEpochs(3);
        try (NDManager m = NDManager.newBaseManager()) {
            Network probe =
                    Architectures.create("mlp:width=32", new Shape(1, 8, 8), 4).initialize(m, 0);
            Trainer.step(
                    probe,
                    LabeledSet.hard(images),
                    new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
                    Loss.CROSS_ENTROPY,
                    Augmentation.NONE,
                    TrainingSchedule.NO_CUTMIX,
                    new java.util.Random(0));
            double norm = Trainer.clipGradientNorm(probe, Double.MAX_VALUE);
            double tight = norm / 10;
            float[][] finals = new float[2][];
            for (int run = 0; run < 2; run++) {
                Network net = Architectures.create("mlp:width=32", new Shape(1, 8, 8), 4)
                        .initialize(m, 0);
                Trainer.train(
                        net,
                        LabeledSet.hard(images),
                        fast.withTargetClip(run == 0 ? 0 : tight),
                        Augmentation.NONE,
                        0,
                        TrainingListener.NONE);
                finals[run] = net.parameters().get(0).getArray().toFloatArray();
            }
            assertArrayEquals(
                    finals[0],
                    finals[1],
                    "a bound of " + tight + " under the first step's norm " + norm + " changes nothing");
        }
    }
}
