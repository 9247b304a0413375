package org.ddlab.viz;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.category.StatisticalLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * Charts with one consistent, readable look: white background, anti-aliased lines and text, fonts
 * large enough for a projector, and the Tableau-10 palette (distinct for the colour-blind and in
 * print). Line and bar charts are JFreeChart {@link Chart}s; heat maps are drawn directly with Java2D
 * because they need the value written in every cell, which JFreeChart's block renderer cannot do.
 */
public final class Charts {

    /** Default chart size: fits a notebook cell without scrolling. */
    public static final int WIDTH = 640;

    public static final int HEIGHT = 400;

    /** Tableau 10. */
    public static final List<Color> PALETTE = List.of(
            new Color(0x4E79A7),
            new Color(0xF28E2B),
            new Color(0xE15759),
            new Color(0x76B7B2),
            new Color(0x59A14F),
            new Color(0xEDC948),
            new Color(0xB07AA1),
            new Color(0xFF9DA7),
            new Color(0x9C755F),
            new Color(0xBAB0AC));

    static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 16);
    static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    private static final Color GRID = new Color(0xDD, 0xDD, 0xDD);
    private static final Color TEXT = new Color(0x33, 0x33, 0x33);

    private Charts() {}

    /**
     * A line chart, one line per entry: {@code series.get(name)} is {@code {xs, ys}} (two rows of equal
     * length), e.g. {@code Map.of("DC", new double[][] {iterations, accuracy})}. Use a LinkedHashMap to
     * fix the legend order.
     */
    public static Chart line(String title, String xLabel, String yLabel, Map<String, double[][]> series) {
        Lines lines = lines(title).xLabel(xLabel).yLabel(yLabel);
        series.forEach((name, xy) -> {
            if (xy.length != 2) {
                throw new IllegalArgumentException(
                        "series '" + name + "' must be {xs, ys} (2 rows), got " + xy.length + " rows");
            }
            lines.series(name, xy[0], xy[1]);
        });
        return lines.build();
    }

    /** A builder for line charts with more options than {@link #line}. */
    public static Lines lines(String title) {
        return new Lines(title);
    }

    /** Builder for a line chart: accuracy or loss against iterations, several series. */
    public static final class Lines {
        private final String title;
        private String xLabel = "";
        private String yLabel = "";
        private final XYSeriesCollection data = new XYSeriesCollection();
        private double yLow = Double.NaN;
        private double yHigh = Double.NaN;
        private boolean markers;
        private int width = WIDTH;
        private int height = HEIGHT;

        private Lines(String title) {
            this.title = title;
        }

        public Lines xLabel(String label) {
            this.xLabel = label;
            return this;
        }

        public Lines yLabel(String label) {
            this.yLabel = label;
            return this;
        }

        /** A series of points (xs[i], ys[i]); NaN y values leave a gap. */
        public Lines series(String name, double[] xs, double[] ys) {
            if (xs.length != ys.length) {
                throw new IllegalArgumentException(
                        "series '" + name + "' has " + xs.length + " x values but " + ys.length + " y values");
            }
            if (data.getSeriesIndex(name) >= 0) {
                throw new IllegalArgumentException("series '" + name + "' was added twice; series names must differ");
            }
            XYSeries s = new XYSeries(name, false, true);
            for (int i = 0; i < xs.length; i++) {
                s.add(xs[i], Double.isNaN(ys[i]) ? null : ys[i]);
            }
            data.addSeries(s);
            return this;
        }

        /** A series against 0, 1, 2, ... */
        public Lines series(String name, double[] ys) {
            double[] xs = new double[ys.length];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = i;
            }
            return series(name, xs, ys);
        }

        /** Fixes the y axis, e.g. 0..1 for accuracy, so charts of different runs compare by eye. */
        public Lines yRange(double low, double high) {
            if (!(low < high)) {
                throw new IllegalArgumentException("y range must have low < high, got " + low + ".." + high);
            }
            this.yLow = low;
            this.yHigh = high;
            return this;
        }

        /** Draws a dot at every point; useful when there are few points. */
        public Lines markers(boolean show) {
            this.markers = show;
            return this;
        }

        public Lines size(int width, int height) {
            this.width = width;
            this.height = height;
            return this;
        }

        public Chart build() {
            JFreeChart chart = ChartFactory.createXYLineChart(
                    title, xLabel, yLabel, data, PlotOrientation.VERTICAL, data.getSeriesCount() > 1, false, false);
            XYPlot plot = styleXYPlot(chart);
            NumberAxis y = (NumberAxis) plot.getRangeAxis();
            if (!Double.isNaN(yLow)) {
                y.setRange(yLow, yHigh);
            }
            XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, markers);
            for (int i = 0; i < data.getSeriesCount(); i++) {
                renderer.setSeriesPaint(i, color(i));
                renderer.setSeriesStroke(i, new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                renderer.setSeriesShape(i, new Ellipse2D.Double(-3, -3, 6, 6));
            }
            plot.setRenderer(renderer);
            return new Chart(styleChart(chart), width, height);
        }
    }

    /** The house style of an x-y plot: white, light grid, no outline, axes that need not include zero. */
    private static XYPlot styleXYPlot(JFreeChart chart) {
        XYPlot plot = chart.getXYPlot();
        stylePlotArea(plot.getDomainAxis(), plot.getRangeAxis());
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(GRID);
        plot.setRangeGridlinePaint(GRID);
        plot.setOutlineVisible(false);
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
        ((NumberAxis) plot.getDomainAxis()).setAutoRangeIncludesZero(false);
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        return plot;
    }

    /** A builder for scatter plots: 2-D projections of embeddings, one colour per group of points. */
    public static Scatter scatter(String title) {
        return new Scatter(title);
    }

    /**
     * Builder for a scatter plot. Groups are drawn in the order added, so add the background cloud
     * first and the points to look at last; each group has its own colour and dot size.
     */
    public static final class Scatter {
        private final String title;
        private String xLabel = "";
        private String yLabel = "";
        private final XYSeriesCollection data = new XYSeriesCollection();
        private final List<Double> sizes = new ArrayList<>();
        private final List<Color> colours = new ArrayList<>();
        private int width = WIDTH;
        private int height = HEIGHT;

        private Scatter(String title) {
            this.title = title;
        }

        public Scatter xLabel(String label) {
            this.xLabel = label;
            return this;
        }

        public Scatter yLabel(String label) {
            this.yLabel = label;
            return this;
        }

        /** Points (xs[i], ys[i]) in the next palette colour, dots of {@code size} pixels. */
        public Scatter points(String name, double[] xs, double[] ys, double size) {
            return points(name, xs, ys, size, color(data.getSeriesCount()));
        }

        /** Points in a given colour (e.g. light grey for the background cloud). */
        public Scatter points(String name, double[] xs, double[] ys, double size, Color colour) {
            if (xs.length != ys.length) {
                throw new IllegalArgumentException(
                        "group '" + name + "' has " + xs.length + " x values but " + ys.length + " y values");
            }
            if (data.getSeriesIndex(name) >= 0) {
                throw new IllegalArgumentException("group '" + name + "' was added twice; names must differ");
            }
            if (!(size > 0)) {
                throw new IllegalArgumentException("dot size must be positive, got " + size);
            }
            XYSeries s = new XYSeries(name, false, true);
            for (int i = 0; i < xs.length; i++) {
                s.add(xs[i], ys[i]);
            }
            data.addSeries(s);
            sizes.add(size);
            colours.add(colour);
            return this;
        }

        public Scatter size(int width, int height) {
            this.width = width;
            this.height = height;
            return this;
        }

        public Chart build() {
            JFreeChart chart = ChartFactory.createScatterPlot(
                    title, xLabel, yLabel, data, PlotOrientation.VERTICAL, data.getSeriesCount() > 1, false, false);
            XYPlot plot = styleXYPlot(chart);
            XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(false, true);
            // JFreeChart draws series in reverse order by default; forward order puts later groups on top.
            plot.setSeriesRenderingOrder(org.jfree.chart.plot.SeriesRenderingOrder.FORWARD);
            for (int i = 0; i < data.getSeriesCount(); i++) {
                double d = sizes.get(i);
                renderer.setSeriesPaint(i, colours.get(i));
                renderer.setSeriesShape(i, new Ellipse2D.Double(-d / 2, -d / 2, d, d));
            }
            plot.setRenderer(renderer);
            return new Chart(styleChart(chart), width, height);
        }
    }

    /** A bar per entry, in the map's order (use a LinkedHashMap), with the value written above each bar. */
    public static Chart bar(String title, String categoryLabel, String valueLabel, Map<String, Double> values) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        values.forEach((category, v) -> data.addValue(v, valueLabel, category));
        return barChart(title, categoryLabel, valueLabel, data, false);
    }

    /**
     * Grouped bars: {@code groups.get(category).get(series)}, e.g. {@code {"ConvNet": {"DC": 0.71,
     * "DSA": 0.73}, "MLP": {...}}} draws, for each architecture, one bar per method, with a legend.
     */
    public static Chart groupedBar(
            String title, String categoryLabel, String valueLabel, Map<String, ? extends Map<String, Double>> groups) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        groups.forEach((category, bySeries) -> bySeries.forEach((series, v) -> data.addValue(v, series, category)));
        return barChart(title, categoryLabel, valueLabel, data, data.getRowCount() > 1);
    }

    /**
     * Grouped bars from a table: one group per row named by {@code categoryColumn}, one bar per value
     * column (all numeric columns when none are named).
     */
    public static Chart bar(String title, Table table, String categoryColumn, String... valueColumns) {
        List<String> columns = new ArrayList<>(List.of(valueColumns));
        if (columns.isEmpty()) {
            for (Column<?> c : table.columns()) {
                if (c instanceof NumericColumn<?> && !c.name().equals(categoryColumn)) {
                    columns.add(c.name());
                }
            }
        }
        if (columns.isEmpty()) {
            throw new IllegalArgumentException(
                    "table '" + table.name() + "' has no numeric column to plot; columns are " + table.columnNames());
        }
        Column<?> categories = table.column(categoryColumn);
        Map<String, Map<String, Double>> groups = new LinkedHashMap<>();
        for (int r = 0; r < table.rowCount(); r++) {
            Map<String, Double> bars = groups.computeIfAbsent(categories.getString(r), k -> new LinkedHashMap<>());
            for (String name : columns) {
                if (!(table.column(name) instanceof NumericColumn<?> numeric)) {
                    throw new IllegalArgumentException(
                            "column '" + name + "' of '" + table.name() + "' is not numeric");
                }
                bars.put(name, numeric.isMissing(r) ? null : numeric.getDouble(r));
            }
        }
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        groups.forEach((category, bySeries) -> bySeries.forEach((series, v) -> data.addValue(v, series, category)));
        String value = columns.size() == 1 ? columns.get(0) : "";
        return barChart(title == null ? table.name() : title, categoryColumn, value, data, columns.size() > 1);
    }

    /**
     * Points with error bars over categories, one line per series: {@code series.get(name).get(category)}
     * is {@code {mean, std}} (a std of 0 or NaN draws no bar), e.g. the validation accuracy of an ablation
     * over a setting's values (categories, in the maps' order), one line per value of a second setting.
     * Each point is labelled with its mean. The value axis fits the data instead of starting at zero, so
     * differences of a point or two stay visible; read it with the error bars.
     */
    public static Chart meanStd(
            String title,
            String categoryLabel,
            String valueLabel,
            Map<String, ? extends Map<String, double[]>> series) {
        return meanStd(title, categoryLabel, valueLabel, series, true);
    }

    /**
     * As {@link #meanStd(String, String, String, Map)}; {@code lines} false draws the points alone, for
     * categories with no order (seeds, say) where a line between them would suggest a trend.
     */
    public static Chart meanStd(
            String title,
            String categoryLabel,
            String valueLabel,
            Map<String, ? extends Map<String, double[]>> series,
            boolean lines) {
        DefaultStatisticalCategoryDataset data = new DefaultStatisticalCategoryDataset();
        series.forEach((name, byCategory) -> byCategory.forEach((category, ms) -> {
            if (ms == null || ms.length != 2) {
                throw new IllegalArgumentException(
                        "series '" + name + "', category '" + category + "': need {mean, std}");
            }
            double std = Double.isNaN(ms[1]) ? 0 : ms[1];
            data.add(ms[0], std, name, category);
        }));
        JFreeChart chart = ChartFactory.createLineChart(
                title, categoryLabel, valueLabel, data, PlotOrientation.VERTICAL, series.size() > 1, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        stylePlotArea(plot.getDomainAxis(), plot.getRangeAxis());
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(GRID);
        plot.setOutlineVisible(false);
        StatisticalLineAndShapeRenderer renderer = new StatisticalLineAndShapeRenderer(lines, true);
        for (int i = 0; i < data.getRowCount(); i++) {
            renderer.setSeriesPaint(i, color(i));
            renderer.setSeriesStroke(i, new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            renderer.setSeriesShape(i, new Ellipse2D.Double(-4, -4, 8, 8));
        }
        renderer.setErrorIndicatorPaint(TEXT);
        renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", decimalFormat("0.0")));
        renderer.setDefaultItemLabelFont(TICK_FONT);
        renderer.setDefaultItemLabelPaint(TEXT);
        renderer.setDefaultItemLabelsVisible(true);
        plot.setRenderer(renderer);
        NumberAxis y = (NumberAxis) plot.getRangeAxis();
        y.setAutoRangeIncludesZero(false);
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int r = 0; r < data.getRowCount(); r++) {
            for (int c = 0; c < data.getColumnCount(); c++) {
                Number m = data.getMeanValue(r, c);
                if (m == null || Double.isNaN(m.doubleValue())) {
                    continue;
                }
                Number sd = data.getStdDevValue(r, c);
                double d = sd == null ? 0 : sd.doubleValue();
                lo = Math.min(lo, m.doubleValue() - d);
                hi = Math.max(hi, m.doubleValue() + d);
            }
        }
        if (lo <= hi) {
            // Room for the labels above the highest point; at least 2 units tall so equal values do not fill the plot.
            double pad = Math.max(1, 0.15 * (hi - lo));
            y.setRange(lo - pad, hi + 1.5 * pad);
        }
        return new Chart(styleChart(chart), WIDTH, HEIGHT);
    }

    private static Chart barChart(
            String title, String categoryLabel, String valueLabel, DefaultCategoryDataset data, boolean legend) {
        JFreeChart chart = ChartFactory.createBarChart(
                title, categoryLabel, valueLabel, data, PlotOrientation.VERTICAL, legend, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        stylePlotArea(plot.getDomainAxis(), plot.getRangeAxis());
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(GRID);
        plot.setOutlineVisible(false);
        BarRenderer renderer = (BarRenderer) plot.getRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setDrawBarOutline(false);
        renderer.setItemMargin(0.05);
        renderer.setMaximumBarWidth(0.2);
        for (int i = 0; i < data.getRowCount(); i++) {
            renderer.setSeriesPaint(i, color(i));
        }
        renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", decimalFormat("0.###")));
        renderer.setDefaultItemLabelFont(TICK_FONT);
        renderer.setDefaultItemLabelPaint(TEXT);
        renderer.setDefaultItemLabelsVisible(true);
        // Leave room above the tallest bar for its label.
        ((NumberAxis) plot.getRangeAxis()).setUpperMargin(0.12);
        return new Chart(styleChart(chart), WIDTH, HEIGHT);
    }

    /**
     * A table of numbers as coloured cells with each value written in, e.g. test accuracy of images
     * distilled on one architecture (rows) and evaluated on another (columns). Light = low, dark =
     * high; NaN cells are grey with a dash. Values are printed with {@code %.3f} unless all are whole
     * numbers.
     */
    public static BufferedImage heatMap(
            String title, List<String> rowLabels, List<String> columnLabels, double[][] values) {
        return heatMap(title, rowLabels, columnLabels, values, null);
    }

    /** As {@link #heatMap(String, List, List, double[][])} with a {@link String#format} pattern such as "%.1f%%". */
    public static BufferedImage heatMap(
            String title, List<String> rowLabels, List<String> columnLabels, double[][] values, String format) {
        return new HeatMap(title, rowLabels, columnLabels, values, format).draw();
    }

    /** A heat map of a table: the first column names the rows, the numeric columns are the cells. */
    public static BufferedImage heatMap(Table table, String format) {
        Column<?> names = table.column(0);
        List<String> rows = new ArrayList<>();
        for (int r = 0; r < table.rowCount(); r++) {
            rows.add(names.getString(r));
        }
        List<String> cols = new ArrayList<>();
        List<NumericColumn<?>> numeric = new ArrayList<>();
        for (int c = 1; c < table.columnCount(); c++) {
            if (table.column(c) instanceof NumericColumn<?> n) {
                cols.add(n.name());
                numeric.add(n);
            }
        }
        double[][] values = new double[rows.size()][cols.size()];
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < cols.size(); c++) {
                values[r][c] = numeric.get(c).isMissing(r)
                        ? Double.NaN
                        : numeric.get(c).getDouble(r);
            }
        }
        return heatMap(table.name(), rows, cols, values, format);
    }

    /** The palette colour for series {@code i}, cycling after 10. */
    public static Color color(int i) {
        return PALETTE.get(Math.floorMod(i, PALETTE.size()));
    }

    private static void stylePlotArea(org.jfree.chart.axis.Axis domain, ValueAxis range) {
        for (org.jfree.chart.axis.Axis axis : List.of(domain, range)) {
            axis.setLabelFont(LABEL_FONT);
            axis.setLabelPaint(TEXT);
            axis.setTickLabelFont(TICK_FONT);
            axis.setTickLabelPaint(TEXT);
            axis.setAxisLinePaint(GRID.darker());
        }
        if (domain instanceof CategoryAxis c) {
            c.setCategoryMargin(0.2);
            c.setMaximumCategoryLabelLines(2);
        }
    }

    private static JFreeChart styleChart(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);
        chart.setPadding(new RectangleInsets(8, 8, 8, 12));
        if (chart.getTitle() != null) {
            chart.getTitle().setFont(TITLE_FONT);
            chart.getTitle().setPaint(TEXT);
        }
        LegendTitle legend = chart.getLegend();
        if (legend != null) {
            legend.setItemFont(LABEL_FONT);
            legend.setItemPaint(TEXT);
            legend.setFrame(org.jfree.chart.block.BlockBorder.NONE);
            legend.setBackgroundPaint(Color.WHITE);
            legend.setPosition(RectangleEdge.BOTTOM);
        }
        return chart;
    }

    private static DecimalFormat decimalFormat(String pattern) {
        return new DecimalFormat(pattern, DecimalFormatSymbols.getInstance(Locale.ROOT));
    }

    /** Lays out and draws a heat map; sizes follow the text so long architecture names fit. */
    private static final class HeatMap {
        private static final Color LOW = new Color(0xF7FBFF);
        private static final Color HIGH = new Color(0x08306B);
        private static final Color MISSING = new Color(0xEEEEEE);
        private static final int PAD = 12;

        private final String title;
        private final List<String> rows;
        private final List<String> cols;
        private final double[][] values;
        private final String format;
        private final double min;
        private final double max;

        HeatMap(String title, List<String> rows, List<String> cols, double[][] values, String format) {
            if (values.length != rows.size()) {
                throw new IllegalArgumentException(
                        rows.size() + " row labels but " + values.length + " rows of values");
            }
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            boolean whole = true;
            for (int r = 0; r < values.length; r++) {
                if (values[r].length != cols.size()) {
                    throw new IllegalArgumentException("row " + r + " (" + rows.get(r) + ") has " + values[r].length
                            + " values but there are " + cols.size() + " column labels");
                }
                for (double v : values[r]) {
                    if (!Double.isNaN(v)) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                        whole &= v == Math.rint(v) && Math.abs(v) < 1e15;
                    }
                }
            }
            this.title = title;
            this.rows = List.copyOf(rows);
            this.cols = List.copyOf(cols);
            this.values = values;
            this.format = format != null ? format : whole ? "%.0f" : "%.3f";
            this.min = lo;
            this.max = hi;
        }

        BufferedImage draw() {
            Font cellFont = LABEL_FONT;
            Font titleFont = TITLE_FONT;
            FontMetrics lm = metrics(LABEL_FONT);
            FontMetrics tm = metrics(titleFont);
            int cellW = 56;
            for (String c : cols) {
                cellW = Math.max(cellW, lm.stringWidth(c) + 12);
            }
            for (double[] row : values) {
                for (double v : row) {
                    cellW = Math.max(cellW, lm.stringWidth(text(v)) + 12);
                }
            }
            int cellH = Math.max(28, lm.getHeight() + 12);
            int rowLabelW = 0;
            for (String r : rows) {
                rowLabelW = Math.max(rowLabelW, lm.stringWidth(r));
            }
            int left = PAD + rowLabelW + (rowLabelW > 0 ? 8 : 0);
            int titleH = title == null || title.isEmpty() ? 0 : tm.getHeight() + 8;
            int top = PAD + titleH + lm.getHeight() + 4;
            int gridW = cellW * cols.size();
            int gridH = cellH * rows.size();
            int legendH = lm.getHeight() + 16;
            int width = Math.max(left + gridW + PAD, PAD * 2 + (titleH > 0 ? tm.stringWidth(title) : 0));
            width = Math.max(width, left + 240 + PAD);
            int height = top + gridH + 10 + legendH + PAD;

            BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            try {
                g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
                g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
                g.setColor(Color.WHITE);
                g.fillRect(0, 0, width, height);
                if (titleH > 0) {
                    g.setFont(titleFont);
                    g.setColor(TEXT);
                    g.drawString(title, PAD, PAD + tm.getAscent());
                }
                g.setFont(cellFont);
                for (int c = 0; c < cols.size(); c++) {
                    String s = cols.get(c);
                    g.setColor(TEXT);
                    g.drawString(s, left + c * cellW + (cellW - lm.stringWidth(s)) / 2, top - 4 - lm.getDescent());
                }
                for (int r = 0; r < rows.size(); r++) {
                    int y = top + r * cellH;
                    g.setColor(TEXT);
                    g.drawString(
                            rows.get(r),
                            left - 8 - lm.stringWidth(rows.get(r)),
                            y + (cellH + lm.getAscent() - lm.getDescent()) / 2);
                    for (int c = 0; c < cols.size(); c++) {
                        double v = values[r][c];
                        Color fill = fill(v);
                        int x = left + c * cellW;
                        g.setColor(fill);
                        g.fillRect(x, y, cellW, cellH);
                        g.setColor(Color.WHITE);
                        g.drawRect(x, y, cellW, cellH);
                        String s = text(v);
                        g.setColor(luminance(fill) < 0.5 ? Color.WHITE : TEXT);
                        g.drawString(
                                s,
                                x + (cellW - lm.stringWidth(s)) / 2,
                                y + (cellH + lm.getAscent() - lm.getDescent()) / 2);
                    }
                }
                // Outline the grid so the lightest cells stay visible against the white background.
                g.setColor(GRID);
                g.drawRect(left, top, gridW, gridH);
                drawLegend(g, lm, left, top + gridH + 10);
            } finally {
                g.dispose();
            }
            return image;
        }

        private void drawLegend(Graphics2D g, FontMetrics lm, int x, int y) {
            if (Double.isInfinite(min)) {
                return;
            }
            String lo = text(min);
            String hi = text(max);
            int barW = 120;
            int barH = 10;
            g.setColor(TEXT);
            g.drawString(lo, x, y + lm.getAscent());
            int bx = x + lm.stringWidth(lo) + 6;
            g.setPaint(new GradientPaint(bx, 0, LOW, bx + barW, 0, HIGH));
            g.fillRect(bx, y + (lm.getHeight() - barH) / 2, barW, barH);
            g.setColor(GRID);
            g.drawRect(bx, y + (lm.getHeight() - barH) / 2, barW, barH);
            g.setColor(TEXT);
            g.drawString(hi, bx + barW + 6, y + lm.getAscent());
        }

        private String text(double v) {
            return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, format, v);
        }

        /** Linear in the value between the lightest and darkest blue; all-equal values get the middle. */
        Color fill(double v) {
            if (Double.isNaN(v)) {
                return MISSING;
            }
            double t = max > min ? (v - min) / (max - min) : 0.5;
            return new Color(
                    mix(LOW.getRed(), HIGH.getRed(), t),
                    mix(LOW.getGreen(), HIGH.getGreen(), t),
                    mix(LOW.getBlue(), HIGH.getBlue(), t));
        }

        private static int mix(int a, int b, double t) {
            return (int) Math.round(a + (b - a) * t);
        }

        private static double luminance(Color c) {
            return (0.2126 * c.getRed() + 0.7152 * c.getGreen() + 0.0722 * c.getBlue()) / 255.0;
        }

        private static FontMetrics metrics(Font font) {
            BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = probe.createGraphics();
            try {
                g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
                return g.getFontMetrics(font);
            } finally {
                g.dispose();
            }
        }
    }
}
