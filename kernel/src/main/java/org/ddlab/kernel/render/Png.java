package org.ddlab.kernel.render;

import java.awt.image.RenderedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import javax.imageio.ImageIO;

/** PNG bytes as Jupyter wants them in a display bundle: base64 text. */
final class Png {
    private Png() {}

    static byte[] bytes(RenderedImage image) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String base64(RenderedImage image) {
        return base64(bytes(image));
    }

    static String base64(byte[] png) {
        return Base64.getEncoder().encodeToString(png);
    }
}
