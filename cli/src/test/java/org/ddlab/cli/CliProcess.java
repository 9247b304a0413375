package org.ddlab.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The command line as a user starts it: a fresh JVM with its own environment (DDLAB_DATA, DDLAB_MIRROR, …). */
public final class CliProcess {

    /** Exit code, standard output and standard error of one command. */
    public record Result(int code, String out, String err) {}

    /** A command still running: its process (the one a user's {@code kill} reaches), and its output so far. */
    public static final class Running {
        private final Process process;
        private final Path out;
        private final Path err;
        private final String what;

        private Running(Process process, Path out, Path err, String what) {
            this.process = process;
            this.out = out;
            this.err = err;
            this.what = what;
        }

        public long pid() {
            return process.pid();
        }

        public boolean isAlive() {
            return process.isAlive();
        }

        /** Sends the signal {@code name} ({@code INT}, {@code TERM}, …) as {@code kill -s NAME pid} does. */
        public void signal(String name) throws IOException, InterruptedException {
            Process kill = new ProcessBuilder("kill", "-s", name, String.valueOf(pid()))
                    .inheritIO()
                    .start();
            if (kill.waitFor() != 0) {
                throw new AssertionError("kill -s " + name + " " + pid() + " failed");
            }
        }

        /** Standard error so far. */
        public String errSoFar() throws IOException {
            return Files.readString(err);
        }

        /** Waits for the command to end and returns what it did; kills it and fails after {@code limit}. */
        public Result awaitExit(Duration limit) throws IOException, InterruptedException {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError(what + " did not finish in " + limit + "; stderr: " + errSoFar());
            }
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        }
    }

    private CliProcess() {}

    /** Runs {@code ddlab args…} with these environment variables set (and DDLAB_DATASET, DDLAB_MIRROR unset unless given). */
    public static Result run(Map<String, String> env, Path scratch, String... args)
            throws IOException, InterruptedException {
        return start(List.of(), env, scratch, args).awaitExit(Duration.ofSeconds(300));
    }

    /** Starts {@code ddlab args…} as {@link #run} does, and returns at once. */
    public static Running start(Map<String, String> env, Path scratch, String... args) throws IOException {
        return start(List.of(), env, scratch, args);
    }

    /**
     * Starts {@code ddlab args…} in a shell that first limits the size of any file the process writes to {@code kib}
     * KiB ({@code ulimit -f}, inherited by the JVM it relaunches): a write beyond it fails with EFBIG ("File too large"),
     * a real failure of the file system call, as a full disk's is, without root or a small file system.
     */
    public static Running startWithFileSizeLimit(long kib, Map<String, String> env, Path scratch, String... args)
            throws IOException {
        // bash's ulimit -f counts 1024-byte blocks; "$0" is the limit, "$@" the command.
        return start(List.of("bash", "-c", "ulimit -f \"$0\" && exec \"$@\"", String.valueOf(kib)), env, scratch, args);
    }

    private static Running start(List<String> prefix, Map<String, String> env, Path scratch, String... args)
            throws IOException {
        // SIGINT as a terminal gives it: a command started in the background by a shell without job control (nohup
        // … &, a CI runner) inherits SIGINT ignored, and a JVM leaves an ignored signal ignored, so the tests that
        // send it would see a run that never stops.
        List<String> cmd = new ArrayList<>(List.of("env", "--default-signal=INT"));
        cmd.addAll(prefix);
        // --enable-native-access: as the jar's manifest grants it to java -jar (JNA loads libtorch's helpers).
        cmd.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-Dai.djl.offline=true",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(cmd);
        b.environment().remove("DDLAB_DATASET");
        b.environment().remove("DDLAB_MIRROR");
        b.environment().putAll(env);
        Path out = Files.createTempFile(scratch, "out", ".txt");
        Path err = Files.createTempFile(scratch, "err", ".txt");
        b.redirectOutput(out.toFile());
        b.redirectError(err.toFile());
        return new Running(b.start(), out, err, "ddlab " + String.join(" ", args));
    }
}
