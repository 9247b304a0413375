package org.ddlab.kernel.render;

import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.jfree.chart.JFreeChart;

/** A bare {@link JFreeChart} → image/png at a notebook-friendly 16:9 size. */
final class ChartRenderer {

    static final int WIDTH = 800;
    static final int HEIGHT = 450;

    private ChartRenderer() {}

    static void register(Renderer renderer) {
        renderer.createRegistration(JFreeChart.class)
                .preferring(MIMEType.IMAGE_PNG)
                .supporting(MIMEType.TEXT_PLAIN)
                .register((chart, ctx) -> {
                    ctx.renderIfRequested(
                            MIMEType.IMAGE_PNG, () -> Png.base64(chart.createBufferedImage(WIDTH, HEIGHT)));
                    ctx.renderIfRequested(MIMEType.TEXT_PLAIN, () -> "JFreeChart " + titleOf(chart));
                });
    }

    static String titleOf(JFreeChart chart) {
        return chart.getTitle() == null ? "(untitled)" : "'" + chart.getTitle().getText() + "'";
    }
}
