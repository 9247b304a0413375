package org.ddlab.frepo;

import java.util.List;
import java.util.Map;
import org.ddlab.augment.DsaAugment;
import org.ddlab.augment.DsaParams;
import org.ddlab.augment.Operation;
import org.ddlab.eval.EvaluationProtocol;
import org.ddlab.train.BatchOrder;
import org.ddlab.train.TrainingSchedule;
import org.ddlab.train.WarmupCosine;

/**
 * FRePo's evaluation ({@code script/eval.py} and {@code proto_evaluate} of its reference): a fresh network
 * trained with Adam at 3e-4 (no weight decay), 500 steps of linear warm-up then a cosine to 1 % of the rate,
 * for a number of steps set by the size of the set (its table: 1000 steps for 10 images, 2000 for 100, …),
 * on batches of min(n, 500) images with squared error on the set's labels (unbounded), each batch augmented
 * by one operation drawn from colour, crop, rotation, translation and cutout (and flip, except on MNIST and
 * Fashion-MNIST); the accuracy after the last step. Its network is {@code frepo-conv}: score with
 * {@code evaluate --protocol paper --arch frepo-conv} to reproduce FRePo's own figures.
 *
 * <p>The augmentation is ddlab's DSA with the reference's operations as near as DSA has them (DSA's crop is
 * its translation, DSA's scale its zooming crop, cutout a quarter of the side), one per batch; {@code
 * --no-augment} turns it off. Squared error is unbounded, as the reference's ({@code --target-clip} does not
 * apply). The common protocol's epochs E scale the steps and the warm-up by min(1, E / 300): the quick profile's
 * 60 epochs give a fifth of them, so that quick runs stay quick; the default and full profiles train the
 * reference's steps. The set is reshuffled every epoch; the reference's batches of a set over 500 images are the
 * same every pass (it repeats the set unshuffled), which ddlab does not copy.
 */
final class FrepoProtocol {

    /** {@code step_per_prototpyes} of the reference's {@code eval.py}: steps by number of images in the set. */
    static final Map<Integer, Integer> STEPS =
            Map.of(10, 1000, 100, 2000, 200, 20000, 400, 5000, 500, 5000, 1000, 10000, 2000, 40000, 5000, 40000);

    static final double RATE = 3e-4;
    static final int MAX_BATCH = 500;
    /** The default profile's epochs, which the reference's step counts stand for. */
    private static final int DEFAULT_EPOCHS = 300;

    private FrepoProtocol() {}

    /** FRePo's protocol for a set of {@code images} images of {@code dataset}, from ddlab's {@code common}. */
    static EvaluationProtocol of(EvaluationProtocol common, String dataset, int images) {
        Integer reference = STEPS.get(images);
        if (reference == null) {
            throw new IllegalArgumentException("FRePo's evaluation states its number of steps for sets of "
                    + new java.util.TreeSet<>(STEPS.keySet()) + " images; this set has " + images
                    + ": leave --protocol out");
        }
        double share = Math.min(1.0, common.schedule().epochs() / (double) DEFAULT_EPOCHS);
        int steps = Math.max(1, (int) Math.round(reference * share));
        int warmup = (int) Math.round(WarmupCosine.FREPO.warmupSteps() * share);
        int batch = Math.min(images, MAX_BATCH);
        TrainingSchedule schedule = common.schedule()
                .withEpochs(Math.max(1, steps / BatchOrder.batchesPerEpoch(images, batch)))
                .withBatchSize(batch)
                .withLearningRate(RATE)
                .withTargetClip(0)
                .withAdam(new WarmupCosine(warmup, WarmupCosine.FREPO.floor()));
        boolean grey = dataset.equals("mnist") || dataset.equals("fashion-mnist");
        List<Operation> ops = grey
                ? List.of(Operation.COLOR, Operation.CROP, Operation.CUTOUT, Operation.SCALE, Operation.ROTATE)
                : Operation.all();
        DsaAugment augment = new DsaAugment(DsaParams.reference().toBuilder()
                .strategy(ops)
                .cutoutRatio(0.25)
                .build());
        return common.withSchedule(schedule)
                .withAugmentation(augment::apply)
                .named("FRePo's protocol (its network: --arch frepo-conv)");
    }
}
