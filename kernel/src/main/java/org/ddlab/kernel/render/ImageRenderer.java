package org.ddlab.kernel.render;

import java.awt.image.BufferedImage;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;

/** {@link BufferedImage} → image/png, with its size as the text form. */
final class ImageRenderer {
    private ImageRenderer() {}

    static void register(Renderer renderer) {
        renderer.createRegistration(BufferedImage.class)
                .preferring(MIMEType.IMAGE_PNG)
                .supporting(MIMEType.TEXT_PLAIN)
                .register((img, ctx) -> {
                    ctx.renderIfRequested(MIMEType.IMAGE_PNG, () -> Png.base64(img));
                    ctx.renderIfRequested(
                            MIMEType.TEXT_PLAIN, () -> "BufferedImage " + img.getWidth() + "x" + img.getHeight());
                });
    }
}
