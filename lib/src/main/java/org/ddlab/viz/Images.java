package org.ddlab.viz;

import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Pictures: PNG encoding, written atomically so a crash never leaves half a file behind, and several
 * pictures laid out side by side under captions (one figure for many image grids).
 */
public final class Images {

    private Images() {}

    public static byte[] toPng(BufferedImage image) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("no PNG writer for image type " + image.getType());
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void writePngAtomically(BufferedImage image, Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            try {
                Files.write(tmp, toPng(image));
                makeReadable(tmp);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Temporary files are created owner-only (rw-------); a picture is meant to be shared (served by
     * Jupyter, copied into a report), so give it the usual rw-r--r-- before it takes its real name.
     */
    private static void makeReadable(Path tmp) throws IOException {
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system (Windows): files there are readable by default.
        }
    }

    /**
     * The pictures left to right, each under its caption, starting a new row when the next one would
     * pass {@code maxWidth} pixels (a picture wider than that gets a row of its own): e.g. the image grids
     * of several sets in one figure, so they can be compared at a glance.
     */
    public static BufferedImage sideBySide(List<String> captions, List<BufferedImage> pictures, int maxWidth) {
        if (captions.size() != pictures.size() || pictures.isEmpty()) {
            throw new IllegalArgumentException("need one caption per picture and at least one picture, got "
                    + captions.size() + " captions and " + pictures.size() + " pictures");
        }
        int gap = 16;
        FontMetrics fm = metrics();
        int captionH = fm.getHeight() + 4;
        // Lay out first: the rows, then the canvas size.
        List<List<Integer>> rows = new ArrayList<>();
        List<Integer> row = new ArrayList<>();
        int x = 0;
        for (int i = 0; i < pictures.size(); i++) {
            int w = Math.max(pictures.get(i).getWidth(), fm.stringWidth(captions.get(i)));
            if (!row.isEmpty() && x + w > maxWidth) {
                rows.add(row);
                row = new ArrayList<>();
                x = 0;
            }
            row.add(i);
            x += w + gap;
        }
        rows.add(row);
        int width = 0;
        int height = 0;
        for (List<Integer> r : rows) {
            int w = 0;
            int h = 0;
            for (int i : r) {
                w += Math.max(pictures.get(i).getWidth(), fm.stringWidth(captions.get(i))) + gap;
                h = Math.max(h, pictures.get(i).getHeight());
            }
            width = Math.max(width, w - gap);
            height += captionH + h + gap;
        }
        BufferedImage out =
                new BufferedImage(Math.max(1, width), Math.max(1, height - gap), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, out.getWidth(), out.getHeight());
            g.setFont(Charts.LABEL_FONT);
            int y = 0;
            for (List<Integer> r : rows) {
                int left = 0;
                int h = 0;
                for (int i : r) {
                    g.setColor(new Color(0x33, 0x33, 0x33));
                    g.drawString(captions.get(i), left, y + fm.getAscent());
                    g.drawImage(pictures.get(i), left, y + captionH, null);
                    left += Math.max(pictures.get(i).getWidth(), fm.stringWidth(captions.get(i))) + gap;
                    h = Math.max(h, pictures.get(i).getHeight());
                }
                y += captionH + h + gap;
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    private static FontMetrics metrics() {
        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scratch.createGraphics();
        try {
            return g.getFontMetrics(Charts.LABEL_FONT);
        } finally {
            g.dispose();
        }
    }
}
