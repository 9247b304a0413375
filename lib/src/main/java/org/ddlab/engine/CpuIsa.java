package org.ddlab.engine;

import com.sun.jna.Library;
import com.sun.jna.Native;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Caps oneDNN — the library libtorch runs CPU convolutions with — at AVX2 on processors with AVX-512.
 *
 * <p>On this project's machine (AMD EPYC with AVX-512, libtorch 2.7.1 from DJL's jar) oneDNN's AVX-512
 * kernels return NaN gradients: the same ConvNet backward pass on the same kind of input gave NaN input
 * gradients in 1 to 19 of 60 repetitions, for every norm and pooling tried, and trainings and
 * distillations stopped on a NaN loss. Capped at AVX2 ({@code DNNL_MAX_CPU_ISA=AVX2}, oneDNN's documented
 * switch) none of 720 did; {@code AVX512_CORE} and {@code AVX512_CORE_VNNI} still failed.
 * {@code NetworkTest.gradientsStayFiniteOverManyPasses} is the check.
 *
 * <p>oneDNN reads the variable once, when it creates its first primitive, so {@link #apply()} puts it
 * into this process's environment (glibc {@code setenv}, through JNA) before any convolution: the
 * classes that run one call it when they load. A value the user set — {@code DNNL_MAX_CPU_ISA} or
 * {@code ONEDNN_MAX_CPU_ISA}, e.g. {@code ALL} to lift the cap — is left alone.
 */
public final class CpuIsa {

    /** oneDNN's variable (its newer spelling {@code ONEDNN_MAX_CPU_ISA} is honoured too). */
    public static final String VARIABLE = "DNNL_MAX_CPU_ISA";
    static final String NEW_VARIABLE = "ONEDNN_MAX_CPU_ISA";
    /** The cap: AVX2 and FMA, which every AVX-512 processor has. */
    static final String CAP = "AVX2";

    private static volatile boolean applied;

    private CpuIsa() {
    }

    /** Sets the cap in this process's environment if {@link #decide} says so; idempotent, cheap after the first call. */
    public static void apply() {
        if (applied) {
            return;
        }
        synchronized (CpuIsa.class) {
            if (applied) {
                return;
            }
            applied = true;
            if (!linuxX86()) {
                return;
            }
            Optional<String> cap = decide(System.getenv(), cpuFlags());
            if (cap.isPresent()) {
                try {
                    LibC.INSTANCE.setenv(VARIABLE, cap.get(), 0);
                } catch (UnsatisfiedLinkError | RuntimeException e) {
                    System.err.println("ddlab: could not set " + VARIABLE + "=" + cap.get() + " (" + e.getMessage()
                            + "); oneDNN's AVX-512 kernels may give NaN gradients on this CPU: set it in the environment");
                }
            }
        }
    }

    /**
     * The cap to set, if any: {@link #CAP} when the CPU flags (as in /proc/cpuinfo) include
     * {@code avx512f} and the environment does not choose an ISA itself.
     */
    static Optional<String> decide(Map<String, String> env, String cpuFlags) {
        if (has(env, VARIABLE) || has(env, NEW_VARIABLE)) {
            return Optional.empty();
        }
        for (String flag : cpuFlags.toLowerCase(Locale.ROOT).split("\\s+")) {
            if (flag.equals("avx512f")) {
                return Optional.of(CAP);
            }
        }
        return Optional.empty();
    }

    /** The cap this process runs with — the native environment's value — or "none". */
    public static String inEffect() {
        apply();
        if (!linuxX86()) {
            return "none";
        }
        try {
            String v = LibC.INSTANCE.getenv(VARIABLE);
            if (v == null) {
                v = LibC.INSTANCE.getenv(NEW_VARIABLE);
            }
            return v == null ? "none" : v;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return "unknown";
        }
    }

    private static boolean has(Map<String, String> env, String key) {
        String v = env.get(key);
        return v != null && !v.isBlank();
    }

    private static boolean linuxX86() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
    }

    /** The first "flags" line of /proc/cpuinfo, or "" when it cannot be read. */
    private static String cpuFlags() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) {
                    int colon = line.indexOf(':');
                    return colon < 0 ? "" : line.substring(colon + 1);
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc: no cap
        }
        return "";
    }

    private interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        int setenv(String name, String value, int overwrite);

        String getenv(String name);
    }
}
