package org.ddlab.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.Raster;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.apache.commons.imaging.AbstractImageParser;
import org.apache.commons.imaging.ImageFormat;
import org.apache.commons.imaging.ImageFormats;
import org.apache.commons.imaging.Imaging;
import org.apache.commons.imaging.ImagingParameters;
import org.apache.commons.imaging.common.BufferedImageFactory;

/**
 * Decodes one image file to float planes in [0,1]: Commons Imaging first, javax.imageio as fallback.
 *
 * <p><b>What Commons Imaging 1.0.0-alpha6 can and cannot do</b> (checked on JDK 25, see
 * {@code ImageFolderTest}):
 * <ul>
 *   <li>Baseline (sequential Huffman) JPEG, colour and grey: read fine.</li>
 *   <li>Progressive JPEG: refused with "Only sequential, baseline JPEGs are supported at the
 *       moment" &mdash; so JPEGs from phones/web often need the fallback. (It cannot write JPEG
 *       either.)</li>
 *   <li>Grey PNG (8 and 16 bit) through plain {@code Imaging.getBufferedImage(File)}: returned as a
 *       {@code TYPE_BYTE_GRAY} image filled with {@code setRGB}, i.e. through Java's <i>linear</i>
 *       grey colour space, which changes 73 of the 256 grey levels by up to 6/255 (dark tones
 *       collapse). We therefore call the parser directly with a {@link BufferedImageFactory} that
 *       always builds RGB images: then every level comes back exactly.</li>
 *   <li>BMP (24-bit, 8-bit grey palette, 4-bit with a short palette), GIF and TIFF (RGB, palette),
 *       PNG (RGB, palette, alpha): read fine.</li>
 * </ul>
 * The fallback is tried for every format, not only JPEG: javax.imageio reads PNG, JPEG (incl.
 * progressive), BMP, GIF and TIFF, so it can only turn a failure into a success. When both fail the
 * reason quotes both.
 *
 * <p><b>Colour.</b> Alpha is dropped (like PIL's {@code convert("RGB")}, which torchvision's
 * ImageFolder uses). Grey = 0.299 R + 0.587 G + 0.114 B on the stored (sRGB) values, like PIL's
 * {@code "L"} mode. Grey images from javax.imageio are read from the raster directly because
 * {@code getRGB} would push them through the same linear-grey conversion.
 */
final class ImageDecoder {

    /** Makes Commons Imaging decode into int RGB(A) images, never into linear-grey ones. */
    private static final BufferedImageFactory RGB_FACTORY = new BufferedImageFactory() {
        @Override
        public BufferedImage getColorBufferedImage(int width, int height, boolean hasAlpha) {
            return new BufferedImage(
                    width, height, hasAlpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        }

        @Override
        public BufferedImage getGrayscaleBufferedImage(int width, int height, boolean hasAlpha) {
            return getColorBufferedImage(width, height, hasAlpha);
        }
    };

    private ImageDecoder() {}

    /** A decoded image: {@code channels} planes of height x width, values in [0,1]. */
    record Planes(float[] data, int channels, int height, int width) {}

    /**
     * Reads {@code file} and returns {@code channels} (1 = grey, 3 = RGB) planes resized to
     * {@code height x width}.
     *
     * @throws IOException whose message says why neither decoder could read the file
     */
    static float[] load(Path file, int channels, int height, int width) throws IOException {
        Planes p = planes(read(file), channels);
        return Resampler.resize(p.data(), channels, p.height(), p.width(), height, width);
    }

    /** The image in {@code file}, by Commons Imaging or else javax.imageio. */
    static BufferedImage read(Path file) throws IOException {
        File f = file.toFile();
        if (f.isFile() && f.length() == 0) {
            throw new IOException("the file is empty (0 bytes)");
        }
        String first;
        try {
            return readCommons(f);
        } catch (IOException | RuntimeException e) {
            // RuntimeException: alpha decoders throw e.g. ArrayIndexOutOfBounds on corrupt input.
            first = describe(e);
        }
        String second;
        try {
            BufferedImage img = ImageIO.read(f);
            if (img != null) {
                return img;
            }
            second = "no reader for this format";
        } catch (IOException | RuntimeException e) {
            second = describe(e);
        }
        throw new IOException("Commons Imaging: " + first + "; javax.imageio: " + second);
    }

    static BufferedImage readCommons(File f) throws IOException {
        ImageFormat format = Imaging.guessFormat(f);
        if (format == ImageFormats.UNKNOWN) {
            throw new IOException("not a recognised image format (file content)");
        }
        for (AbstractImageParser<?> parser : AbstractImageParser.getAllImageParsers()) {
            if (parser.canAcceptType(format)) {
                return readWith(parser, f);
            }
        }
        throw new IOException("no parser for format " + format.getName());
    }

    private static <T extends ImagingParameters<T>> BufferedImage readWith(AbstractImageParser<T> parser, File f)
            throws IOException {
        T params = parser.getDefaultParameters();
        params.setBufferedImageFactory(RGB_FACTORY);
        BufferedImage img = parser.getBufferedImage(f, params);
        if (img == null) {
            throw new IOException(parser.getName() + " parser returned no image");
        }
        return img;
    }

    /** {@code channels} planes (1 grey, 3 RGB) at the image's own size, values in [0,1]. */
    static Planes planes(BufferedImage img, int channels) {
        int w = img.getWidth();
        int h = img.getHeight();
        int n = w * h;
        float[] out = new float[channels * n];
        if (isRawGrey(img)) {
            Raster r = img.getRaster();
            float max = (1 << img.getColorModel().getComponentSize(0)) - 1;
            float[] row = new float[w];
            for (int y = 0; y < h; y++) {
                r.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    float v = row[x] / max;
                    for (int c = 0; c < channels; c++) {
                        out[c * n + y * w + x] = v;
                    }
                }
            }
            return new Planes(out, channels, h, w);
        }
        int[] rgb = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, rgb, 0, w);
            for (int x = 0; x < w; x++) {
                int p = rgb[x];
                float r = ((p >> 16) & 0xFF) / 255f;
                float g = ((p >> 8) & 0xFF) / 255f;
                float b = (p & 0xFF) / 255f;
                int i = y * w + x;
                if (channels == 1) {
                    out[i] = Math.min(1f, 0.299f * r + 0.587f * g + 0.114f * b);
                } else {
                    out[i] = r;
                    out[n + i] = g;
                    out[2 * n + i] = b;
                }
            }
        }
        return new Planes(out, channels, h, w);
    }

    /** A grey (optionally grey+alpha) component image whose samples are the stored grey levels. */
    private static boolean isRawGrey(BufferedImage img) {
        return img.getColorModel() instanceof ComponentColorModel cm
                && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && cm.getNumColorComponents() == 1
                && cm.getComponentSize(0) <= 16;
    }

    /** Why a decoder failed, in its own words; a decoder that failed without any is named by its error's class. */
    static String describe(Throwable e) {
        String msg = e.getMessage();
        if (msg != null && !msg.isBlank()) {
            return msg.strip();
        }
        return e instanceof IOException
                ? "unreadable"
                : "the decoder failed on it (" + e.getClass().getSimpleName() + ")";
    }
}
