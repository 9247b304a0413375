package org.ddlab.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImagesTest {

    private static BufferedImage block(int w, int h, Color c) {
        BufferedImage b = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        var g = b.createGraphics();
        g.setColor(c);
        g.fillRect(0, 0, w, h);
        g.dispose();
        return b;
    }

    @Test
    void picturesGoLeftToRightAndWrapPastTheWidth() {
        List<BufferedImage> three =
                List.of(block(100, 50, Color.RED), block(100, 80, Color.GREEN), block(100, 50, Color.BLUE));
        BufferedImage one = Images.sideBySide(List.of("a", "b", "c"), three, 1000);
        assertEquals(100 * 3 + 16 * 2, one.getWidth(), "one row: three pictures and two gaps");
        assertTrue(
                one.getHeight() >= 80 && one.getHeight() < 80 + 40,
                "as tall as the tallest plus a caption: " + one.getHeight());
        // The second picture starts after the first and a gap, under its caption.
        int y = one.getHeight() - 10;
        assertEquals(Color.GREEN.getRGB(), one.getRGB(116 + 50, y));
        BufferedImage wrapped = Images.sideBySide(List.of("a", "b", "c"), three, 250);
        assertEquals(100 * 2 + 16, wrapped.getWidth(), "two per row");
        assertTrue(wrapped.getHeight() > one.getHeight() + 50, "a second row");
        assertEquals(Color.BLUE.getRGB(), wrapped.getRGB(50, wrapped.getHeight() - 5));
        assertThrows(IllegalArgumentException.class, () -> Images.sideBySide(List.of("a"), three, 100));
    }
}
