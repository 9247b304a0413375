package org.ddlab.data;

import java.util.Arrays;
import java.util.Random;
import org.ddlab.engine.Shuffle;

/**
 * A class-stratified validation split carved out of the training set, so that hyper-parameters
 * (learning rates, distillation steps, ...) are chosen without ever looking at the test set. Every
 * class gives the same share to validation; the same seed gives the same split on any machine
 * ({@link Random} is specified bit-for-bit). Both parts keep the original order of the images.
 *
 * @param train      the remaining training images
 * @param validation the held-out images
 */
public record ValidationSplit(ImageSet train, ImageSet validation) {

    /** Holds out {@code perClass} images of every class. */
    public static ValidationSplit split(ImageSet train, int perClass, long seed) {
        if (perClass <= 0) {
            throw new IllegalArgumentException("validation images per class must be positive, got " + perClass);
        }
        int[] counts = train.classCounts();
        int[] take = new int[counts.length];
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] > 0 && perClass >= counts[c]) {
                throw new IllegalArgumentException("class " + c + " (" + train.className(c) + ") has only " + counts[c]
                        + " images, cannot hold out " + perClass + " and keep some for training; use fewer per class");
            }
            take[c] = Math.min(perClass, counts[c]);
        }
        return carve(train, take, seed);
    }

    /** Holds out {@code fraction} (0 &lt; fraction &lt; 1) of every class, rounded, at least one image. */
    public static ValidationSplit split(ImageSet train, double fraction, long seed) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException(
                    "validation fraction must be between 0 and 1 (exclusive), got " + fraction);
        }
        int[] counts = train.classCounts();
        int[] take = new int[counts.length];
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] == 0) {
                continue;
            }
            if (counts[c] < 2) {
                throw new IllegalArgumentException("class " + c + " (" + train.className(c) + ") has only " + counts[c]
                        + " image; a stratified split needs at least 2 per class");
            }
            take[c] = (int) Math.max(1, Math.min(counts[c] - 1, Math.round(counts[c] * fraction)));
        }
        return carve(train, take, seed);
    }

    /**
     * As {@link #split(ImageSet, int, long)} — the same images held out for the same seed — but the
     * two parts are views of {@code owned}'s own array, reordered in place (training rows first, then
     * validation rows, each in their original order): only the validation rows are copied once. For a
     * set nothing else holds, such as a split {@link DatasetSplits} has just read; {@code owned} itself
     * must not be used afterwards.
     */
    static ValidationSplit carveInPlace(ImageSet owned, int perClass, long seed) {
        int[] counts = owned.classCounts();
        int[] take = new int[counts.length];
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] > 0 && perClass >= counts[c]) {
                throw new IllegalArgumentException("class " + c + " (" + owned.className(c) + ") has only " + counts[c]
                        + " images, cannot hold out " + perClass + " and keep some for training; use fewer per class");
            }
            take[c] = Math.min(perClass, counts[c]);
        }
        boolean[] held = held(owned, take, seed);
        int n = owned.imageSize();
        int total = 0;
        for (boolean h : held) {
            total += h ? 1 : 0;
        }
        Object a = owned.storage(); // float[] or byte[]: System.arraycopy moves rows of either
        int base = owned.arrayOffset();
        Object validationRows =
                java.lang.reflect.Array.newInstance(a.getClass().getComponentType(), Math.multiplyExact(total, n));
        int[] trainLabels = new int[held.length - total];
        int[] validationLabels = new int[total];
        int kept = 0;
        int moved = 0;
        for (int i = 0; i < held.length; i++) {
            if (held[i]) {
                System.arraycopy(a, base + i * n, validationRows, moved * n, n);
                validationLabels[moved++] = owned.label(i);
            } else {
                if (kept != i) { // rows only ever move towards the front, so nothing unread is overwritten
                    System.arraycopy(a, base + i * n, a, base + kept * n, n);
                }
                trainLabels[kept++] = owned.label(i);
            }
        }
        System.arraycopy(validationRows, 0, a, base + kept * n, java.lang.reflect.Array.getLength(validationRows));
        return new ValidationSplit(
                ImageSet.rows(owned, 0, trainLabels, owned.name() + " (minus validation)", owned.space()),
                ImageSet.rows(owned, kept, validationLabels, owned.name() + " validation", owned.space()));
    }

    /** Which images a split holds out: per class, the first take[c] of a seeded {@link Shuffle#draw}. */
    private static boolean[] held(ImageSet set, int[] take, long seed) {
        Random random = new Random(seed);
        boolean[] held = new boolean[set.size()];
        for (int c = 0; c < take.length; c++) {
            for (int i : Shuffle.draw(set.indicesOf(c), take[c], random)) {
                held[i] = true;
            }
        }
        return held;
    }

    private static ValidationSplit carve(ImageSet set, int[] take, long seed) {
        int total = Arrays.stream(take).sum();
        boolean[] held = held(set, take, seed);
        int[] val = new int[total];
        int[] rest = new int[set.size() - total];
        int v = 0;
        int r = 0;
        for (int i = 0; i < held.length; i++) {
            if (held[i]) {
                val[v++] = i;
            } else {
                rest[r++] = i;
            }
        }
        return new ValidationSplit(
                set.subset(rest, set.name() + " (minus validation)"), set.subset(val, set.name() + " validation"));
    }
}
