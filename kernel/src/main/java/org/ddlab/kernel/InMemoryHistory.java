package org.ddlab.kernel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.dflib.jjava.jupyter.kernel.history.HistoryEntry;
import org.dflib.jjava.jupyter.kernel.history.HistoryManager;

/**
 * The cells this kernel ran, kept in memory for Jupyter's history requests (tail, range,
 * search). One session: the history ends with the kernel process, as nothing here needs more.
 */
public final class InMemoryHistory implements HistoryManager {

    /** Session number reported to clients; they only compare it with itself. */
    static final int SESSION = 1;

    private record Cell(int number, String input, String output) {}

    private final List<Cell> cells = new ArrayList<>();

    public synchronized void add(int executionCount, String input, String output) {
        cells.add(new Cell(executionCount, input, output == null ? "" : output));
    }

    @Override
    public synchronized List<HistoryEntry> lookupTail(int length, Set<ResultFlag> flags) {
        int from = Math.max(0, cells.size() - Math.max(0, length));
        return entries(cells.subList(from, cells.size()), flags);
    }

    @Override
    public synchronized List<HistoryEntry> lookupRange(
            int sessionOffset, int startCell, int endCell, Set<ResultFlag> flags) {
        if (sessionOffset != 0 && sessionOffset != SESSION) {
            return List.of();
        }
        List<Cell> hits = new ArrayList<>();
        for (Cell c : cells) {
            if (c.number() >= startCell && c.number() < endCell) {
                hits.add(c);
            }
        }
        return entries(hits, flags);
    }

    @Override
    public synchronized List<HistoryEntry> search(String pattern, int length, Set<ResultFlag> flags) {
        Pattern glob = globToRegex(pattern == null ? "*" : pattern);
        List<Cell> hits = new ArrayList<>();
        for (Cell c : cells) {
            if (glob.matcher(c.input()).matches()) {
                hits.add(c);
            }
        }
        if (flags.contains(ResultFlag.UNIQUE)) {
            // keep the latest run of each distinct input, in order of that run
            Map<String, Cell> latest = new LinkedHashMap<>();
            for (Cell c : hits) {
                latest.remove(c.input());
                latest.put(c.input(), c);
            }
            hits = new ArrayList<>(latest.values());
        }
        if (length > 0 && hits.size() > length) {
            hits = hits.subList(hits.size() - length, hits.size());
        }
        return entries(hits, flags);
    }

    private static List<HistoryEntry> entries(List<Cell> cells, Set<ResultFlag> flags) {
        boolean output = flags.contains(ResultFlag.INCLUDE_OUTPUT);
        List<HistoryEntry> out = new ArrayList<>();
        for (Cell c : cells) {
            out.add(new HistoryEntry(SESSION, c.number(), c.input(), output ? c.output() : null));
        }
        return out;
    }

    /** SQLite GLOB, as Jupyter specifies for history search: *, ?, [abc], [^a-z]. */
    static Pattern globToRegex(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                case '[' -> {
                    int close = glob.indexOf(']', i + 2);
                    if (close < 0) {
                        re.append("\\[");
                    } else {
                        String body = glob.substring(i + 1, close);
                        re.append('[').append(body.replace("\\", "\\\\")).append(']');
                        i = close;
                    }
                }
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}
