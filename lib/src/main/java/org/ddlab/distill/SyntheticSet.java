package org.ddlab.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.ddlab.data.DatasetSplits;
import org.ddlab.data.ImageSet;
import org.ddlab.data.Preprocessing;
import org.ddlab.engine.Shuffle;
import org.ddlab.train.LabeledSet;

/**
 * A distilled training set: images float32 [N,C,H,W], a hard label per image, optionally a soft
 * (learned) label matrix float32 [N,K], and the class names. The factories lay images out class by
 * class, {@code ipc} each, which is what every method here produces and what a grid plot expects.
 *
 * <p>The images (and soft labels) are NDArrays so a distillation method can optimise them in
 * place: {@link #setLearnable} turns on their gradients. This class knows nothing of training; it
 * is the thing methods produce, evaluations consume and {@link SyntheticSetFile} stores.
 *
 * <p><b>Space.</b> A set knows the preprocessing it trains with ({@link #preprocessing()}: normalised
 * with which statistics, ZCA with which matrix) and whether its images are already in that space
 * ({@link #space()}): a distiller's working set is, an exported or saved one is in pixels. Whatever
 * trains on a set goes through {@link #trainingSet}, which converts pixels or refuses a mismatch.
 *
 * <p>It owns its arrays: {@link #close()} frees them.
 */
public final class SyntheticSet implements AutoCloseable {

    private final NDArray images;
    private final int[] labels;
    private final List<String> classNames;
    private final int ipc;
    private final Preprocessing preprocessing;
    private final boolean preprocessed;
    private NDArray softLabels;

