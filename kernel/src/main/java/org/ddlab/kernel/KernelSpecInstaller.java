package org.ddlab.kernel;

import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the Jupyter kernelspec {@code <dir>/ddlab/kernel.json}.
 *
 * <pre>
 * java -cp ddlab-kernel.jar:lib/* org.ddlab.kernel.KernelSpecInstaller --dir ~/.local/share/jupyter/kernels
 *      [--java /abs/path/java] [--classpath CP] [--jvm-opt OPT]...
 * </pre>
 * Defaults: this JVM's java, and the class path {@code <jar dir>/ddlab-kernel.jar:<jar dir>/lib/*}.
 */
public final class KernelSpecInstaller {

    /**
     * JVM options of the kernel. DJL keeps tensors off the Java heap, so the heap only holds
     * datasets (Fashion-MNIST is 190 MB per copy), tables, images and bookkeeping. Binder gives a
     * notebook 2 GB in all and PyTorch's memory comes on top of the heap, so the heap must give back
     * what a cell's temporary copies took: G1 with a periodic collection once the kernel has not
     * collected for a second (between cells, or during long native work) and free ratios 10–30 %
     * uncommits it, where the serial collector kept a gigabyte committed after loading the data
     * (measured: peak 1.9 GB → 1.2 GB for notebook 03's data + training + FRePo phases).
     * MaxDirectMemorySize makes the GC return DJL's zero-copy input buffers before they add up.
     * -Xss4m: deep recursion in javac when JShell compiles large cells. Headless: charts render
     * off-screen. Offline DJL: the PyTorch natives come from the jar on the class path. The jdk.jshell opening lets
     * inspection show ddlab's Javadoc ({@code JavadocSources}).
     */
    static final List<String> DEFAULT_JVM_OPTS = List.of(
            "-Dai.djl.offline=true",
            "-Djava.awt.headless=true",
            "--enable-native-access=ALL-UNNAMED",
            "-XX:+UseG1GC",
            "-Xms128m",
            "-Xmx1g",
            "-XX:MinHeapFreeRatio=10",
            "-XX:MaxHeapFreeRatio=30",
            "-XX:G1PeriodicGCInterval=1000",
            "-XX:MaxDirectMemorySize=256m",
            "-Xss4m",
            "--add-opens=jdk.jshell/jdk.jshell=ALL-UNNAMED");

    private KernelSpecInstaller() {}

    public static void main(String[] args) throws IOException {
        Path dir = null;
        String java = null;
        String classpath = null;
        List<String> jvmOpts = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length && !a.equals("--help")) {
                fail("missing value after " + a);
            }
            switch (a) {
                case "--dir" -> dir = Path.of(args[++i]);
                case "--java" -> java = args[++i];
                case "--classpath", "--cp" -> classpath = args[++i];
                case "--jvm-opt" -> jvmOpts.add(args[++i]);
                case "--help" -> {
                    System.out.println("usage: KernelSpecInstaller --dir <jupyter kernels dir> [--java PATH] "
                            + "[--classpath CP] [--jvm-opt OPT]...");
                    return;
                }
                default -> fail("unknown option " + a);
            }
        }
        if (dir == null) {
            fail("--dir <jupyter kernels dir> is required");
        }
        Path spec = install(
                dir, java != null ? java : currentJava(), classpath != null ? classpath : defaultClasspath(), jvmOpts);
        System.out.println("Installed kernelspec " + spec);
    }

    private static void fail(String message) {
        System.err.println("KernelSpecInstaller: " + message);
        System.exit(2);
    }

    /** The java binary running this installer, absolute. */
    static String currentJava() {
        return ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** {@code <dir of ddlab-kernel.jar>/ddlab-kernel.jar:<dir>/lib/*}. */
    static String defaultClasspath() {
        try {
            Path jar = Path.of(KernelSpecInstaller.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            Path jarDir = jar.getParent(); // the jar's folder; in a dev build the classes folder's: target/
            return jarDir.resolve("ddlab-kernel.jar").toAbsolutePath() + java.io.File.pathSeparator
                    + jarDir.resolve("lib").toAbsolutePath() + "/*";
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@code <kernelsDir>/ddlab/kernel.json} atomically; returns its path. */
    public static Path install(Path kernelsDir, String java, String classpath, List<String> extraJvmOpts)
            throws IOException {
        List<String> argv = new ArrayList<>();
        argv.add(Path.of(java).toAbsolutePath().toString());
        argv.addAll(DEFAULT_JVM_OPTS);
        argv.addAll(extraJvmOpts);
        argv.add("-cp");
        argv.add(classpath);
        argv.add(Main.class.getName());
        argv.add("{connection_file}");

        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("argv", argv);
        spec.put("display_name", "Java (ddlab)");
        spec.put("language", "java");
        spec.put("interrupt_mode", "message");
        // glibc gives every thread its own malloc arena, and PyTorch's thread pools plus one JShell
        // thread per cell fragment native memory across them: one arena. Large tensors still go back to
        // the system when freed (a notebook has 2 GB on Binder), but libtorch asks for transparent huge
        // pages for them (THP_MEM_ALLOC_ENABLE, read by its CPU allocator; Linux's default "madvise"
        // THP mode honours it), so a fresh 100 MB activation costs 50 page faults instead of 25 000. On this
        // machine, where page faults are slow, notebook 01 in the quick profile took 321 s and peaked at
        // 1519 MB, against 512 s / 1500 MB with huge pages and a 4 MB mmap threshold, and a FRePo step took
        // 650 ms against 4090 ms with the 4 MB threshold alone (the setting before this one).
        spec.put("env", Map.of("MALLOC_ARENA_MAX", "1", "THP_MEM_ALLOC_ENABLE", "1"));
        spec.put("metadata", Map.of("debugger", false));

        Path dir = kernelsDir.resolve(DdlabKernel.NAME);
        Files.createDirectories(dir);
        Path target = dir.resolve("kernel.json");
        Path tmp = Files.createTempFile(dir, "kernel", ".json.tmp");
        Files.writeString(
                tmp,
                new GsonBuilder()
                                .setPrettyPrinting()
                                .disableHtmlEscaping()
                                .create()
                                .toJson(spec) + "\n",
                StandardCharsets.UTF_8);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }
}
