package org.ddlab.engine;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class CpuIsaTest {

    private static final String AVX512 = "fpu sse sse2 avx avx2 fma avx512f avx512dq avx512bw avx512vl";

    @Test
    void capsOneDnnAtAvx2OnlyOnAvx512ProcessorsAndNeverOverridesTheUser() {
        assertEquals(Optional.of("AVX2"), CpuIsa.decide(Map.of(), AVX512));
        assertEquals(Optional.empty(), CpuIsa.decide(Map.of(), "fpu sse sse2 avx avx2 fma"));
        assertEquals(Optional.empty(), CpuIsa.decide(Map.of(), "avx512_bf16 avx512vl"), "avx512f itself decides");
        assertEquals(Optional.empty(), CpuIsa.decide(Map.of("DNNL_MAX_CPU_ISA", "ALL"), AVX512));
        assertEquals(Optional.empty(), CpuIsa.decide(Map.of("ONEDNN_MAX_CPU_ISA", "AVX512_CORE"), AVX512));
        assertEquals(Optional.of("AVX2"), CpuIsa.decide(Map.of("DNNL_MAX_CPU_ISA", " "), AVX512), "blank is unset");
    }

    @Test
    void theCapIsInTheNativeEnvironmentOnThisMachineWhenItHasAvx512() throws Exception {
        CpuIsa.apply();
        String flags = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("flags"))
                .findFirst().orElse("");
        String user = System.getenv("DNNL_MAX_CPU_ISA");
        if (user != null && !user.isBlank()) {
            assertEquals(user, CpuIsa.inEffect());
        } else if (flags.matches(".*\\bavx512f\\b.*")) {
            assertEquals("AVX2", CpuIsa.inEffect());
        } else {
            assertNotEquals("AVX2", CpuIsa.inEffect());
        }
    }
}
