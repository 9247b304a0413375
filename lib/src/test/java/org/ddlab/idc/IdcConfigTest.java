package org.ddlab.idc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ddlab.augment.Operation;
import org.ddlab.train.CutMix;
import org.junit.jupiter.api.Test;

class IdcConfigTest {

    @Test
    void cifarDefaultsAreTheReferences() {
        IdcConfig c = IdcConfig.defaults("cifar10", 10, IdcConfig.REFERENCE_ITERATIONS);
        assertEquals(5e-3, c.imageLr(), 1e-12);
        assertEquals(IdcDistance.Metric.MSE, c.metric());
        assertEquals(2000, c.netData());
        assertEquals(2000, c.iterations());
        assertEquals(100, c.innerLoop());
        assertEquals(2, c.factor());
        assertEquals(64, c.realBatch());
        assertEquals(128, c.synBatchMax());
        assertEquals(0.5, c.imageMomentum());
        assertEquals(0.01, c.netLr());
        assertEquals(0.9, c.netMomentum());
        assertEquals(5e-4, c.netWeightDecay());
        assertEquals(0.5, c.mixProbability());
        assertEquals(1.0, c.mixBeta());
        assertEquals("color_crop_cutout", c.augment());
        assertEquals("convnet", c.architecture());
        assertFalse(c.matchBias() || c.matchFc());
        assertEquals(40, c.decodedPerClass());
        // tune_lr_img: × ipc/10.
        assertEquals(5e-4, IdcConfig.defaults("cifar10", 1, 10).imageLr(), 1e-12);
        assertEquals(2.5e-2, IdcConfig.defaults("cifar100", 50, 10).imageLr(), 1e-12);
        assertEquals(2000, IdcConfig.defaults("cifar100", 50, 10).netData());
    }

    @Test
    void otherDatasetsGetTheirOwnMetricRateAndUpdateSize() {
        IdcConfig svhn = IdcConfig.defaults("svhn", 10, 5);
        assertEquals(5e-3, svhn.imageLr(), 1e-12);
        assertEquals(IdcDistance.Metric.MSE, svhn.metric());
        assertEquals(500, svhn.netData());

        IdcConfig mnist = IdcConfig.defaults("mnist", 10, 5);
        assertEquals(1e-4, mnist.imageLr(), 1e-15);
        assertEquals(IdcDistance.Metric.L1, mnist.metric());
        assertEquals(500, mnist.netData());
        // MNIST with multi-formation: no cutout, no CutMix.
        assertEquals("color_crop", mnist.augment());
        assertEquals(0.0, mnist.mixProbability());
        assertEquals(
                List.of(Operation.COLOR, Operation.CROP), mnist.networkAugment().strategy());
        IdcConfig mnistF1 = IdcConfig.defaults("mnist", 10, 5, 1);
        assertEquals("color_crop_cutout", mnistF1.augment());
        assertEquals(0.5, mnistF1.mixProbability());

        // Fashion-MNIST: the reference's (28/32)² on the base rate, kept on purpose.
        IdcConfig fashion = IdcConfig.defaults("fashion-mnist", 10, 5);
        assertEquals(1e-4 * 0.765625, fashion.imageLr(), 1e-15);
        assertEquals(IdcDistance.Metric.L1, fashion.metric());
        assertEquals("color_crop_cutout", fashion.augment());
        assertEquals(0.5, fashion.mixProbability());
        assertEquals(
                1e-4 * 0.765625 * 5, IdcConfig.defaults("fashion-mnist", 50, 5).imageLr(), 1e-15);
    }

    @Test
    void derivedPartsFollowTheSettings() {
        IdcConfig c = IdcConfig.defaults("cifar10", 10, 5);
        assertEquals(
                List.of(Operation.COLOR, Operation.CROP, Operation.CUTOUT),
                c.matchingAugment().strategy());
        assertEquals(
                List.of(Operation.COLOR, Operation.CROP), c.networkAugment().strategy(), "cutout off under CutMix");
        assertEquals(new IdcDistance(IdcDistance.Metric.MSE, false, false), c.distance());
        assertEquals(CutMix.reference(), c.cutMix());
        IdcConfig noMix = c.with("mix_probability", 0);
        assertEquals(
                List.of(Operation.COLOR, Operation.CROP, Operation.CUTOUT),
                noMix.networkAugment().strategy());
    }

