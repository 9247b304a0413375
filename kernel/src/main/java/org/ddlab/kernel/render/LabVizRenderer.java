package org.ddlab.kernel.render;

import org.ddlab.viz.Chart;
import org.ddlab.viz.Progress;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;

/** ddlab-lib's own display types: {@link Chart} (a sized JFreeChart) and {@link Progress}. */
final class LabVizRenderer {
    private LabVizRenderer() {}

    static void registerChart(Renderer renderer) {
        renderer.createRegistration(Chart.class)
                .preferring(MIMEType.IMAGE_PNG)
                .supporting(MIMEType.TEXT_PLAIN)
                .register((chart, ctx) -> {
                    ctx.renderIfRequested(MIMEType.IMAGE_PNG, () -> Png.base64(chart.toPng()));
                    ctx.renderIfRequested(
                            MIMEType.TEXT_PLAIN,
                            () -> "Chart " + chart.width() + "x" + chart.height() + " "
                                    + ChartRenderer.titleOf(chart.chart()));
                });
    }

    static void registerProgress(Renderer renderer) {
        renderer.createRegistration(Progress.class)
                .preferring(MIMEType.TEXT_HTML)
                .supporting(MIMEType.TEXT_PLAIN)
                .register((progress, ctx) -> {
                    ctx.renderIfRequested(MIMEType.TEXT_HTML, progress::toHtml);
                    ctx.renderIfRequested(MIMEType.TEXT_PLAIN, progress::toString);
                });
    }
}
