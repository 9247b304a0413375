package org.ddlab.kernel.magic;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.ddlab.kernel.eval.JShellEvaluator;
import org.ddlab.kernel.eval.KernelException;

/**
 * The kernel's magics. A small registry of our own rather than jjava's MagicTranspiler: that
 * one rewrites magics into Java calls back into the kernel, which would run them on the snippet
 * thread; here a magic runs on the kernel thread between the Java parts of the cell.
 */
public final class Magics {

    /** {@code %name args}. Returns the value to show, or null. */
    @FunctionalInterface
    public interface LineMagic {
        Object run(String args, int line) throws Exception;
    }

    /** {@code %%name args} followed by the cell body. */
    @FunctionalInterface
    public interface CellMagic {
        Object run(String args, String body, int bodyFirstLine) throws Exception;
    }

    private final JShellEvaluator evaluator;
    private final MavenResolver maven;
    private final Map<String, LineMagic> lineMagics = new TreeMap<>();
    private final Map<String, CellMagic> cellMagics = new TreeMap<>();

    public Magics(JShellEvaluator evaluator, MavenResolver maven) {
        this.evaluator = evaluator;
        this.maven = maven;
        lineMagics.put("classpath", (args, line) -> addToClasspath(args, false));
        lineMagics.put("jars", (args, line) -> addToClasspath(args, true));
        lineMagics.put("maven", (args, line) -> addMaven(args));
        lineMagics.put("load", (args, line) -> load(args));
        lineMagics.put("time", (args, line) -> time(() -> evaluator.evalJava(args, line)));
        lineMagics.put(
                "lsmagic",
                (args, line) -> "line magics: %" + String.join(", %", lineMagics.keySet()) + "\ncell magics: %%"
                        + String.join(", %%", cellMagics.keySet()));
        cellMagics.put("time", (args, body, first) -> time(() -> evaluator.evalCell(body, first)));
    }

    public void registerLineMagic(String name, LineMagic magic) {
        lineMagics.put(name, magic);
    }

    public void registerCellMagic(String name, CellMagic magic) {
        cellMagics.put(name, magic);
    }

    public List<String> names() {
        List<String> names = new ArrayList<>();
        lineMagics.keySet().forEach(n -> names.add("%" + n));
        cellMagics.keySet().forEach(n -> names.add("%%" + n));
        return names;
    }

    public Object runLine(String name, String args, int line) throws Exception {
        LineMagic magic = lineMagics.get(name);
        if (magic == null) {
            throw new KernelException("Unknown line magic %" + name + " (line " + line + "). Known line magics: %"
                    + String.join(", %", lineMagics.keySet()) + "; cell magics: %%"
                    + String.join(", %%", cellMagics.keySet()));
        }
        return magic.run(args, line);
    }

    public Object runCell(String name, String args, String body, int bodyFirstLine) throws Exception {
        CellMagic magic = cellMagics.get(name);
        if (magic == null) {
            throw new KernelException("Unknown cell magic %%" + name + ". Known cell magics: %%"
                    + String.join(", %%", cellMagics.keySet()) + "; line magics: %"
                    + String.join(", %", lineMagics.keySet()));
        }
        return magic.run(args, body, bodyFirstLine);
    }

    // ---- %classpath / %jars --------------------------------------------------------------

    private Object addToClasspath(String args, boolean jarsOnly) throws IOException {
        List<Path> added = new ArrayList<>();
        for (String spec : splitArgs(args)) {
            List<Path> matches = resolveGlob(spec, jarsOnly);
            if (matches.isEmpty()) {
                throw new KernelException((jarsOnly ? "%jars" : "%classpath") + ": nothing matches " + spec);
            }
            for (Path p : matches) {
                evaluator.addToClasspath(p);
                added.add(p);
            }
        }
        if (added.isEmpty()) {
            throw new KernelException(
                    "usage: " + (jarsOnly ? "%jars <jar or glob>..." : "%classpath <dir, jar or glob>..."));
        }
        System.out.println("Added to the class path: " + added.size() + " entr" + (added.size() == 1 ? "y" : "ies"));
        return null;
    }

