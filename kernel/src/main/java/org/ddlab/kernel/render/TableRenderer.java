package org.ddlab.kernel.render;

import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import tech.tablesaw.api.Table;

/** Tablesaw {@link Table} → a plain HTML table of its first rows, and Tablesaw's own text. */
final class TableRenderer {

    /** Enough rows to see the data, few enough to keep the notebook file small. */
    static final int MAX_ROWS = 50;

    private TableRenderer() {
    }

    static void register(Renderer renderer) {
        renderer.createRegistration(Table.class)
                .preferring(MIMEType.TEXT_HTML)
                .supporting(MIMEType.TEXT_PLAIN)
                .register((table, ctx) -> {
                    ctx.renderIfRequested(MIMEType.TEXT_HTML, () -> html(table, MAX_ROWS));
                    ctx.renderIfRequested(MIMEType.TEXT_PLAIN, () -> table.print());
                });
    }

    static String html(Table table, int maxRows) {
        StringBuilder sb = new StringBuilder("<table class=\"ddlab-table\">\n");
        sb.append("<caption>").append(escape(table.name() == null ? "" : table.name()))
                .append(" (").append(table.rowCount()).append(" rows × ").append(table.columnCount())
                .append(" columns)</caption>\n<thead><tr>");
        for (String name : table.columnNames()) {
            sb.append("<th>").append(escape(name)).append("</th>");
        }
        sb.append("</tr></thead>\n<tbody>\n");
        int rows = Math.min(maxRows, table.rowCount());
        for (int r = 0; r < rows; r++) {
            sb.append("<tr>");
            for (int c = 0; c < table.columnCount(); c++) {
                sb.append("<td>").append(escape(table.getString(r, c))).append("</td>");
            }
            sb.append("</tr>\n");
        }
        if (table.rowCount() > rows) {
            sb.append("<tr><td colspan=\"").append(Math.max(1, table.columnCount())).append("\">… ")
                    .append(table.rowCount() - rows).append(" more rows</td></tr>\n");
        }
        return sb.append("</tbody>\n</table>").toString();
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
