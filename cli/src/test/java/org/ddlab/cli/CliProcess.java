package org.ddlab.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The command line as a user starts it: a fresh JVM with its own environment (DDLAB_DATA, DDLAB_MIRROR, …). */
public final class CliProcess {

    /** Exit code, standard output and standard error of one command. */
    public record Result(int code, String out, String err) {
    }

    private CliProcess() {
    }

    /** Runs {@code ddlab args…} with these environment variables set (and DDLAB_DATASET, DDLAB_MIRROR unset unless given). */
    public static Result run(Map<String, String> env, Path scratch, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(cmd);
        b.environment().remove("DDLAB_DATASET");
        b.environment().remove("DDLAB_MIRROR");
        b.environment().putAll(env);
        Path err = Files.createTempFile(scratch, "err", ".txt");
        b.redirectError(err.toFile());
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("ddlab " + String.join(" ", args) + " did not finish in 300 s");
        }
        return new Result(p.exitValue(), out, Files.readString(err));
    }
}
