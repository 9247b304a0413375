package org.ddlab.matching;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import org.ddlab.augment.DsaAugment;
import org.ddlab.data.ImageSet;
import org.ddlab.distill.AbstractDistiller;
import org.ddlab.distill.Checkpoint;
import org.ddlab.engine.Seeds;
import org.ddlab.nn.Architectures;
import org.ddlab.nn.Network;
import org.ddlab.sampling.RealSampler;
import org.ddlab.train.Sgd;

/**
 * What the matching methods share: synthetic images (hard labels, class by class) initialised from
 * real ones, SGD with momentum on the pixels, a network re-initialised from (seed, iteration) at every
 * iteration, real images per class from a {@link RealSampler}, and the checkpoint contract. Subclasses
 * say how one iteration compares real and synthetic images.
 */
abstract class MatchingDistiller extends AbstractDistiller {

    protected final MatchingConfig matching;
    protected final Network net;
    protected final Sgd optimizer;
    protected final DsaAugment dsa = DsaAugment.reference();

    /** From a complete option map ({@code Methods.configure}), which the checkpoints and metadata keep whole. */
    MatchingDistiller(Map<String, Object> config, RealSampler sampler, String dataset, NDManager parent) {
        super(config, sampler, dataset, parent);
        ImageSet real = sampler.real();
        this.matching = MatchingConfig.fromMap(config);
        synthetic.setLearnable(true, false);
        this.net = Architectures.create(matching.architecture(), real.shape().slice(1), real.numClasses())
                .initialize(manager, 0);
        this.optimizer = Sgd.ofArrays(List.of(synthetic.images()), matching.imageLr(), matching.imageMomentum(), 0);
    }

    /** One iteration's work on a freshly initialised {@link #net}; returns its loss and fills {@code figures}. */
    abstract double match(long t, Map<String, Double> figures);

    /** Whether real and synthetic batches are augmented with shared DSA parameters. */
    boolean augments() {
        return matching.method() != MatchingConfig.Method.DC;
    }

    /** The synthetic images of class c: rows c·ipc … (c+1)·ipc − 1. */
    NDArray classImages(NDArray images, int c) {
        return images.get((long) c * matching.ipc() + ":" + (long) (c + 1) * matching.ipc());
    }

    @Override
    protected final double iterate(long t, Map<String, Double> figures) {
        net.reinitialize(Seeds.mix(matching.seed(), t, 0x7E7));
        return match(t, figures);
    }

    /** The typed configuration. */
    public MatchingConfig matchingConfig() {
        return matching;
    }

    @Override
    protected void saveState(Checkpoint.Writer checkpoint) {
        optimizer.state("sgd.images.").forEach(checkpoint::array);
    }

    @Override
    protected void restoreState(Checkpoint checkpoint, Map<String, float[]> arrays) {
        optimizer.load("sgd.images.", arrays);
    }
}
