package org.ddlab.viz;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;

/**
 * A chart with its size. Charts are drawn to PNG (JFreeChart) rather than to a JavaScript plot:
 * a PNG shows the same in the classic Notebook, JupyterLab, exported HTML and a terminal's saved
 * file, and needs no network for a plotting library — a classroom behind a firewall has none.
 */
public record Chart(JFreeChart chart, int width, int height) {

    public Chart {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("chart size must be positive, got " + width + "x" + height);
        }
    }

    /** The same chart drawn at another size. */
    public Chart withSize(int width, int height) {
        return new Chart(chart, width, height);
    }

    public BufferedImage toImage() {
        return chart.createBufferedImage(width, height);
    }

    public byte[] toPng() {
        try {
            return ChartUtils.encodeAsPNG(toImage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void savePng(Path file) {
        Images.writePngAtomically(toImage(), file);
    }
}
