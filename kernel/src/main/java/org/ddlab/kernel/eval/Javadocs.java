package org.ddlab.kernel.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A doc comment as plain text, for an inspection answer shown as text/plain (a notebook's Shift-Tab pop-up). JShell
 * hands back the comment as written: HTML, inline tags such as {@code {@code x}}, and lines broken where the source
 * broke them. Here paragraphs are joined into lines, code blocks keep their lines, inline tags become their text,
 * list items become "- " lines, and each block tag ({@code @param}, {@code @return}, ...) starts a line.
 */
final class Javadocs {

    private static final Pattern TAG = Pattern.compile("<(/?)([a-zA-Z0-9]+)[^>]*>");
    private static final Pattern BLOCK_TAG = Pattern.compile("(?m)^\\s*@(\\w+)");

    private Javadocs() {}

    static String plain(String comment) {
        String text = inlineTags(comment);
        List<String> out = new ArrayList<>();
        StringBuilder paragraph = new StringBuilder();
        List<String> code = null; // the lines of a <pre> block while inside one
        for (String rawLine : text.split("\n", -1)) {
            String line = rawLine.startsWith(" ") ? rawLine.substring(1) : rawLine;
            if (code == null) {
                int start = line.toLowerCase(Locale.ROOT).indexOf("<pre>");
                if (start < 0) {
                    if (BLOCK_TAG.matcher(line).lookingAt() || line.isBlank()) {
                        flush(paragraph, out);
                    }
                    paragraph.append(' ').append(line);
                    continue;
                }
                paragraph.append(' ').append(line, 0, start);
                flush(paragraph, out);
                code = new ArrayList<>();
                line = line.substring(start + "<pre>".length());
            }
            int end = line.toLowerCase(Locale.ROOT).indexOf("</pre>");
            code.add(entities(end < 0 ? line : line.substring(0, end)));
            if (end >= 0) {
                addCode(code, out);
                code = null;
                paragraph.append(' ').append(line.substring(end + "</pre>".length()));
            }
        }
        if (code != null) {
            addCode(code, out);
        }
        flush(paragraph, out);
        return String.join("\n", out).strip();
    }

    /** A code block: its lines less their common indentation, indented by four, apart from the text around. */
    private static void addCode(List<String> code, List<String> out) {
        while (!code.isEmpty() && code.get(0).isBlank()) {
            code.remove(0);
        }
        while (!code.isEmpty() && code.get(code.size() - 1).isBlank()) {
            code.remove(code.size() - 1);
        }
        int indent = code.stream()
                .filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length())
                .min()
                .orElse(0);
        if (!out.isEmpty()) {
            out.add("");
        }
        code.forEach(l -> out.add(
                l.isBlank()
                        ? ""
                        : "    " + l.substring(Math.min(indent, l.length())).stripTrailing()));
        out.add("");
    }

    /** Appends the paragraph as one line of text (HTML made plain), separating paragraphs by a blank line. */
    private static void flush(StringBuilder paragraph, List<String> out) {
        String html = paragraph.toString();
        paragraph.setLength(0);
        StringBuilder text = new StringBuilder();
        Matcher m = TAG.matcher(html);
        int at = 0;
        while (m.find()) {
            text.append(html, at, m.start());
            String name = m.group(2).toLowerCase(Locale.ROOT);
            boolean closing = !m.group(1).isEmpty();
            if (!closing && (name.equals("p") || name.equals("ul") || name.equals("ol") || name.equals("table"))) {
                text.append("\n\n");
            } else if (!closing && name.equals("li")) {
                text.append("\n- ");
            } else if (!closing && (name.equals("br") || name.equals("tr"))) {
                text.append('\n');
            }
            at = m.end();
        }
        text.append(html.substring(at));
        for (String block : entities(text.toString()).split("\n\n")) {
            List<String> lines = new ArrayList<>();
            for (String l : block.split("\n")) {
                String joined = l.replaceAll("\\s+", " ").strip();
                if (!joined.isEmpty()) {
                    lines.add(joined);
                }
            }
            if (lines.isEmpty()) {
                continue;
            }
            if (!out.isEmpty()
                    && !out.get(out.size() - 1).isEmpty()
                    && !BLOCK_TAG.matcher(lines.get(0)).lookingAt()) {
                out.add("");
            }
            out.addAll(lines);
        }
    }

    /** {@code {@code x}}, {@code {@literal x}} become x; {@code {@link A#b label}} becomes label, without one A.b. */
    static String inlineTags(String s) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            int open = s.indexOf("{@", i);
            if (open < 0) {
                out.append(s, i, s.length());
                break;
            }
            out.append(s, i, open);
            int depth = 0;
            int close = -1;
            for (int j = open; j < s.length(); j++) {
                char c = s.charAt(j);
                if (c == '{') {
                    depth++;
                } else if (c == '}' && --depth == 0) {
                    close = j;
                    break;
                }
            }
            if (close < 0) {
                out.append(s, open, s.length());
                break;
            }
            String body = s.substring(open + 2, close);
            int space = 0;
            while (space < body.length() && !Character.isWhitespace(body.charAt(space))) {
                space++;
            }
            space = space == body.length() ? -1 : space;
            String tag = space < 0 ? body : body.substring(0, space);
            // A code tag keeps its text's lines and indentation: it may be a whole code block.
            String arg = space < 0 ? "" : body.substring(space);
            arg = tag.equals("code") ? arg.replaceFirst("^[ \\t]+", "").stripTrailing() : arg.strip();
            switch (tag) {
                case "link", "linkplain" -> {
                    int labelAt = arg.indexOf(' ') < 0 ? arg.indexOf('\n') : arg.indexOf(' ');
                    String ref = labelAt < 0 ? arg : arg.substring(0, labelAt);
                    String label = labelAt < 0 ? "" : arg.substring(labelAt + 1).strip();
                    out.append(
                            label.isEmpty() ? (ref.startsWith("#") ? ref.substring(1) : ref.replace('#', '.')) : label);
                }
                case "code", "literal", "value", "systemProperty", "index" ->
                    out.append(
                            tag.equals("code") || tag.equals("literal")
                                    ? arg.replace("<", "&lt;").replace(">", "&gt;")
                                    : arg);
                default -> out.append(arg);
            }
            i = close + 1;
        }
        return out.toString();
    }

    private static String entities(String s) {
        return s.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&#64;", "@")
                .replace("&nbsp;", " ")
                .replace("&amp;", "&");
    }
}
