package org.ddlab.viz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.ddlab.data.ImageSet;
import org.ddlab.data.Normalization;
import org.ddlab.data.Preprocessing;

/**
 * A picture of images laid out with one row per class, the class name at the left. The usual way to
 * look at a data set or at distilled images:
 *
 * <pre>{@code
 * ImageGrid.of(train, 8).toImage();                                  // 8 per class
 * ImageGrid.of(syntheticTensor, labels, classNames).scaling(PixelScaling.PER_IMAGE).scale(3).savePng(p);
 * }</pre>
 *
 * <p>Options are set with the fluent methods before {@link #toImage()}; the grid holds only copies
 * of the images it shows, so building one from a 60 000-image set costs a few kilobytes.
 */
public final class ImageGrid {

    /** How float pixel values become 0..255 grey (or colour) levels. */
    public enum PixelScaling {
        /** Values are taken as [0,1] and clipped; right for real images. */
        CLAMP,
        /** Each image is stretched from its own min..max to 0..1; shows the structure of synthetic images. */
        PER_IMAGE,
        /** All images share one min..max; keeps their brightness comparable. */
        GLOBAL
    }

    private static final Color BACKGROUND = Color.WHITE;
    private static final Color TEXT = new Color(0x33, 0x33, 0x33);
    /** About 56 px per image: 28 px MNIST digits at 2x are easy to see and 10x10 still fits a notebook. */
    private static final int TARGET_PIXELS = 56;

    private record Row(String label, List<float[]> images) {}

    private final List<Row> rows;
    private final int channels;
    private final int height;
    private final int width;
    private int scale;
    private int padding = 2;
    private boolean rowLabels = true;
    private int columns = Integer.MAX_VALUE;
    private PixelScaling scaling = PixelScaling.CLAMP;
    private Normalization denormalize;
    /** Built from preprocessed images that were already turned back into pixels. */
    private boolean inPixels;

    private int fontSize = 13;

