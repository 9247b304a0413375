package org.ddlab.augment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One group of Differentiable Siamese Augmentation, named as in the reference strategy string
 * {@code color_crop_cutout_flip_scale_rotate} (Zhao &amp; Bilen 2021, DatasetCondensation utils.py).
 * The declaration order is the order in which {@link DsaParams.Mode#ALL} applies them, as the
 * reference does when it walks the strategy string.
 */
public enum Operation {
    /** Brightness shift, then saturation (3-channel only) and contrast scaling. */
    COLOR,
    /** Integer translation with zero fill (the reference calls it crop: pad, then crop). */
    CROP,
    /** A square of zeros at a random position. */
    CUTOUT,
    /** Left-right mirror. */
    FLIP,
    /** Independent horizontal and vertical zoom, bilinear. */
    SCALE,
    /** Rotation about the centre, bilinear. */
    ROTATE;

    /** Every operation, in the reference order. */
    public static List<Operation> all() {
        return List.of(values());
    }

    /**
     * Parses a reference strategy string such as {@code "color_crop_cutout_flip_scale_rotate"};
     * "" or "none" gives an empty list (no augmentation).
     */
    public static List<Operation> parse(String strategy) {
        if (strategy == null || strategy.isBlank() || strategy.trim().equalsIgnoreCase("none")) {
            return List.of();
        }
        List<Operation> ops = new ArrayList<>();
        for (String part : strategy.trim().split("_")) {
            try {
                ops.add(valueOf(part.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "DSA strategy '" + strategy + "' has unknown operation '" + part
                                + "'; use '_'-separated names from "
                                + Arrays.toString(values()).toLowerCase(Locale.ROOT)
                                + ", e.g. color_crop_cutout_flip_scale_rotate.",
                        e);
            }
        }
        return List.copyOf(ops);
    }

    /** The strategy string for a list of operations, e.g. {@code color_crop}. */
    public static String format(List<Operation> ops) {
        if (ops.isEmpty()) {
            return "none";
        }
        return String.join(
                "_", ops.stream().map(o -> o.name().toLowerCase(Locale.ROOT)).toList());
    }
}
