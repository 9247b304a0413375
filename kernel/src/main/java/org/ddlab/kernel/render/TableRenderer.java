package org.ddlab.kernel.render;

import org.ddlab.viz.Tables;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import tech.tablesaw.api.Table;

/** Tablesaw {@link Table} → a plain HTML table of its first rows (no scripts: renders offline), and text. */
final class TableRenderer {

    /** Enough rows to see the data, few enough to keep the notebook file small. */
    static final int MAX_ROWS = 50;

    private TableRenderer() {}

    static void register(Renderer renderer) {
        renderer.createRegistration(Table.class)
                .preferring(MIMEType.TEXT_HTML)
                .supporting(MIMEType.TEXT_PLAIN)
                .register((table, ctx) -> {
                    ctx.renderIfRequested(MIMEType.TEXT_HTML, () -> Tables.toHtml(table, MAX_ROWS));
                    ctx.renderIfRequested(MIMEType.TEXT_PLAIN, () -> Tables.toText(table, MAX_ROWS));
                });
    }
}
