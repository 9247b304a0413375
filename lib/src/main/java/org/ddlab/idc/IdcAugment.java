package org.ddlab.idc;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.ddlab.augment.DsaAugment;
import org.ddlab.augment.DsaParams;
import org.ddlab.augment.Operation;
import org.ddlab.train.Augmentation;

/**
 * IDC's differentiable augmentation ({@code DiffAug} in the reference's {@code misc/augment.py}) as
 * {@link DsaParams} presets: no new augmentation code, because {@code augment.DsaAugment} computes the
 * same operations with the same constants; only the way operations are chosen differs, and the presets
 * express it.
 *
 * <p>How {@code DiffAug} reads a strategy: flip, color and cutout are applied every time, in the fixed
 * order flip → color → (one geometric operation) → cutout, whatever the order in the string; of the
 * remaining (geometric) operations one is chosen per call. DC/DSA's reference instead picks one
 * operation of the whole strategy per draw ({@link DsaParams.Mode#SINGLE}). For a strategy with at most
 * one geometric operation — all that IDC's condensation uses: {@code color_crop_cutout} for matching,
 * {@code color_crop} for network updates and for MNIST — IDC's choice is "all of them, in that order",
 * which is {@link DsaParams.Mode#ALL} with the operations listed in that order.
 *
 * <p>The strengths are {@link DsaParams}'s defaults, which restate the same reference constants
 * ({@code ParamDiffAug} of DC and {@code DiffAug.__init__} of IDC agree): brightness + (U − 0.5)·1.0,
 * saturation × 2U (3-channel images; a 1-channel image is its own grey in both), contrast × (U + 0.5)
 * around each image's mean, a translation of up to int(0.125·side + 0.5) pixels with zero fill, a
 * zeroed square of side int(0.5·side + 0.5), flip with probability 0.5.
 *
 * <p>Siamese use: IDC augments the concatenated real + synthetic batch with one draw
 * ({@code batch=True}); {@code DsaAugment.sampleShared} gives that draw, and applying it to the real and
 * the synthetic batch separately is the same, since every operation acts per image. Network updates
 * draw per image ({@code batch=False}): {@code DsaAugment.sample(rng, n)}. IDC normalises the images
 * before augmenting, so zero fill is the dataset mean: apply these to normalised images too.
 *
 * <p>Scale and rotate resample as IDC's {@code F.affine_grid} and {@code F.grid_sample} calls do, with
 * PyTorch's default align_corners=False (DSA's reference passes True; on square images the two give the same
 * pixels, on others a rotation differs). Condensation never uses them; IDC's evaluation does.
 */
public final class IdcAugment {

    /** IDC's matching strategy ({@code --aug_type} default). */
    public static final String MATCHING = "color_crop_cutout";

    private static final List<Operation> GEOMETRIC = List.of(Operation.CROP, Operation.SCALE, Operation.ROTATE);

    private IdcAugment() {}

    /** IDC's matching augmentation for CIFAR, SVHN and Fashion-MNIST: color, crop and cutout, all applied. */
    public static DsaParams matching() {
        return params(MATCHING);
    }

    /**
     * {@code DiffAug(strategy)} as DSA parameters, for strategies with at most one of crop, scale and
     * rotate; e.g. {@code "color_crop"}.
     *
     * @throws IllegalArgumentException for an unknown operation or several geometric ones (IDC would
     *                                  pick one per call, which {@link DsaParams} cannot express)
     */
    public static DsaParams params(String strategy) {
        List<Operation> given = Operation.parse(strategy);
        List<Operation> geometric =
                given.stream().filter(GEOMETRIC::contains).distinct().toList();
        if (geometric.size() > 1) {
            throw new IllegalArgumentException("IDC augmentation '" + strategy + "' has " + geometric.size()
                    + " geometric operations (" + Operation.format(geometric) + "); IDC picks one of them per batch, "
                    + "which DSA's modes cannot express — use at most one of crop, scale, rotate.");
        }
        List<Operation> ordered = new ArrayList<>();
        for (Operation op : List.of(Operation.FLIP, Operation.COLOR)) {
            if (given.contains(op)) {
                ordered.add(op);
            }
        }
        ordered.addAll(geometric);
        if (given.contains(Operation.CUTOUT)) {
            ordered.add(Operation.CUTOUT);
        }
        return DsaParams.builder()
                .strategy(ordered)
                .mode(DsaParams.Mode.ALL)
                .alignCorners(false)
                .build();
    }

    /**
     * {@code strategy} without cutout — IDC's network updates and evaluation drop it when CutMix is on
     * (the reference's {@code remove_aug(aug_type, 'cutout')}).
     */
    public static String withoutCutout(String strategy) {
        List<Operation> ops = Operation.parse(strategy).stream()
                .filter(op -> op != Operation.CUTOUT)
                .collect(Collectors.toList());
        return Operation.format(ops);
    }

    /**
     * IDC's evaluation augmentation on {@code dataset}: {@code DiffAug('color_crop_flip_scale_rotate',
     * batch=False)} — the reference's strategy without cutout, which it drops when CutMix is on, and
     * without flip for MNIST and SVHN (digits are not mirror images; Fashion-MNIST keeps it). Flip and
     * colour every batch, one of crop, scale and rotate chosen per batch, parameters drawn per image.
     */
    public static Augmentation evaluation(String dataset) {
        List<DsaAugment> choices =
                evaluationChoices(dataset).stream().map(DsaAugment::new).toList();
        return (x, rng) -> choices.get(rng.nextInt(choices.size())).apply(x, rng);
    }

    /** The augmentations {@link #evaluation} chooses from, one per geometric operation. */
    static List<DsaParams> evaluationChoices(String dataset) {
        boolean flip = !(dataset.equals("mnist") || dataset.equals("svhn"));
        return GEOMETRIC.stream()
                .map(op -> params(Operation.format(
                        flip ? List.of(Operation.FLIP, Operation.COLOR, op) : List.of(Operation.COLOR, op))))
                .toList();
    }
}
