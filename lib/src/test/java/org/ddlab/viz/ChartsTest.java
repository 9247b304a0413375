package org.ddlab.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class ChartsTest {

    private static boolean contains(BufferedImage img, int rgb) {
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xFFFFFF) == rgb) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void lineChartRendersAtTheRequestedSizeInThePalette() throws IOException {
        Map<String, double[][]> series = new LinkedHashMap<>();
        series.put("DC", new double[][] {{0, 100, 200}, {0.1, 0.6, 0.7}});
        series.put("DSA", new double[][] {{0, 100, 200}, {0.1, 0.65, 0.75}});
        Chart chart = Charts.line("Accuracy", "iteration", "accuracy", series);
        assertEquals(2, chart.chart().getXYPlot().getDataset().getSeriesCount());
        assertNotNull(chart.chart().getLegend(), "two series get a legend");

        BufferedImage img = chart.toImage();
        assertEquals(Charts.WIDTH, img.getWidth());
        assertEquals(Charts.HEIGHT, img.getHeight());
        assertEquals(0xFFFFFF, img.getRGB(1, 1) & 0xFFFFFF, "white background");
        assertTrue(contains(img, Charts.color(0).getRGB() & 0xFFFFFF), "first series in palette colour 0");
        assertTrue(contains(img, Charts.color(1).getRGB() & 0xFFFFFF), "second series in palette colour 1");

        BufferedImage small =
                ImageIO.read(new ByteArrayInputStream(chart.withSize(300, 200).toPng()));
        assertEquals(300, small.getWidth());
        assertEquals(200, small.getHeight());
    }

    @Test
    void scatterDrawsEveryGroupInItsColourLaterGroupsOnTop() {
        double[] cloudX = new double[400];
        double[] cloudY = new double[400];
        for (int i = 0; i < 400; i++) {
            cloudX[i] = Math.cos(i) * (i % 20);
            cloudY[i] = Math.sin(i) * (i % 20);
        }
        java.awt.Color grey = new java.awt.Color(0xBBBBBB);
        Chart chart = Charts.scatter("one class, PCA")
                .xLabel("PC 1")
                .yLabel("PC 2")
                .points("all images", cloudX, cloudY, 3, grey)
                .points("K-Means picks", new double[] {0, 5, -5}, new double[] {0, 5, -5}, 9)
                .build();
        assertEquals(2, chart.chart().getXYPlot().getDataset().getSeriesCount());
        BufferedImage img = chart.toImage();
        assertTrue(contains(img, 0xBBBBBB), "the cloud is drawn");
        assertTrue(
                contains(img, Charts.color(1).getRGB() & 0xFFFFFF), "the picks in the second palette colour, on top");
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> Charts.scatter("x").points("a", new double[] {1}, new double[] {1, 2}, 3));
        assertTrue(e.getMessage().contains("'a'"), e.getMessage());
    }

    @Test
    void meanStdDrawsOneLinePerSeriesWithErrorBarsAndAFittedAxis() throws IOException {
        Map<String, Map<String, double[]>> series = new LinkedHashMap<>();
        series.put("learned labels", new LinkedHashMap<>(Map.of("1", new double[] {60, 1.5})));
        series.get("learned labels").put("10", new double[] {80, 0.5});
        series.put("fixed labels", new LinkedHashMap<>(Map.of("1", new double[] {52, Double.NaN})));
        series.get("fixed labels").put("10", new double[] {79, 0});
        Chart chart = Charts.meanStd("labels", "ipc", "accuracy %", series);
        var plot = chart.chart().getCategoryPlot();
        var data = (org.jfree.data.statistics.StatisticalCategoryDataset) plot.getDataset();
        assertEquals(List.of("learned labels", "fixed labels"), data.getRowKeys());
        assertEquals(List.of("1", "10"), data.getColumnKeys());
        assertEquals(1.5, data.getStdDevValue("learned labels", "1").doubleValue(), 1e-9);
        assertEquals(0, data.getStdDevValue("fixed labels", "1").doubleValue(), 1e-9, "NaN std: no error bar");
        var y = plot.getRangeAxis();
        assertTrue(
                y.getLowerBound() > 40 && y.getLowerBound() < 52, "the axis fits the data, not zero: " + y.getRange());
        assertTrue(y.getUpperBound() > 80.5, "room above the highest point and its error bar: " + y.getRange());
        assertNotNull(chart.chart().getLegend(), "two lines get a legend");
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(chart.toPng()));
        assertTrue(contains(img, Charts.color(0).getRGB() & 0xFFFFFF)
                && contains(img, Charts.color(1).getRGB() & 0xFFFFFF));
        assertThrows(
                IllegalArgumentException.class,
                () -> Charts.meanStd("x", "a", "b", Map.of("s", Map.of("1", new double[] {1}))));
        assertNull(
                Charts.meanStd("one", "a", "b", Map.of("s", Map.of("1", new double[] {1, 0})))
                        .chart()
                        .getLegend(),
                "one line needs no legend");
        var points = (org.jfree.chart.renderer.category.LineAndShapeRenderer)
                Charts.meanStd("seeds", "seed", "%", series, false)
                        .chart()
                        .getCategoryPlot()
                        .getRenderer();
        assertFalse(points.getDefaultLinesVisible(), "points alone");
        assertTrue(
                ((org.jfree.chart.renderer.category.LineAndShapeRenderer) plot.getRenderer()).getDefaultLinesVisible());
    }

    @Test
    void lineBuilderOptions() {
        Chart chart = Charts.lines("Loss")
                .xLabel("step")
                .yLabel("loss")
                .series("train", new double[] {3, 2, 1.5})
                .yRange(0, 4)
                .markers(true)
                .size(400, 300)
                .build();
        assertEquals(400, chart.toImage().getWidth());
        assertEquals(4.0, chart.chart().getXYPlot().getRangeAxis().getUpperBound());
        assertNull(chart.chart().getLegend(), "one series needs no legend");
        assertEquals(2.0, chart.chart().getXYPlot().getDataset().getXValue(0, 2));
    }

    @Test
    void badSeriesAreExplained() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> Charts.line("t", "x", "y", Map.of("s", new double[][] {{1, 2}, {1}})));
        assertTrue(e.getMessage().contains("'s' has 2 x values but 1 y values"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class, () -> Charts.line("t", "x", "y", Map.of("s", new double[][] {{1, 2}})));
        assertTrue(e.getMessage().contains("{xs, ys}"), e.getMessage());
    }

    @Test
    void barChartsSingleGroupedAndFromATable() {
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("ConvNet", 0.82);
        values.put("MLP", 0.71);
        Chart bar = Charts.bar("Test accuracy", "architecture", "accuracy", values);
        assertEquals(
                List.of("ConvNet", "MLP"),
                bar.chart().getCategoryPlot().getDataset().getColumnKeys());
        assertEquals(Charts.WIDTH, bar.toImage().getWidth());

        Map<String, Map<String, Double>> groups = new LinkedHashMap<>();
        groups.put("ConvNet", Map.of("DC", 0.8));
        groups.put("MLP", Map.of("DC", 0.7));
        groups.get("ConvNet");
        Chart grouped = Charts.groupedBar("t", "arch", "acc", groups);
        assertEquals(
                0.7,
                grouped.chart()
                        .getCategoryPlot()
                        .getDataset()
                        .getValue("DC", "MLP")
                        .doubleValue());

        Table t = Table.create(
                "results",
                StringColumn.create("method", "DC", "DM"),
                DoubleColumn.create("ConvNet", 0.8, 0.75),
                DoubleColumn.create("MLP", 0.7, 0.72));
        Chart fromTable = Charts.bar(null, t, "method");
        var data = fromTable.chart().getCategoryPlot().getDataset();
        assertEquals(List.of("ConvNet", "MLP"), data.getRowKeys());
        assertEquals(0.72, data.getValue("MLP", "DM").doubleValue());
        assertEquals("results", fromTable.chart().getTitle().getText());
        BufferedImage img = fromTable.toImage();
        assertTrue(contains(img, Charts.color(1).getRGB() & 0xFFFFFF));
    }

    @Test
    void heatMapWritesEveryCellAndColoursByValue() throws IOException {
        double[][] values = {{0.9, 0.5}, {0.4, Double.NaN}};
        BufferedImage img = Charts.heatMap(
                "Cross-architecture", List.of("ConvNet", "ResNet-18"), List.of("ConvNet", "MLP"), values);
        assertTrue(img.getWidth() >= 2 * 56 && img.getHeight() >= 2 * 28);
        assertTrue(contains(img, 0x08306B), "the maximum gets the darkest colour");
        assertTrue(contains(img, 0xF7FBFF), "the minimum gets the lightest colour");
        assertTrue(contains(img, 0xEEEEEE), "the missing cell is grey");
        assertEquals(
                img.getWidth(),
                ImageIO.read(new ByteArrayInputStream(Images.toPng(img))).getWidth());

        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> Charts.heatMap("x", List.of("a"), List.of("b", "c"), new double[][] {{1}}));
        assertTrue(e.getMessage().contains("row 0 (a) has 1 values but there are 2 column labels"), e.getMessage());
    }

    @Test
    void heatMapFromTableUsesFirstColumnAsRowNames() {
        Table t = Table.create(
                "acc",
                StringColumn.create("trained on", "ConvNet", "MLP"),
                DoubleColumn.create("ConvNet", 80.0, 60.0),
                DoubleColumn.create("MLP", 70.0, 65.0));
        BufferedImage img = Charts.heatMap(t, "%.1f%%");
        assertFalse(img.getWidth() < 100);
        assertTrue(contains(img, 0x08306B));
    }
}