    @Test
    void theMapRoundTripsAsJsonGivesItBack() {
        IdcConfig c = IdcConfig.defaults("svhn", 1, 300)
                .withSeed(7)
                .with("metric", "cos")
                .with("match_bias", true);
        assertEquals(c, IdcConfig.fromMap(c.toMap()));
        Map<String, Object> json = new HashMap<>(c.toMap());
        json.replaceAll((k, v) -> v instanceof Integer || v instanceof Long ? ((Number) v).doubleValue() : v);
        assertEquals(c, IdcConfig.fromMap(json));
        assertEquals("idc", c.toMap().get("method"));
        assertEquals("cos", c.toMap().get("metric"));
        assertEquals(300L, c.withIterations(300).toMap().get("steps"));
    }

    @Test
    void validationNamesTheOption() {
        IdcConfig c = IdcConfig.defaults("cifar10", 10, 5);
        assertEquals("IDC option ipc must be ≥ 1, got 0.", message(() -> c.with("ipc", 0)));
        assertEquals("IDC option factor must be ≥ 1, got 0.", message(() -> c.with("factor", 0)));
        assertEquals(
                "IDC option image_lr must be a positive number, got -1.0.", message(() -> c.with("image_lr", -1.0)));
        assertEquals(
                "IDC option mix_probability must be in [0.0, 1.0], got 2.0.",
                message(() -> c.with("mix_probability", 2.0)));
        assertEquals("IDC option mix_beta must be a positive number, got 0.0.", message(() -> c.with("mix_beta", 0.0)));
        assertEquals(
                "IDC option net_momentum must be in [0.0, 1.0], got 1.5.", message(() -> c.with("net_momentum", 1.5)));
        assertEquals("IDC metric 'l2' is unknown; use mse, l1 or cos.", message(() -> c.with("metric", "l2")));
        assertEquals(
                "IDC option augment: DSA strategy 'color_blur' has unknown operation 'blur'; use '_'-separated names "
                        + "from [color, crop, cutout, flip, scale, rotate], e.g. color_crop_cutout_flip_scale_rotate.",
                message(() -> c.with("augment", "color_blur")));
        assertEquals("IDC option ipc must be a whole number, got 2.5.", message(() -> c.with("ipc", 2.5)));
        assertEquals("IDC option match_fc must be true or false, got 'yes'.", message(() -> c.with("match_fc", "yes")));
        assertEquals(
                "IDC option real_batch must be a number, got 'many'.", message(() -> c.with("real_batch", "many")));
        Map<String, Object> m = c.toMap();
        m.remove("net_data");
        assertEquals("the IDC configuration lacks 'net_data'.", message(() -> IdcConfig.fromMap(m)));
        assertEquals(
                "not an IDC configuration: method is 'dc'.", message(() -> IdcConfig.fromMap(Map.of("method", "dc"))));
        String unknown = message(() -> c.with("lr_img", 1e-3));
        assertEquals(
                "IDC has no option 'lr_img'; options: ipc, steps, inner_loop, factor, architecture, real_batch, "
                        + "syn_batch_max, image_lr, image_momentum, metric, match_bias, match_fc, augment, net_data, net_lr, "
                        + "net_momentum, net_weight_decay, mix_probability, mix_beta, seed.",
                unknown);
        assertEquals(
                "IDC's reference has settings for cifar10, cifar100, svhn, mnist and fashion-mnist, not 'folder:/x'; "
                        + "start from the closest, e.g. IdcConfig.defaults(\"cifar10\", 10, 5), and set image_lr and metric "
                        + "with with(option, value).",
                message(() -> IdcConfig.defaults("folder:/x", 10, 5)));
    }

    private static String message(org.junit.jupiter.api.function.Executable e) {
        return assertThrows(IllegalArgumentException.class, e).getMessage();
    }
}
