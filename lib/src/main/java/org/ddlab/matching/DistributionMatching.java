package org.ddlab.matching;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.Map;
import org.ddlab.augment.Draw;
import org.ddlab.engine.GradMode;
import org.ddlab.engine.Seeds;
import org.ddlab.nn.Network;
import org.ddlab.sampling.RealSampler;

/**
 * Distribution matching (DM; Zhao &amp; Bilen, WACV 2023): per class, pull the mean embedding of the
 * synthetic images towards the mean embedding of a real batch, under a network with random weights
 * drawn afresh every iteration, with the same DSA augmentation on both sides. First-order only — no
 * network training, no second-order gradients — which makes it the cheap method on a CPU.
 */
public final class DistributionMatching extends MatchingDistiller {

    public DistributionMatching(MatchingConfig config, RealSampler sampler, String dataset, NDManager parent) {
        this(config.toMap(), sampler, dataset, parent);
    }

    /** From a complete option map ({@code Methods.configure}) of DM. */
    public DistributionMatching(Map<String, Object> config, RealSampler sampler, String dataset, NDManager parent) {
        super(config, sampler, dataset, parent);
        if (matching.method() != MatchingConfig.Method.DM) {
            throw new IllegalArgumentException("DistributionMatching runs method DM, got " + matching.method());
        }
    }

    @Override
    boolean augments() {
        return true; // DM always uses DSA
    }

    @Override
    double match(long t, Map<String, Double> figures) {
        NDArray images = synthetic.images();
        double total = 0;
        int classes = synthetic.numClasses();
        for (int c = 0; c < classes; c++) {
            try (NDScope scope = new NDScope()) {
                int[] idx = sampler.sample(c, matching.realBatch(), t, net);
                Draw draw = dsa.sampleShared(Seeds.mix(matching.seed(), t, c, 0xD5A));
                NDArray real;
                try (GradMode.Scope off = GradMode.off()) {
                    real = dsa.apply(sampler.real().images(manager, idx), draw);
                }
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray loss = classLoss(net, real, dsa.apply(classImages(images, c), draw));
                    gc.backward(loss);
                    total += loss.getFloat();
                }
            }
        }
        optimizer.step();
        Gradients.zero(List.of(images));
        figures.put("loss_per_class", total / classes);
        return total;
    }

    /**
     * DM's loss for one class: the squared distance between the mean embeddings of {@code real} and of
     * {@code syn}. The real side records no graph; the synthetic side's gradient reaches its pixels only (the
     * network's weights are random and never trained, so their gradients would be wasted work). Public so that a
     * hand-written DM loss (notebook 04) can be checked against the one the distiller runs.
     */
    public static NDArray classLoss(Network net, NDArray real, NDArray syn) {
        NDArray realMean;
        try (GradMode.Scope off = GradMode.off()) {
            realMean = net.features(real, true).mean(new int[] {0});
        }
        return net.features(net.frozenParameters(), syn, true)
                .mean(new int[] {0})
                .sub(realMean)
                .square()
                .sum();
    }
}
