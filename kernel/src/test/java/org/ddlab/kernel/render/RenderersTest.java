package org.ddlab.kernel.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Base64;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class RenderersTest {

    final Renderer renderer = Renderers.registerAll(new Renderer());

    static BufferedImage decode(DisplayData d) throws Exception {
        Object b64 = d.getData(MIMEType.IMAGE_PNG);
        assertNotNull(b64, "no image/png");
        return ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(b64.toString())));
    }

    @Test
    void bufferedImageIsPng() throws Exception {
        DisplayData d = renderer.render(new BufferedImage(37, 21, BufferedImage.TYPE_INT_RGB));
        BufferedImage back = decode(d);
        assertEquals(37, back.getWidth());
        assertEquals(21, back.getHeight());
        assertEquals("BufferedImage 37x21", d.getData(MIMEType.TEXT_PLAIN));
    }

    @Test
    void jfreeChartIsPng() throws Exception {
        XYSeries s = new XYSeries("loss");
        s.add(1, 2);
        s.add(2, 1);
        JFreeChart chart = ChartFactory.createXYLineChart("Loss", "step", "loss", new XYSeriesCollection(s));
        BufferedImage back = decode(renderer.render(chart));
        assertEquals(ChartRenderer.WIDTH, back.getWidth());
        assertEquals(ChartRenderer.HEIGHT, back.getHeight());
    }

    @Test
    void tableIsHtmlWithTruncation() {
        Table t = Table.create(
                "scores",
                IntColumn.create("id", IntStream.range(0, 120).toArray()),
                StringColumn.create(
                        "label",
                        IntStream.range(0, 120)
                                .mapToObj(i -> i % 2 == 0 ? "a<b" : "c")
                                .toList()));
        DisplayData d = renderer.render(t);
        String html = (String) d.getData(MIMEType.TEXT_HTML);
        assertTrue(html.contains(">id</th>") && html.contains(">label</th>"), html);
        assertTrue(html.contains("scores"), html);
        assertTrue(html.contains("70 more rows"), html);
        assertTrue(html.contains("a&lt;b"), html);
        assertFalse(html.contains(">119</td>"), "row 119 should be cut");
        assertTrue(d.getData(MIMEType.TEXT_PLAIN).toString().contains("id"));
    }

    @Test
    void ndArraySummaries() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray small = m.create(new float[] {1f, 2f, 3.5f}, new Shape(3));
            String s = (String) renderer.render(small).getData(MIMEType.TEXT_PLAIN);
            assertTrue(s.contains("(3)") && s.contains("float32") && s.contains("3.500"), s);
            assertTrue(s.contains("cpu"), s);

            NDArray big = m.arange(0f, 10_000f).reshape(100, 100);
            String b = (String) renderer.render(big).getData(MIMEType.TEXT_PLAIN);
            assertTrue(b.contains("(100, 100)"), b);
            assertTrue(b.contains("min 0") && b.contains("max 9999") && b.contains("mean 5000"), b);
            assertTrue(b.length() < 200, b);

            NDArray empty = m.zeros(new Shape(0, 3));
            assertTrue(NDArrayRenderer.summary(empty).contains("empty"));

            NDArray bools = m.create(new boolean[] {true, false});
            assertTrue(NDArrayRenderer.summary(bools).contains("[true, false]"), NDArrayRenderer.summary(bools));
            NDArray ints = m.arange(0, 100).toType(DataType.INT32, false);
            assertTrue(NDArrayRenderer.summary(ints).contains("max 99"), NDArrayRenderer.summary(ints));
        }
    }

    @Test
    void progressRendersHtmlAndText() {
        org.ddlab.viz.Progress p = new org.ddlab.viz.Progress("train", 10);
        p.update(3, "epoch 1");
        DisplayData d = renderer.render(p);
        assertNotNull(d.getData(MIMEType.TEXT_HTML));
        assertEquals(p.toString(), d.getData(MIMEType.TEXT_PLAIN));
    }
}