    private SyntheticSet(
            NDArray images,
            int[] labels,
            NDArray softLabels,
            List<String> classNames,
            Preprocessing preprocessing,
            boolean preprocessed) {
        Shape s = images.getShape();
        if (s.dimension() != 4) {
            throw new IllegalArgumentException("synthetic images must be [N,C,H,W], got " + s);
        }
        if (images.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("synthetic images must be float32, got " + images.getDataType());
        }
        if (s.get(0) != labels.length) {
            throw new IllegalArgumentException(s.get(0) + " synthetic images but " + labels.length + " labels");
        }
        if (classNames.isEmpty()) {
            throw new IllegalArgumentException("a synthetic set needs at least one class name");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new IllegalArgumentException("label " + labels[i] + " of image " + i
                        + " is not a class index in [0, " + classNames.size() + ") for classes " + classNames);
            }
        }
        this.images = images;
        this.labels = labels.clone();
        this.classNames = List.copyOf(classNames);
        this.ipc = balancedCount(this.labels, this.classNames.size());
        if (preprocessed && preprocessing == null) {
            throw new IllegalArgumentException("images said to be preprocessed need the preprocessing they are in");
        }
        if (preprocessing != null && preprocessing.channels() != 0 && preprocessing.channels() != s.get(1)) {
            throw new IllegalArgumentException(
                    "preprocessing " + preprocessing + " does not fit images of " + s.get(1) + " channels");
        }
        this.preprocessing = preprocessing;
        this.preprocessed = preprocessed;
        setSoftLabels(softLabels);
    }

    /** Images per class when every class has the same count, else -1. */
    private static int balancedCount(int[] labels, int classes) {
        int[] counts = new int[classes];
        for (int l : labels) {
            counts[l]++;
        }
        for (int c : counts) {
            if (c != counts[0]) {
                return -1;
            }
        }
        return counts[0];
    }

    /**
     * Wraps existing arrays; the set takes ownership of {@code images} and {@code softLabels}.
     *
     * @param softLabels [N, classes] float32, or null
     */
    public static SyntheticSet of(NDArray images, int[] labels, NDArray softLabels, List<String> classNames) {
        return new SyntheticSet(images, labels, softLabels, classNames, null, false);
    }

    /**
     * Wraps existing arrays of a set that trains with {@code preprocessing}; {@code preprocessed} says
     * whether {@code images} are already in that space (else they are pixels).
     */
    public static SyntheticSet of(
            NDArray images,
            int[] labels,
            NDArray softLabels,
            List<String> classNames,
            Preprocessing preprocessing,
            boolean preprocessed) {
        return new SyntheticSet(images, labels, softLabels, classNames, preprocessing, preprocessed);
    }

    /**
     * Initialises from real images: {@code ipc} random images of each class (seeded), class by class.
     *
     * @param images     real images, each C·H·W floats in CHW order
     * @param labels     their classes, in [0, classNames.size())
     * @param imageShape (C, H, W)
     */
    public static SyntheticSet fromReal(
            NDManager manager,
            float[][] images,
            int[] labels,
            Shape imageShape,
            List<String> classNames,
            int ipc,
            long seed) {
        if (images.length != labels.length) {
            throw new IllegalArgumentException(images.length + " real images but " + labels.length + " labels");
        }
        List<List<Integer>> byClass = new ArrayList<>();
        for (int k = 0; k < classNames.size(); k++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new IllegalArgumentException(
                        "real label " + labels[i] + " of image " + i + " is outside [0, " + classNames.size() + ")");
            }
            byClass.get(labels[i]).add(i);
        }
        int[] picks = pick(
                byClass.stream()
                        .map(l -> l.stream().mapToInt(Integer::intValue).toArray())
                        .toList(),
                ipc,
                seed,
                classNames);
        return fromSelected(manager, images, labels, picks, imageShape, classNames);
    }

    /** As {@link #fromReal(NDManager, float[][], int[], Shape, List, int, long)} from an {@link ImageSet}. */
    public static SyntheticSet fromReal(NDManager manager, ImageSet real, int ipc, long seed) {
        List<int[]> byClass = new ArrayList<>();
        for (int k = 0; k < real.numClasses(); k++) {
            byClass.add(real.indicesOf(k));
        }
        int[] picks = pick(byClass, ipc, seed, real.classNames());
        int[] labels = new int[picks.length];
        for (int i = 0; i < picks.length; i++) {
            labels[i] = real.label(picks[i]);
        }
        return new SyntheticSet(real.images(manager, picks), labels, null, real.classNames(), real.space(), true);
    }

    /** Seeded choice of {@code ipc} indices per class, class by class. */
    private static int[] pick(List<int[]> byClass, int ipc, long seed, List<String> classNames) {
        if (ipc < 1) {
            throw new IllegalArgumentException("images per class must be at least 1, got " + ipc);
        }
        Random rng = new Random(seed);
        int[] out = new int[byClass.size() * ipc];
        for (int k = 0; k < byClass.size(); k++) {
            int[] idx = byClass.get(k);
            if (idx.length < ipc) {
                throw new IllegalArgumentException("class " + k + " (" + classNames.get(k) + ") has " + idx.length
                        + " real images, fewer than the " + ipc + " per class asked for");
            }
            System.arraycopy(Shuffle.draw(idx, ipc, rng), 0, out, k * ipc, ipc);
        }
        return out;
    }

    /** The real images at {@code indices}, in that order (e.g. chosen by k-means or herding). */
    public static SyntheticSet fromSelected(
            NDManager manager,
            float[][] images,
            int[] labels,
            int[] indices,
            Shape imageShape,
            List<String> classNames) {
        int size = checkImageShape(imageShape);
        float[] flat = new float[indices.length * size];
        int[] picked = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            float[] img = images[indices[i]];
            if (img.length != size) {
                throw new IllegalArgumentException("real image " + indices[i] + " has " + img.length
                        + " values, but shape " + imageShape + " needs " + size);
            }
            System.arraycopy(img, 0, flat, i * size, size);
            picked[i] = labels[indices[i]];
        }
        return new SyntheticSet(
                manager.create(flat, batchShape(indices.length, imageShape)), picked, null, classNames, null, false);
    }

    /** Gaussian noise N(0, 1), {@code ipc} images per class, seeded (same seed → same pixels on any engine). */
    public static SyntheticSet fromNoise(
            NDManager manager, List<String> classNames, int ipc, Shape imageShape, long seed) {
        return fromNoise(manager, classNames, ipc, imageShape, seed, 0, 1);
    }

    /** Gaussian noise N(mean, std²), {@code ipc} images per class, seeded. */
    public static SyntheticSet fromNoise(
            NDManager manager, List<String> classNames, int ipc, Shape imageShape, long seed, double mean, double std) {
        if (ipc < 1) {
            throw new IllegalArgumentException("images per class must be at least 1, got " + ipc);
        }
        int size = checkImageShape(imageShape);
        int n = classNames.size() * ipc;
        // java.util.Random rather than the engine's RNG: reproducible across engines and devices.
        Random rng = new Random(seed);
        float[] flat = new float[n * size];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = (float) (mean + std * rng.nextGaussian());
        }
        return new SyntheticSet(
                manager.create(flat, batchShape(n, imageShape)),
                classMajorLabels(classNames.size(), ipc),
                null,
                classNames,
                null,
                false);
    }

    /**
     * From given centres, e.g. k-means centres per class (DREAM): {@code centres.get(k)} holds the
     * images of class k, each C·H·W floats. Every class must have the same number.
     */
    public static SyntheticSet fromCentres(
            NDManager manager, List<float[][]> centres, Shape imageShape, List<String> classNames) {
        if (centres.size() != classNames.size()) {
            throw new IllegalArgumentException(
                    centres.size() + " classes of centres but " + classNames.size() + " class names");
        }
        int size = checkImageShape(imageShape);
        int ipc = centres.get(0).length;
        float[] flat = new float[classNames.size() * ipc * size];
        for (int k = 0; k < centres.size(); k++) {
            float[][] c = centres.get(k);
            if (c.length != ipc) {
                throw new IllegalArgumentException("class " + k + " has " + c.length + " centres, class 0 has " + ipc
                        + "; give every class the same number");
            }
            for (int i = 0; i < ipc; i++) {
                if (c[i].length != size) {
                    throw new IllegalArgumentException("centre " + i + " of class " + k + " has " + c[i].length
                            + " values, but shape " + imageShape + " needs " + size);
                }
                System.arraycopy(c[i], 0, flat, (k * ipc + i) * size, size);
            }
        }
        return new SyntheticSet(
                manager.create(flat, batchShape(classNames.size() * ipc, imageShape)),
                classMajorLabels(classNames.size(), ipc),
                null,
                classNames,
                null,
                false);
    }

    private static int checkImageShape(Shape imageShape) {
        if (imageShape.dimension() != 3) {
            throw new IllegalArgumentException("image shape must be (C, H, W), got " + imageShape);
        }
        return Math.toIntExact(imageShape.size());
    }

    private static Shape batchShape(int n, Shape imageShape) {
        return new Shape(n, imageShape.get(0), imageShape.get(1), imageShape.get(2));
    }

    private static int[] classMajorLabels(int classes, int ipc) {
        int[] l = new int[classes * ipc];
        for (int i = 0; i < l.length; i++) {
            l[i] = i / ipc;
        }
        return l;
    }

    /** The images, [N,C,H,W] float32: the live array, not a copy, so optimisers can update it. */
    public NDArray images() {
        return images;
    }

    /** The hard labels (a copy). */
    public int[] labels() {
        return labels.clone();
    }

    public int label(int i) {
        return labels[i];
    }

    /** The hard labels as an int32 [N] array on {@code manager}. */
    public NDArray labelsNDArray(NDManager manager) {
        return manager.create(labels);
    }

    /**
     * A copy on the heap as a training set for the evaluation protocol: the images as they are (if
     * they are pixels, normalise them first, as the protocol trains in normalised space) with the
     * soft labels when the set has them, so the protocol picks the loss that fits.
     */
    public LabeledSet toLabeledSet(String name) {
        float[] soft = null;
        if (softLabels != null) {
            try (NDArray s = softLabels.stopGradient()) {
                soft = s.toFloatArray();
            }
        }
        float[] px;
        try (NDArray x = images.stopGradient()) {
            px = x.toFloatArray();
        }
        Shape s = images.getShape();
        ImageSet set =
                ImageSet.of(name, px, labels, (int) s.get(1), (int) s.get(2), (int) s.get(3), classNames, space());
        return new LabeledSet(set, soft);
    }

    /**
     * The set as a training set in the space of {@code data}, the splits it is tested against: pixels
     * go through the data's preprocessing; images already preprocessed must be in exactly that space.
     *
     * @throws IllegalArgumentException when classes, image shape or space do not fit, saying what to do
     */
    public LabeledSet trainingSet(DatasetSplits data, String name) {
        ImageSet real = data.train();
        if (!classNames.equals(real.classNames())
                || !imageShape().equals(real.shape().slice(1))) {
            throw new IllegalArgumentException("set '" + name + "' holds images " + imageShape() + " of classes "
                    + classNames
                    + ", but " + data.dataset().title() + " has " + real.shape().slice(1) + " of " + real.classNames()
                    + "; it trains only on the data it was made from");
        }
        Preprocessing target = data.preprocessing();
        if (preprocessing != null && preprocessing.kind() != target.kind()) {
            throw new IllegalArgumentException(
                    "set '" + name + "' trains with " + preprocessing.kind().id() + " preprocessing, but the data is "
                            + "loaded with " + target.kind().id() + "; load the data with preprocessing "
                            + preprocessing.kind().id()
                            + " (--preprocess " + preprocessing.kind().id() + ")");
        }
        if (preprocessed) {
            if (!preprocessing.equals(target)) {
                throw new IllegalArgumentException(
                        "set '" + name + "' is in the space " + preprocessing + ", but the data is in " + target
                                + " (fitted on other training images); export it to pixels first (exportPixels())");
            }
            return toLabeledSet(name);
        }
        try (NDManager scope = images.getManager().newSubManager();
                NDArray x = target.apply(images.stopGradient())) {
            ImageSet set = ImageSet.fromNDArray(name, x, labelsNDArray(scope), classNames, target);
            float[] soft = softLabels == null ? null : softLabels.stopGradient().toFloatArray();
            return new LabeledSet(set, soft);
        }
    }

    /**
     * A copy in pixel space (images inverted out of the preprocessing when they are in it), with the
     * same labels and preprocessing: what is saved and shown. The caller closes it.
     */
    public SyntheticSet exportPixels() {
        NDArray detached = images.stopGradient();
        NDArray pixels = preprocessed ? preprocessing.invert(detached) : detached.duplicate();
        detached.close();
        NDArray soft = softLabels == null ? null : softLabels.stopGradient().duplicate();
        return new SyntheticSet(pixels, labels, soft, classNames, preprocessing, false);
    }

    /** The preprocessing the set trains with; empty when not recorded (a set made elsewhere, pixels). */
    public Optional<Preprocessing> preprocessing() {
        return Optional.ofNullable(preprocessing);
    }

    /** The space the images are in now: the preprocessing when {@link #isPreprocessed()}, else pixels. */
    public Preprocessing space() {
        return preprocessed ? preprocessing : Preprocessing.PIXELS;
    }

    /** Whether the images are in the preprocessed space (a distiller's working set) rather than pixels. */
    public boolean isPreprocessed() {
        return preprocessed;
    }

    /**
     * Overwrites the images with real ones, {@code indices} into {@code real} in this set's order (IPC
     * per class, class by class): each must be of its slot's class. The arrays stay the same objects, so
     * optimisers holding them keep working.
     */
    public void replaceImages(ImageSet real, int[] indices) {
        if (indices.length != labels.length) {
            throw new IllegalArgumentException(
                    "need " + labels.length + " images (IPC per class), got " + indices.length);
        }
        for (int i = 0; i < labels.length; i++) {
            if (real.label(indices[i]) != labels[i]) {
                throw new IllegalArgumentException("image " + i + " (real index " + indices[i] + ") is of class "
                        + real.label(indices[i]) + ", but slot " + i + " holds class " + labels[i]);
            }
        }
        try (NDManager scope = images.getManager().newSubManager()) {
            images.set(real.images(scope, indices).toFloatArray());
        }
    }

    /** The soft label matrix [N, classes] float32, if the set has one: the live array. */
    public Optional<NDArray> softLabels() {
        return Optional.ofNullable(softLabels);
    }

    /**
     * Sets (or with null, removes) the soft labels; the set takes ownership and closes the previous
     * matrix. Shape must be [N, classes].
     */
    public void setSoftLabels(NDArray soft) {
        if (soft != null) {
            Shape s = soft.getShape();
            if (s.dimension() != 2 || s.get(0) != size() || s.get(1) != classNames.size()) {
                throw new IllegalArgumentException(
                        "soft labels must be [" + size() + ", " + classNames.size() + "] (images × classes), got " + s);
            }
            if (soft.getDataType() != DataType.FLOAT32) {
                throw new IllegalArgumentException("soft labels must be float32, got " + soft.getDataType());
            }
        }
        if (softLabels != null && softLabels != soft) {
            softLabels.close();
        }
        softLabels = soft;
    }

    /**
     * Soft labels from the hard ones: {@code on} at the label, {@code off} elsewhere (one-hot is
     * 1/0; FRePo starts from a centred one-hot). Created on the images' manager and device.
     */
    public void initSoftLabels(float on, float off) {
        int k = classNames.size();
        float[] m = new float[size() * k];
        Arrays.fill(m, off);
        for (int i = 0; i < labels.length; i++) {
            m[i * k + labels[i]] = on;
        }
        setSoftLabels(images.getManager().create(m, new Shape(size(), k)));
    }

    /**
     * Marks the images and/or soft labels as trainable (gradients recorded) or not. Learning labels
     * needs soft labels: call {@link #initSoftLabels} first.
     */
    public void setLearnable(boolean learnImages, boolean learnLabels) {
        if (learnLabels && softLabels == null) {
            throw new IllegalStateException(
                    "cannot learn labels: the set has no soft labels; call initSoftLabels first");
        }
        images.setRequiresGradient(learnImages);
        if (softLabels != null) {
            softLabels.setRequiresGradient(learnLabels);
        }
    }

    /** Whether the images record gradients. */
    public boolean imagesLearnable() {
        return images.hasGradient();
    }

    public List<String> classNames() {
        return classNames;
    }

    public int numClasses() {
        return classNames.size();
    }

    /** Images per class, or -1 when the classes have different counts. */
    public int ipc() {
        return ipc;
    }

    /** Number of images N. */
    public int size() {
        return labels.length;
    }

    /** (C, H, W). */
    public Shape imageShape() {
        Shape s = images.getShape();
        return new Shape(s.get(1), s.get(2), s.get(3));
    }

    /** All pixels as a fresh float array, [N,C,H,W] row-major (for plotting or saving). */
    public float[] pixels() {
        return images.toFloatArray();
    }

    @Override
    public void close() {
        images.close();
        if (softLabels != null) {
            softLabels.close();
        }
    }

    @Override
    public String toString() {
        return "SyntheticSet[" + size() + " images " + imageShape() + ", " + numClasses() + " classes, ipc "
                + (ipc < 0 ? "unbalanced" : ipc) + (softLabels != null ? ", soft labels" : "") + ", " + space() + "]";
    }
}
