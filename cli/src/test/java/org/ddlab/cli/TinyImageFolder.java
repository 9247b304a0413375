package org.ddlab.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * An image-folder dataset small enough that a command runs on it in about a second: {@code root/train/<class>/}
 * and {@code root/test/<class>/} of grey PNGs with a different seeded pattern each, for {@code folder:ROOT}.
 */
final class TinyImageFolder {

    private TinyImageFolder() {}

    /** {@code trainPerClass} training and two test images of {@code side}×{@code side} pixels per class. */
    static Path write(Path root, int side, int trainPerClass, List<String> classes) throws IOException {
        int k = 0;
        for (String c : classes) {
            for (int i = 0; i < trainPerClass; i++) {
                png(root.resolve("train").resolve(c).resolve(i + ".png"), side, k++);
            }
            for (int i = 0; i < 2; i++) {
                png(root.resolve("test").resolve(c).resolve(i + ".png"), side, k++);
            }
        }
        return root;
    }

    private static void png(Path file, int side, int seed) throws IOException {
        BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                img.getRaster().setSample(x, y, 0, (seed * 37 + x * 11 + y * 23) & 0xFF);
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
    }
}
