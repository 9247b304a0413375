package org.ddlab.viz;

import java.util.Map;
import org.ddlab.data.ImageSet;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * Tablesaw tables the course shows, and a plain HTML rendering of them. The HTML has no scripts,
 * styles from outside or JavaScript widgets, and every value is escaped, so it renders the same in
 * Notebook, JupyterLab, exported HTML and GitHub's notebook viewer.
 */
public final class Tables {

    private Tables() {}

    /** One row per class: label number, class name, number of images. Named after the set. */
    public static Table counts(ImageSet set) {
        int[] counts = set.classCounts();
        IntColumn label = IntColumn.create("label");
        StringColumn name = StringColumn.create("class");
        IntColumn count = IntColumn.create("count");
        for (int c = 0; c < counts.length; c++) {
            label.append(c);
            name.append(set.className(c));
            count.append(counts[c]);
        }
        return Table.create(set.name(), label, name, count);
    }

    /** Two string columns, key and value, in the map's iteration order; nulls shown as empty. */
    public static Table keyValue(String title, Map<String, ?> entries) {
        StringColumn key = StringColumn.create("key");
        StringColumn value = StringColumn.create("value");
        entries.forEach((k, v) -> {
            key.append(k);
            value.append(v == null ? "" : String.valueOf(v));
        });
        return Table.create(title, key, value);
    }

    /**
     * A self-contained {@code <table>}: the table name as caption, a header row, at most {@code
     * maxRows} body rows (then a note saying how many were left out), numbers right-aligned.
     */
    public static String toHtml(Table table, int maxRows) {
        if (maxRows < 0) {
            throw new IllegalArgumentException("maxRows must not be negative, got " + maxRows);
        }
        StringBuilder html = new StringBuilder(256);
        html.append("<table class=\"ddlab-table\" style=\"border-collapse:collapse\">");
        if (table.name() != null && !table.name().isEmpty()) {
            html.append("<caption style=\"text-align:left;font-weight:bold\">")
                    .append(escape(table.name()))
                    .append("</caption>");
        }
        html.append("<thead><tr>");
        for (Column<?> c : table.columns()) {
            html.append("<th style=\"")
                    .append(align(c))
                    .append(";padding:2px 8px;border-bottom:1px solid #999\">")
                    .append(escape(c.name()))
                    .append("</th>");
        }
        html.append("</tr></thead><tbody>");
        int shown = Math.min(maxRows, table.rowCount());
        for (int r = 0; r < shown; r++) {
            html.append("<tr>");
            for (Column<?> c : table.columns()) {
                html.append("<td style=\"")
                        .append(align(c))
                        .append(";padding:2px 8px\">")
                        .append(c.isMissing(r) ? "" : escape(c.getString(r)))
                        .append("</td>");
            }
            html.append("</tr>");
        }
        html.append("</tbody>");
        if (shown < table.rowCount()) {
            int hidden = table.rowCount() - shown;
            html.append("<tfoot><tr><td colspan=\"")
                    .append(Math.max(1, table.columnCount()))
                    .append("\" style=\"font-style:italic;padding:2px 8px\">… ")
                    .append(hidden)
                    .append(hidden == 1 ? " more row" : " more rows")
                    .append(" (")
                    .append(table.rowCount())
                    .append(" in total)</td></tr></tfoot>");
        }
        return html.append("</table>").toString();
    }

    private static String align(Column<?> c) {
        return c instanceof NumericColumn<?> ? "text-align:right" : "text-align:left";
    }

    /** Escapes the five characters that are special in HTML text and attribute values. */
    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(ch);
            }
        }
        return out.toString();
    }

    /**
     * Plain text of the first {@code maxRows} rows, as Tablesaw prints it. Through DataFramePrinter
     * directly: {@code Table.print()} first scans the class path for writers, which is slow and, on
     * JDK 24+, prints warnings from that scanner.
     */
    public static String toText(Table table, int maxRows) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        new tech.tablesaw.io.string.DataFramePrinter(maxRows, out).print(table);
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
