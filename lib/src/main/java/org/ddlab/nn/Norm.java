package org.ddlab.nn;

import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.norm.BatchNorm;
import java.util.Locale;

/** The normalisation layer after each convolution, as the dataset-distillation literature names them. */
public enum Norm {
    /** InstanceNorm2d(affine=True) — the default of the DC/DSA/DM ConvNet (FRePo's network has none by default). */
    INSTANCE,
    /** BatchNorm2d with running statistics (training uses batch statistics). */
    BATCH,
    /** Per-sample normalisation over (C, H, W) with a per-channel affine, as GroupNorm(1, C). */
    LAYER,
    /** No normalisation. */
    NONE;

    /** A fresh normalisation block for {@code channels} channels (identity for {@link #NONE}). */
    public Block create(int channels) {
        return switch (this) {
            case INSTANCE -> GroupNorm.instance(channels);
            case BATCH -> BatchNorm.builder().build();
            case LAYER -> GroupNorm.layer(channels);
            case NONE -> Blocks.identityBlock();
        };
    }

    /** Lower-case name, as written in specs. */
    public String specName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Norm parse(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
