package org.ddlab.spark;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.apache.spark.SparkConf;

/**
 * {@code local-cluster[W,C,MB]}: a standalone master and W workers inside this JVM that start real executor JVMs,
 * so task serialisation, separate processes and the shared cache directory are what a cluster has. Spark builds an
 * executor's command from a Spark installation ({@code SPARK_HOME/jars}); ddlab has none, so it gives the workers an
 * empty one and puts this JVM's own class path, Spark included, on the executors' ({@code extraClassPath}). Spark's
 * workers read the installation's place from {@code spark.test.home} under {@code spark.testing}: local-cluster is
 * Spark's testing master, and that is how its own tests run it.
 */
final class LocalCluster {

    private LocalCluster() {}

    static void prepare(SparkConf conf) {
        Path home = emptySparkHome();
        System.setProperty("spark.testing", "true");
        System.setProperty("spark.test.home", home.toString());
        conf.setIfMissing("spark.executor.extraClassPath", String.join(File.pathSeparator, classPath()));
        // The executors run on the driver's Java, whatever JAVA_HOME says.
        conf.setIfMissing("spark.executorEnv.JAVA_HOME", System.getProperty("java.home"));
    }

    /** {@code jars/} (empty: the class path comes from extraClassPath) and the build marker Spark looks for. */
    private static Path emptySparkHome() {
        try {
            Path home = Files.createTempDirectory("ddlab-spark-home");
            Files.createDirectories(home.resolve("jars"));
            Files.createDirectories(home.resolve("launcher/target/scala-2.13"));
            home.toFile().deleteOnExit();
            return home;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot make local-cluster's Spark home in " + System.getProperty("java.io.tmpdir"), e);
        }
    }

    /**
     * This JVM's class path, absolute, with the jars a {@code java -jar} manifest adds ({@code Class-Path}),
     * which {@code java.class.path} does not list.
     */
    static List<String> classPath() {
        Set<String> entries = new LinkedHashSet<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!e.isEmpty()) {
                add(Path.of(e).toAbsolutePath().normalize(), entries);
            }
        }
        return new ArrayList<>(entries);
    }

    private static void add(Path entry, Set<String> entries) {
        if (!entries.add(entry.toString()) || !entry.toString().endsWith(".jar") || !Files.isRegularFile(entry)) {
            return;
        }
        try (JarFile jar = new JarFile(entry.toFile())) {
            Manifest m = jar.getManifest();
            String classPath = m == null ? null : m.getMainAttributes().getValue("Class-Path");
            if (classPath != null) {
                for (String relative : classPath.trim().split("\\s+")) {
                    add(entry.getParent().resolve(relative).normalize(), entries);
                }
            }
        } catch (IOException e) {
            // not a readable jar: the JVM skips it too
        }
    }
}
