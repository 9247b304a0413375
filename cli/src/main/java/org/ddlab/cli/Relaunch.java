package org.ddlab.cli;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.ddlab.engine.NativeMemory;

/**
 * Runs the command line in a child JVM whose environment makes glibc reuse freed tensor memory
 * ({@link NativeMemory}): glibc reads those settings only when a process starts, and
 * {@code java -jar cli/target/ddlab.jar} cannot set its own environment. The parent only waits:
 * it forwards its exit code, passes SIGINT and SIGTERM on to the child and keeps waiting for it, and on
 * any other end of its own stops the child and waits for it; the child exits if the parent disappears
 * (SIGKILL), so no run is left orphaned.
 * {@code DDLAB_MALLOC=return} (or a non-Linux system) skips all this, and so does {@code spark-submit}, which owns
 * the JVM it starts ({@link #launchedBySpark}).
 */
public final class Relaunch {

    public static final String MARKER = "DDLAB_RELAUNCHED";

    private Relaunch() {}

    /** The child's exit code when this process relaunched itself, empty when it should run the command itself. */
    static OptionalInt ifNeeded(String[] args) {
        if (System.getenv(MARKER) != null) {
            exitWithParent();
            return OptionalInt.empty();
        }
        if (launchedBySpark()) {
            return OptionalInt.empty();
        }
        NativeMemory.Policy wanted = NativeMemory.wanted(NativeMemory.Policy.REUSE);
        if (wanted != NativeMemory.Policy.REUSE
                || NativeMemory.inEffect() == NativeMemory.Policy.REUSE
                || !NativeMemory.applies()) {
            return OptionalInt.empty();
        }
        Optional<List<String>> command = command(args);
        if (command.isEmpty()) {
            return OptionalInt.empty(); // cannot tell how we were started: run here, with glibc's defaults
        }
        ProcessBuilder builder = new ProcessBuilder(command.get()).inheritIO();
        builder.environment().putAll(NativeMemory.REUSE_ENVIRONMENT);
        builder.environment().put(MARKER, "1");
        Process child;
        try {
            child = builder.start();
        } catch (IOException e) {
            return OptionalInt.empty();
        }
        Thread stopChild = new Thread(
                () -> {
                    if (child.isAlive()) {
                        child.destroy(); // SIGTERM: the child's own shutdown runs
                        try {
                            child.waitFor();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                },
                "ddlab-relaunch");
        Runtime.getRuntime().addShutdownHook(stopChild);
        forwardStopSignals(child);
        while (true) {
            try {
                int code = child.waitFor();
                try {
                    Runtime.getRuntime().removeShutdownHook(stopChild);
                } catch (IllegalStateException shuttingDown) {
                    // the child ended because this JVM is stopping: the hook has done its work
                }
                return OptionalInt.of(code);
            } catch (InterruptedException e) {
                // keep waiting: the child decides when the command is over
            }
        }
    }

    /**
     * SIGINT and SIGTERM sent to this waiting JVM (by {@code kill}, a job scheduler) go to the child, which
     * runs the command and decides how to stop ({@link StopSignals}: a run checkpoints first); this JVM
     * keeps waiting and exits with the child's code. A terminal's Ctrl-C reaches both, and the child takes
     * the second copy as the same request. Where the signal cannot be sent as itself the child gets
     * SIGTERM, and where these signals cannot be handled the shutdown hook stops the child.
     */
    private static void forwardStopSignals(Process child) {
        for (String name : java.util.List.of("INT", "TERM")) {
            try {
                OsSignals.handle(name, (signal, number) -> {
                    try {
                        Process kill = new ProcessBuilder("kill", "-s", name, String.valueOf(child.pid()))
                                .redirectErrorStream(true)
                                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                                .start();
                        if (kill.waitFor() == 0) {
                            return;
                        }
                    } catch (IOException e) {
                        // no kill(1): fall through
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    child.destroy();
                });
            } catch (IllegalArgumentException | UnsupportedOperationException notHandled) {
                // -Xrs or a JVM that keeps the signal: the shutdown hook stops the child
            }
        }
    }

    /** The same java, JVM options, class path or jar, main class and arguments as this process. */
    static Optional<List<String>> command(String[] args) {
        Optional<String> javaBinary = ProcessHandle.current().info().command();
        String classPath = System.getProperty("java.class.path", "");
        String started = System.getProperty("sun.java.command", "");
        if (javaBinary.isEmpty() || classPath.isEmpty()) {
            return Optional.empty();
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary.get());
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        boolean jar = classPath.endsWith(".jar")
                && !classPath.contains(File.pathSeparator)
                && started.startsWith(classPath)
                && Files.isRegularFile(Path.of(classPath));
        if (jar) {
            cmd.add("-jar");
            cmd.add(classPath);
        } else {
            cmd.add("-cp");
            cmd.add(classPath);
            cmd.add(Main.class.getName());
        }
        cmd.addAll(List.of(args));
        return Optional.of(cmd);
    }

    /**
     * Whether {@code spark-submit} started this JVM: it hands its configuration over as system properties and its
     * jars through its own class loader, neither of which a child JVM would see, so the command runs here.
     */
    static boolean launchedBySpark() {
        return System.getProperty("spark.master") != null;
    }

    /** In the child: when the waiting parent is gone (killed outright), stop too. */
    private static void exitWithParent() {
        ProcessHandle.current()
                .parent()
                .ifPresent(parent -> parent.onExit().thenRun(() -> {
                    System.err.println("ddlab: the launching process is gone; stopping");
                    System.exit(143);
                }));
    }

    /** For tests: the environment a relaunched child gets. */
    static Map<String, String> childEnvironment() {
        Map<String, String> env = new java.util.HashMap<>(NativeMemory.REUSE_ENVIRONMENT);
        env.put(MARKER, "1");
        return env;
    }
}
