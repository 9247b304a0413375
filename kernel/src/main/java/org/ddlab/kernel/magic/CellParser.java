package org.ddlab.kernel.magic;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a cell into Java code and magics, the way IPython users expect:
 * a first line {@code %%name args} makes the whole cell a cell magic; otherwise any line starting
 * with {@code %name} is a line magic, run in order between the Java parts around it.
 * Line numbers are kept so errors point at the right cell line.
 */
public final class CellParser {

    private static final Pattern CELL_MAGIC = Pattern.compile("^\\s*%%([A-Za-z_][\\w-]*)[ \\t]*(.*)$");
    private static final Pattern LINE_MAGIC = Pattern.compile("^\\s*%([A-Za-z_][\\w-]*)[ \\t]*(.*)$");

    private CellParser() {}

    /** One piece of a cell: Java code, or a line magic. {@code firstLine} is 1-based. */
    public record Part(boolean magic, String name, String text, int firstLine) {
        static Part code(String text, int firstLine) {
            return new Part(false, null, text, firstLine);
        }

        static Part lineMagic(String name, String args, int line) {
            return new Part(true, name, args, line);
        }
    }

    /** A {@code %%name args} cell: the magic's name, its argument line and the body below it. */
    public record CellMagicCall(String name, String args, String body, int bodyFirstLine) {}

    /** The cell magic call when the cell's first non-blank line starts with {@code %%}, else null. */
    public static CellMagicCall cellMagic(String cell) {
        String[] lines = cell.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            Matcher m = CELL_MAGIC.matcher(lines[i]);
            if (!m.matches()) {
                return null;
            }
            StringBuilder body = new StringBuilder();
            for (int j = i + 1; j < lines.length; j++) {
                body.append(lines[j]);
                if (j < lines.length - 1) {
                    body.append('\n');
                }
            }
            return new CellMagicCall(m.group(1), m.group(2).strip(), body.toString(), i + 2);
        }
        return null;
    }

    /** Code and line magic parts of a cell that is not a cell magic. */
    public static List<Part> parts(String cell) {
        List<Part> parts = new ArrayList<>();
        String[] lines = cell.split("\n", -1);
        StringBuilder code = new StringBuilder();
        int codeStart = 1;
        for (int i = 0; i < lines.length; i++) {
            Matcher m = LINE_MAGIC.matcher(lines[i]);
            if (m.matches() && !lines[i].stripLeading().startsWith("%%")) {
                if (!code.toString().isBlank()) {
                    parts.add(Part.code(code.toString(), codeStart));
                }
                code.setLength(0);
                parts.add(Part.lineMagic(m.group(1), m.group(2).strip(), i + 1));
                codeStart = i + 2;
            } else {
                code.append(lines[i]).append('\n');
            }
        }
        if (!code.toString().isBlank()) {
            parts.add(Part.code(code.toString(), codeStart));
        }
        return parts;
    }

    /** The cell with every magic line blanked out (same line count), for JShell's source analysis. */
    public static String withoutMagics(String cell) {
        if (cellMagic(cell) != null) {
            return "";
        }
        String[] lines = cell.split("\n", -1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            if (!LINE_MAGIC.matcher(lines[i]).matches()) {
                sb.append(lines[i]);
            }
            if (i < lines.length - 1) {
                sb.append('\n');
            }
        }
        return sb.toString();
    }
}
