package org.ddlab.kernel.eval;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.URISyntaxException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import jdk.jshell.SourceCodeAnalysis;

/**
 * Where JShell looks for the Javadoc it shows on inspection (Shift-Tab in a notebook): the JDK's sources and ddlab's.
 *
 * <p>JShell reads doc comments only from the JDK's {@code lib/src.zip}, so without this a ddlab type answers with its
 * signature alone. It has no public option for more source locations; its analysis keeps the list it computed in a
 * private field, which this sets once, to the JDK's own list (computed as JShell computes it) followed by ddlab's
 * sources. The kernel's build copies those beside its jar ({@code target/sources/<module>/}). Reaching the field
 * needs {@code --add-opens jdk.jshell/jdk.jshell=ALL-UNNAMED}, which the kernelspec passes; where it cannot be reached
 * (another JDK, the option missing), inspection keeps JShell's answers, signatures and the JDK's Javadoc, and {@code
 * JShellEvaluatorTest} fails, so that a JDK that changes the field does not go unnoticed.
 */
final class JavadocSources {

    /** The field of {@code jdk.jshell.SourceCodeAnalysisImpl} that holds the source locations once found. */
    static final String FIELD = "availableSources";

    private static List<Path> jdkRoots; // found once: the JDK's src.zip stays open for the JVM's life

    private JavadocSources() {}

    /** Makes {@code analysis} read Javadoc from the JDK's sources and {@code extra}; false when JShell does not let it. */
    static boolean install(SourceCodeAnalysis analysis, List<Path> extra) {
        List<Path> locations = new ArrayList<>(jdk());
        locations.addAll(extra);
        try {
            Field f = analysis.getClass().getDeclaredField(FIELD);
            f.setAccessible(true);
            f.set(analysis, List.copyOf(locations));
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /** Each source root under the kernel's {@code sources/} folder (beside its jar, or beside classes/ in a build). */
    static List<Path> ddlab() {
        Path home;
        try {
            home = Path.of(JavadocSources.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .getParent();
        } catch (URISyntaxException | RuntimeException e) {
            return List.of();
        }
        Path sources = home.resolve("sources");
        if (!Files.isDirectory(sources)) {
            return List.of();
        }
        try (Stream<Path> roots = Files.list(sources)) {
            return roots.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The JDK's source roots as JShell finds them: one per module of a modular {@code src.zip}, or the zip itself. */
    static synchronized List<Path> jdk() {
        if (jdkRoots == null) {
            jdkRoots = findJdk();
        }
        return jdkRoots;
    }

    private static List<Path> findJdk() {
        Path home = Path.of(System.getProperty("java.home"));
        Path zip = home.resolve("lib").resolve("src.zip");
        if (!Files.isReadable(zip)) {
            zip = home.getParent().resolve("src.zip");
        }
        if (!Files.isReadable(zip)) {
            return List.of();
        }
        try {
            FileSystem fs = FileSystems.newFileSystem(zip, Map.of());
            Path root = fs.getRootDirectories().iterator().next();
            if (Files.exists(root.resolve("java/lang/Object.java"))) {
                fs.close();
                return List.of(zip);
            }
            List<Path> modules = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
                for (Path p : ds) {
                    if (Files.isDirectory(p)) {
                        modules.add(p);
                    }
                }
            }
            return List.copyOf(modules);
        } catch (IOException e) {
            return List.of();
        }
    }
}