    private ImageGrid(List<Row> rows, int channels, int height, int width) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("can only draw grey (C=1) or RGB (C=3) images, got C=" + channels);
        }
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + height + "x" + width);
        }
        this.rows = rows;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.scale = Math.max(1, Math.round((float) TARGET_PIXELS / Math.max(height, width)));
    }

    /** The first {@code perClass} images of every class of {@code set}, one row per class. */
    public static ImageGrid of(ImageSet set, int perClass) {
        if (perClass <= 0) {
            throw new IllegalArgumentException("images per class must be positive, got " + perClass);
        }
        return of(set, set.firstPerClass(perClass));
    }

    /**
     * The images of {@code set} at {@code indices}, grouped into rows by class in the order given,
     * shown as pixels whatever space the set is in (normalised or whitened images are inverted first).
     */
    public static ImageGrid of(ImageSet set, int[] indices) {
        List<List<float[]>> byClass = emptyRows(set.numClasses());
        Preprocessing space = set.space();
        if (space.isPixels()) {
            for (int i : indices) {
                byClass.get(set.label(i)).add(set.image(i));
            }
        } else {
            int n = set.imageSize();
            float[] pixels;
            try (NDManager m = NDManager.newBaseManager();
                    NDArray x = set.images(m, indices);
                    NDArray px = space.invert(x)) {
                pixels = px.toFloatArray();
            }
            for (int k = 0; k < indices.length; k++) {
                byClass.get(set.label(indices[k])).add(java.util.Arrays.copyOfRange(pixels, k * n, (k + 1) * n));
            }
        }
        ImageGrid grid = new ImageGrid(rows(byClass, set.classNames()), set.channels(), set.height(), set.width());
        grid.inPixels = !space.isPixels();
        return grid;
    }

    /**
     * Flat CHW images with their labels; {@code classNames} may be null (rows are then named by the
     * label number).
     */
    public static ImageGrid of(
            float[][] images, int[] labels, int channels, int height, int width, List<String> classNames) {
        if (images.length != labels.length) {
            throw new IllegalArgumentException(images.length + " images but " + labels.length + " labels");
        }
        int size = channels * height * width;
        int numClasses = classNames != null ? classNames.size() : maxPlusOne(labels);
        List<List<float[]>> byClass = emptyRows(numClasses);
        for (int i = 0; i < images.length; i++) {
            if (images[i].length != size) {
                throw new IllegalArgumentException("image " + i + " has " + images[i].length
                        + " values, expected C*H*W = " + channels + "*" + height + "*" + width + " = " + size);
            }
            checkLabel(labels[i], i, numClasses);
            byClass.get(labels[i]).add(images[i].clone());
        }
        return new ImageGrid(rows(byClass, classNames), channels, height, width);
    }

    /** A tensor [N,C,H,W] (read once with one bulk copy) with labels; {@code classNames} may be null. */
    public static ImageGrid of(NDArray images, int[] labels, List<String> classNames) {
        Shape s = images.getShape();
        if (s.dimension() != 4) {
            throw new IllegalArgumentException("images must be [N,C,H,W], got " + s);
        }
        if (s.get(0) != labels.length) {
            throw new IllegalArgumentException(s.get(0) + " images but " + labels.length + " labels");
        }
        float[] flat;
        if (images.getDataType() == DataType.FLOAT32) {
            flat = images.toFloatArray();
        } else {
            try (NDArray f = images.toType(DataType.FLOAT32, false)) {
                flat = f.toFloatArray();
            }
        }
        int c = (int) s.get(1);
        int h = (int) s.get(2);
        int w = (int) s.get(3);
        int size = c * h * w;
        float[][] split = new float[labels.length][];
        for (int i = 0; i < split.length; i++) {
            split[i] = Arrays.copyOfRange(flat, i * size, (i + 1) * size);
        }
        return of(split, labels, c, h, w, classNames);
    }

    /** As {@link #of(NDArray, int[], List)} with labels from an integer (or whole-valued float) tensor [N]. */
    public static ImageGrid of(NDArray images, NDArray labels, List<String> classNames) {
        int[] y;
        if (labels.getDataType() == DataType.INT32) {
            y = labels.toIntArray();
        } else {
            try (NDArray i = labels.toType(DataType.INT32, false)) {
                y = i.toIntArray();
            }
        }
        return of(images, y, classNames);
    }

    /** Integer upscaling factor (nearest neighbour, so pixels stay crisp). Default: ~56 px per image. */
    public ImageGrid scale(int scale) {
        if (scale < 1) {
            throw new IllegalArgumentException("scale must be at least 1, got " + scale);
        }
        this.scale = scale;
        return this;
    }

    /** Pixels of background between images and around the grid. Default 2. */
    public ImageGrid padding(int padding) {
        if (padding < 0) {
            throw new IllegalArgumentException("padding must not be negative, got " + padding);
        }
        this.padding = padding;
        return this;
    }

    /** Whether to write the class name left of each row. Default true. */
    public ImageGrid rowLabels(boolean show) {
        this.rowLabels = show;
        return this;
    }

    /** Font size of row labels in pixels. Default 13. */
    public ImageGrid fontSize(int size) {
        if (size < 6) {
            throw new IllegalArgumentException("font size below 6 px is unreadable, got " + size);
        }
        this.fontSize = size;
        return this;
    }

    /** Wrap a class onto further lines after this many images (e.g. 50 images per class). Default: no wrap. */
    public ImageGrid columns(int columns) {
        if (columns < 1) {
            throw new IllegalArgumentException("columns must be at least 1, got " + columns);
        }
        this.columns = columns;
        return this;
    }

    /** How values become grey levels. Default {@link PixelScaling#CLAMP}. */
    public ImageGrid scaling(PixelScaling scaling) {
        this.scaling = Objects.requireNonNull(scaling);
        return this;
    }

    /** Undo this normalisation ({@code x * std + mean}) before scaling, for images stored normalised. */
    public ImageGrid denormalize(Normalization normalization) {
        if (inPixels && normalization != null) {
            throw new IllegalStateException(
                    "this grid shows pixels already (its set knew its space); denormalising again would be wrong");
        }
        if (normalization != null && normalization.channels() != channels) {
            throw new IllegalArgumentException(
                    "normalisation has " + normalization.channels() + " channels, images have " + channels);
        }
        this.denormalize = normalization;
        return this;
    }

    /** Number of image rows after wrapping. */
    public int gridRows() {
        int n = 0;
        for (Row r : rows) {
            n += Math.max(1, Math.ceilDiv(r.images.size(), columns));
        }
        return n;
    }

    /** Number of image columns: the longest row after wrapping. */
    public int gridColumns() {
        int n = 0;
        for (Row r : rows) {
            n = Math.max(n, Math.min(columns, r.images.size()));
        }
        return n;
    }

    /** Draws the grid. Size: label column + padding + columns x (W*scale + padding) wide, likewise high. */
    public BufferedImage toImage() {
        int cellW = width * scale;
        int cellH = height * scale;
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, fontSize);
        int labelWidth = rowLabels ? labelColumnWidth(font) : 0;
        int cols = Math.max(1, gridColumns());
        int imgW = labelWidth + padding + cols * (cellW + padding);
        int imgH = padding + Math.max(1, gridRows()) * (cellH + padding);
        BufferedImage out = new BufferedImage(imgW, imgH, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, imgW, imgH);
            float[] globalRange = scaling == PixelScaling.GLOBAL ? globalRange() : null;
            int[] raster = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
            int line = 0;
            for (Row row : rows) {
                int lines = Math.max(1, Math.ceilDiv(row.images.size(), columns));
                if (rowLabels) {
                    drawLabel(
                            g,
                            font,
                            row.label,
                            labelWidth,
                            padding + line * (cellH + padding),
                            lines * (cellH + padding) - padding);
                }
                for (int k = 0; k < row.images.size(); k++) {
                    int x0 = labelWidth + padding + (k % columns) * (cellW + padding);
                    int y0 = padding + (line + k / columns) * (cellH + padding);
                    paint(raster, imgW, x0, y0, prepare(row.images.get(k), globalRange));
                }
                line += lines;
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    public byte[] toPng() {
        return Images.toPng(toImage());
    }

    /** Writes the PNG atomically (a crash never leaves half a file). */
    public void savePng(Path file) {
        Images.writePngAtomically(toImage(), file);
    }

    /** Values in display range [0,1] after denormalising and scaling; a fresh array. */
    private float[] prepare(float[] chw, float[] globalRange) {
        float[] v = chw.clone();
        if (denormalize != null) {
            denormalize.invertInPlace(v);
        }
        float lo = 0;
        float hi = 1;
        if (scaling == PixelScaling.PER_IMAGE) {
            float[] r = range(v, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY);
            lo = r[0];
            hi = r[1];
        } else if (scaling == PixelScaling.GLOBAL) {
            lo = globalRange[0];
            hi = globalRange[1];
        }
        // A constant image has no range to stretch; show its clamped value rather than dividing by 0.
        if (hi - lo > 1e-12f && (lo != 0 || hi != 1)) {
            float inv = 1f / (hi - lo);
            for (int i = 0; i < v.length; i++) {
                v[i] = (v[i] - lo) * inv;
            }
        }
        return v;
    }

    private float[] globalRange() {
        float[] r = {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        for (Row row : rows) {
            for (float[] img : row.images) {
                float[] v = img;
                if (denormalize != null) {
                    v = img.clone();
                    denormalize.invertInPlace(v);
                }
                r = range(v, r[0], r[1]);
            }
        }
        return r;
    }

    private static float[] range(float[] v, float lo, float hi) {
        for (float x : v) {
            if (!Float.isNaN(x)) {
                lo = Math.min(lo, x);
                hi = Math.max(hi, x);
            }
        }
        return new float[] {lo, hi};
    }

    /** Writes one image, upscaled by {@code scale}, straight into the RGB raster. */
    private void paint(int[] raster, int stride, int x0, int y0, float[] v) {
        int plane = height * width;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int p = y * width + x;
                int rgb;
                if (channels == 1) {
                    int grey = level(v[p]);
                    rgb = (grey << 16) | (grey << 8) | grey;
                } else {
                    rgb = (level(v[p]) << 16) | (level(v[plane + p]) << 8) | level(v[2 * plane + p]);
                }
                for (int dy = 0; dy < scale; dy++) {
                    int base = (y0 + y * scale + dy) * stride + x0 + x * scale;
                    Arrays.fill(raster, base, base + scale, rgb);
                }
            }
        }
    }

    private static int level(float v) {
        if (!(v > 0)) {
            return 0; // also NaN
        }
        return v >= 1 ? 255 : Math.round(v * 255f);
    }

    private int labelColumnWidth(Font font) {
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = probe.createGraphics();
        try {
            FontMetrics fm = g.getFontMetrics(font);
            int max = 0;
            for (Row r : rows) {
                max = Math.max(max, fm.stringWidth(r.label));
            }
            return max == 0 ? 0 : max + 2 * padding + 6;
        } finally {
            g.dispose();
        }
    }

    private void drawLabel(Graphics2D g, Font font, String label, int labelWidth, int top, int rowHeight) {
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(font);
        g.setColor(TEXT);
        FontMetrics fm = g.getFontMetrics();
        int x = labelWidth - 4 - fm.stringWidth(label);
        int y = top + (Math.min(rowHeight, height * scale) + fm.getAscent() - fm.getDescent()) / 2;
        g.drawString(label, Math.max(padding, x), y);
    }

    private static List<List<float[]>> emptyRows(int n) {
        List<List<float[]>> out = new ArrayList<>(n);
        for (int c = 0; c < n; c++) {
            out.add(new ArrayList<>());
        }
        return out;
    }

    /** Rows for the classes that have images; empty classes are left out rather than drawn blank. */
    private static List<Row> rows(List<List<float[]>> byClass, List<String> classNames) {
        List<Row> rows = new ArrayList<>();
        for (int c = 0; c < byClass.size(); c++) {
            if (!byClass.get(c).isEmpty()) {
                rows.add(new Row(classNames != null ? classNames.get(c) : Integer.toString(c), byClass.get(c)));
            }
        }
        return rows;
    }

    private static void checkLabel(int label, int i, int numClasses) {
        if (label < 0 || label >= numClasses) {
            throw new IllegalArgumentException(
                    "label " + label + " of image " + i + " is outside 0.." + (numClasses - 1));
        }
    }

    private static int maxPlusOne(int[] labels) {
        int max = -1;
        for (int y : labels) {
            max = Math.max(max, y);
        }
        return max + 1;
    }
}
