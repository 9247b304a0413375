package org.ddlab.ablate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ddlab.methods.Methods;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GridFilesTest {

    @Test
    void theRootIsFoundFromBelow(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve(GridFiles.DIRECTORY));
        Files.createDirectories(dir.resolve("notebooks/sub"));
        assertEquals(Optional.of(dir.toAbsolutePath()), GridFiles.root(dir.resolve("notebooks/sub")));
        assertFalse(GridFiles.root(dir.getParent())
                .filter(p -> p.equals(dir.toAbsolutePath()))
                .isPresent());
    }

    /** The committed grids: each parses, every cell configures (a typo fails here, not an hour into a measurement). */
    @Test
    void everyCommittedGridIsValid() throws Exception {
        List<String> names = GridFiles.names();
        assertTrue(
                names.containsAll(List.of(
                        "dream-clusters",
                        "dream-interval",
                        "frepo-pool",
                        "frepo-online-steps",
                        "frepo-ridge",
                        "frepo-labels",
                        "ipc",
                        "frepo-seeds",
                        "dream-seeds")),
                names.toString());
        for (String name : names) {
            AblationGrid g = GridFiles.load(name);
            assertFalse(g.vary().isEmpty(), name + " varies something");
            for (Map<String, Object> cell : g.cells()) {
                Methods.configure(cell, 1);
            }
        }
        // The FRePo grids share their base cell, so a measurement distils it once.
        Map<String, Object> base =
                Methods.configure(GridFiles.load("frepo-pool").base(), 1);
        for (String name : List.of("frepo-online-steps", "frepo-ridge", "frepo-labels", "ipc", "frepo-seeds")) {
            AblationGrid g = GridFiles.load(name);
            assertTrue(
                    g.cells().stream().anyMatch(c -> Methods.configure(c, 1).equals(base)),
                    name + " contains FRePo's base cell");
        }
        Map<String, Object> dream =
                Methods.configure(GridFiles.load("dream-seeds").cells().get(0), 1); // seed 0
        for (String name : List.of("dream-clusters", "dream-interval")) {
            AblationGrid g = GridFiles.load(name);
            assertTrue(
                    g.cells().stream().anyMatch(c -> Methods.configure(c, 1).equals(dream)),
                    name + " contains DREAM's base cell");
        }
    }
}
