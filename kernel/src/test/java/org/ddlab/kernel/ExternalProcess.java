package org.ddlab.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a helper program of an integration test (python, the kernelspec installer) and keeps its output. */
record ExternalProcess(int exitCode, String output) {

    /** Debian's interpreter: the python3 first on PATH may lack Jupyter. */
    static final String PYTHON = System.getenv().getOrDefault("DDLAB_PYTHON", "/usr/bin/python3");

    static Path repo() {
        return Path.of(System.getProperty("ddlab.repo.dir", ".."))
                .toAbsolutePath()
                .normalize();
    }

    static Path kernelTarget() {
        return Path.of(System.getProperty("ddlab.kernel.dir", "target"))
                .toAbsolutePath()
                .normalize();
    }

    static ExternalProcess run(List<String> command, Map<String, String> env, Path dir, long timeoutSeconds)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("ddlab-it", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                return new ExternalProcess(
                        -1,
                        "timed out after " + timeoutSeconds + " s\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new ExternalProcess(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** Installs the just-built kernel as kernelspec "ddlab" under {@code jupyterPath}/kernels. */
    static void installKernelSpec(Path jupyterPath) throws IOException, InterruptedException {
        Path target = kernelTarget();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = target.resolve("ddlab-kernel.jar") + ":" + target.resolve("lib") + "/*";
        ExternalProcess r = run(
                List.of(
                        java,
                        "-cp",
                        cp,
                        "org.ddlab.kernel.KernelSpecInstaller",
                        "--dir",
                        jupyterPath.resolve("kernels").toString(),
                        "--java",
                        java),
                Map.of(),
                target,
                60);
        if (r.exitCode() != 0) {
            throw new IllegalStateException("kernelspec install failed:\n" + r.output());
        }
    }
}