    /** Arguments separated by blanks or the path separator; quotes keep blanks in a path. */
    static List<String> splitArgs(String args) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        char quote = 0;
        for (char c : args.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    cur.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (Character.isWhitespace(c) || c == java.io.File.pathSeparatorChar) {
                if (!cur.isEmpty()) {
                    out.add(cur.toString());
                    cur.setLength(0);
                }
            } else {
                cur.append(c);
            }
        }
        if (!cur.isEmpty()) {
            out.add(cur.toString());
        }
        return out;
    }

    /**
     * Files matching a path that may hold glob characters; for {@code %jars} a directory stands
     * for the jars in it.
     */
    static List<Path> resolveGlob(String spec, boolean jarsOnly) throws IOException {
        if (spec.startsWith("~/")) {
            spec = System.getProperty("user.home") + spec.substring(1);
        }
        List<Path> out = new ArrayList<>();
        int glob = firstGlobChar(spec);
        if (glob < 0) {
            Path p = Path.of(spec).toAbsolutePath().normalize();
            if (jarsOnly && Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.filter(f -> f.toString().endsWith(".jar")).sorted().forEach(out::add);
                }
            } else if (Files.exists(p)) {
                out.add(p);
            }
            return out;
        }
        int slash = spec.lastIndexOf('/', glob);
        Path base = Path.of(slash < 0 ? "." : (slash == 0 ? "/" : spec.substring(0, slash)))
                .toAbsolutePath()
                .normalize();
        String pattern = slash < 0 ? spec : spec.substring(slash + 1);
        PathMatcher matcher = FileSystems.getDefault()
                .getPathMatcher("glob:" + base.toString().replace("\\", "\\\\")
                        + (base.toString().endsWith("/") ? "" : "/") + pattern);
        if (!Files.isDirectory(base)) {
            return out;
        }
        int depth = pattern.contains("**")
                ? Integer.MAX_VALUE
                : (int) pattern.chars().filter(c -> c == '/').count() + 1;
        try (Stream<Path> s = Files.walk(base, depth)) {
            s.filter(matcher::matches)
                    .filter(p -> !jarsOnly || p.toString().endsWith(".jar"))
                    .sorted()
                    .forEach(out::add);
        }
        return out;
    }

    private static int firstGlobChar(String s) {
        for (int i = 0; i < s.length(); i++) {
            if ("*?[{".indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    // ---- %maven --------------------------------------------------------------------------

    private Object addMaven(String args) throws IOException, InterruptedException {
        List<String> coords = List.of(args.trim().split("[\\s,]+")).stream()
                .filter(c -> !c.isBlank())
                .toList();
        if (coords.isEmpty()) {
            throw new KernelException("usage: %maven group:artifact:version [group:artifact:version ...]");
        }
        List<Path> jars = maven.resolve(coords);
        for (Path jar : jars) {
            evaluator.addToClasspath(jar);
        }
        System.out.println(
                "Added " + jars.size() + " jar" + (jars.size() == 1 ? "" : "s") + " for " + String.join(", ", coords));
        return null;
    }

    // ---- %load ---------------------------------------------------------------------------

    private Object load(String args) throws IOException {
        List<String> files = splitArgs(args);
        if (files.size() != 1) {
            throw new KernelException("usage: %load <file.jsh or file.java>");
        }
        Path file = Path.of(files.get(0));
        if (!Files.isRegularFile(file)) {
            throw new KernelException("%load: no such file: " + file.toAbsolutePath());
        }
        return evaluator.evalCell(Files.readString(file, StandardCharsets.UTF_8), 1);
    }

    // ---- %time / %%time ------------------------------------------------------------------

    @FunctionalInterface
    private interface Body {
        Object run() throws Exception;
    }

    /**
     * Wall time, and CPU time of the whole process: the snippet runs on a thread JShell starts
     * for it, so the kernel thread's own CPU time would miss the work.
     */
    private static Object time(Body body) throws Exception {
        long cpu0 = processCpuNanos();
        long wall0 = System.nanoTime();
        try {
            return body.run();
        } finally {
            long wall = System.nanoTime() - wall0;
            long cpu = processCpuNanos() - cpu0;
            System.out.println(String.format(
                    Locale.ROOT, "Wall time: %s, CPU time (process): %s", human(wall), cpu < 0 ? "n/a" : human(cpu)));
        }
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    static String human(long nanos) {
        if (nanos < 1_000_000) {
            return String.format(Locale.ROOT, "%.1f µs", nanos / 1e3);
        }
        if (nanos < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }
}
