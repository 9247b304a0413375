package org.ddlab.frepo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class FrepoConfigTest {

    /** The command line passes what a user typed: the smallest sensible values are accepted, one below is refused. */
    @Test
    void acceptsTheSmallestValuesAndRefusesBelow() {
        FrepoConfig least = new FrepoConfig(1, 1, 1, 1, 0, 1e-6, false, 0, 0, 1e-9, "convnet", 0);
        assertEquals(least, FrepoConfig.fromMap(least.toMap()));
        assertThrows(
                IllegalArgumentException.class,
                () -> new FrepoConfig(0, 1, 1, 1, 0, 1e-6, false, 0, 0, 1e-9, "convnet", 0));
        assertThrows(
                IllegalArgumentException.class,
                () -> new FrepoConfig(1, 0, 1, 1, 0, 1e-6, false, 0, 0, 1e-9, "convnet", 0));
        assertThrows(
                IllegalArgumentException.class,
                () -> new FrepoConfig(1, 1, 0, 1, 0, 1e-6, false, 0, 0, 1e-9, "convnet", 0));
        assertThrows(
                IllegalArgumentException.class,
                () -> new FrepoConfig(1, 1, 1, 0, 0, 1e-6, false, 0, 0, 1e-9, "convnet", 0));
        assertThrows(
                IllegalArgumentException.class,
                () -> new FrepoConfig(1, 1, 1, 1, -1, 1e-6, false, 0, 0, 1e-9, "convnet", 0));
        assertThrows(
                IllegalArgumentException.class,
                () -> new FrepoConfig(1, 1, 1, 1, 0, 1e-6, false, -1e-9, 0, 1e-9, "convnet", 0));
        assertThrows(
                IllegalArgumentException.class,
                () -> new FrepoConfig(1, 1, 1, 1, 0, 1e-6, false, 0, -1e-9, 1e-9, "convnet", 0));
        assertThrows(
                IllegalArgumentException.class,
                () -> new FrepoConfig(1, 1, 1, 1, 0, 1e-6, false, 0, 0, 0, "convnet", 0));
        assertThrows(
                IllegalArgumentException.class,
                () -> new FrepoConfig(1, 1, 1, 1, 0, 1e-6, false, Double.NaN, 0, 1e-9, "convnet", 0));
    }

    @Test
    void withersChangeOneFieldEach() {
        FrepoConfig d = FrepoConfig.defaults(2, 10);
        assertEquals(
                new FrepoConfig(2, 10, 256, 3, 7, d.ridge(), false, 3e-2, 3e-2, 1e-3, "convnet", 5),
                d.withPool(3, 7).withLearnLabels(false).withOnlineLr(1e-3).withSeed(5));
    }
}
