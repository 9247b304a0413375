package org.ddlab.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ddlab.data.ImageSet;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class TablesTest {

    @Test
    void countsHasOneRowPerClass() {
        ImageSet set =
                ImageSet.of("toy", new float[5], new int[] {0, 2, 2, 0, 2}, 1, 1, 1, List.of("cat", "dog", "emu"));
        Table t = Tables.counts(set);
        assertEquals("toy", t.name());
        assertEquals(List.of("label", "class", "count"), t.columnNames());
        assertEquals(3, t.rowCount());
        assertEquals(List.of("cat", "dog", "emu"), t.stringColumn("class").asList());
        assertEquals(List.of(2, 0, 3), t.intColumn("count").asList());
    }

    @Test
    void keyValueKeepsOrderAndShowsNullAsEmpty() {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("engine", "PyTorch");
        facts.put("threads", 4);
        facts.put("gpu", null);
        Table t = Tables.keyValue("Engine", facts);
        assertEquals("Engine", t.name());
        assertEquals(List.of("engine", "threads", "gpu"), t.stringColumn("key").asList());
        assertEquals(List.of("PyTorch", "4", ""), t.stringColumn("value").asList());
    }

    @Test
    void htmlEscapesEverythingAndHasNoScript() {
        Table t = Table.create(
                "<b>&", StringColumn.create("na\"me", "<script>alert('x')</script>"), IntColumn.create("n", new int[] {5
                }));
        String html = Tables.toHtml(t, 10);
        assertTrue(html.startsWith("<table") && html.endsWith("</table>"), html);
        assertFalse(html.contains("<script"), html);
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), html);
        assertTrue(html.contains("<caption style=\"text-align:left;font-weight:bold\">&lt;b&gt;&amp;</caption>"), html);
        assertTrue(html.contains(">na&quot;me</th>"), html);
        assertTrue(html.contains("<td style=\"text-align:right;padding:2px 8px\">5</td>"), html);
        assertFalse(html.contains("more row"), html);
    }

    @Test
    void htmlShowsAtMostMaxRowsAndSaysHowManyAreHidden() {
        Table t = Table.create("big", IntColumn.create("i", new int[] {0, 1, 2, 3, 4, 5, 6}));
        String html = Tables.toHtml(t, 3);
        assertEquals(3, html.split("<td style=\"text-align:right", -1).length - 1, html);
        assertTrue(html.contains(">2</td>") && !html.contains(">3</td>"), html);
        assertTrue(html.contains("… 4 more rows (7 in total)"), html);
        assertTrue(Tables.toHtml(t, 6).contains("… 1 more row (7 in total)"));
    }
}
