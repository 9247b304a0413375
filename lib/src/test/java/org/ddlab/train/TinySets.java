package org.ddlab.train;

import java.util.List;
import java.util.Random;
import org.ddlab.data.DatasetSplits;
import org.ddlab.data.Datasets;
import org.ddlab.data.ImageSet;
import org.ddlab.data.Preprocessing;

/** Small synthetic image sets for fast tests: class c lights up row c of an 8×8 image, plus noise. */
public final class TinySets {

    private TinySets() {}

    public static ImageSet stripes(int perClass, int classes, long seed) {
        return stripes(perClass, classes, seed, 0.1);
    }

    /** Stripes under Gaussian noise of standard deviation {@code noise} (1: one image is a poor example of its class). */
    public static ImageSet stripes(int perClass, int classes, long seed, double noise) {
        Random r = new Random(seed);
        int n = perClass * classes;
        int h = 8;
        int w = 8;
        float[] px = new float[n * h * w];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % classes;
            labels[i] = c;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float v = (float) (noise * r.nextGaussian());
                    if (y == c) {
                        v += 1f;
                    }
                    px[i * h * w + y * w + x] = v;
                }
            }
        }
        List<String> names = new java.util.ArrayList<>();
        for (int c = 0; c < classes; c++) {
            names.add("row" + c);
        }
        return ImageSet.of("stripes", px, labels, 1, h, w, names);
    }

    /**
     * Stripes as a dataset in pixels: {@code perClass + validation} training images per class of which
     * {@code validation} are held out, and a test split of {@code perClass} per class.
     */
    public static DatasetSplits splits(int perClass, int validation, int classes, long seed) {
        return splits(perClass, validation, classes, seed, 0.1);
    }

    /** The same, under noise of standard deviation {@code noise}. */
    public static DatasetSplits splits(int perClass, int validation, int classes, long seed, double noise) {
        return DatasetSplits.of(Datasets.inMemory(
                        "stripes",
                        stripes(perClass + validation, classes, seed, noise),
                        stripes(perClass, classes, seed + 1, noise)))
                .validation(validation)
                .preprocess(Preprocessing.Kind.PIXELS)
                .load();
    }
}
