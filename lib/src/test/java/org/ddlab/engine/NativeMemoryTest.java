package org.ddlab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NativeMemoryTest {

    @Test
    void policiesParseAndNonsenseIsNamed() {
        assertEquals(NativeMemory.Policy.REUSE, NativeMemory.Policy.parse(" Reuse "));
        assertEquals(NativeMemory.Policy.RETURN, NativeMemory.Policy.parse("return"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> NativeMemory.Policy.parse("fast"));
        assertEquals("DDLAB_MALLOC must be 'reuse' or 'return', got 'fast'", e.getMessage());
        assertEquals(
                NativeMemory.Policy.RETURN,
                NativeMemory.wanted(Map.of("DDLAB_MALLOC", "return"), NativeMemory.Policy.REUSE));
        assertEquals(NativeMemory.Policy.REUSE, NativeMemory.wanted(Map.of(), NativeMemory.Policy.REUSE));
    }

    @Test
    void reuseIsInEffectOnlyWithTheWholeEnvironment() {
        Map<String, String> env = new HashMap<>(NativeMemory.REUSE_ENVIRONMENT);
        assertEquals(NativeMemory.Policy.REUSE, NativeMemory.inEffect(env));
        env.put("MALLOC_ARENA_MAX", "2");
        assertEquals(NativeMemory.Policy.RETURN, NativeMemory.inEffect(env));
        assertEquals(NativeMemory.Policy.RETURN, NativeMemory.inEffect(Map.of()));
    }
}
