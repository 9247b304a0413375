package org.ddlab.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelSpecInstallerTest {

    @Test
    void writesKernelJson(@TempDir Path dir) throws Exception {
        Path spec = KernelSpecInstaller.install(
                dir, "/opt/java/bin/java", "/k/ddlab-kernel.jar:/k/lib/*", List.of("-Dx=y"));
        assertEquals(dir.resolve("ddlab/kernel.json"), spec);
        JsonObject json = JsonParser.parseString(Files.readString(spec)).getAsJsonObject();
        assertEquals("Java (ddlab)", json.get("display_name").getAsString());
        assertEquals("java", json.get("language").getAsString());
        assertEquals("message", json.get("interrupt_mode").getAsString());
        var argv = json.getAsJsonArray("argv");
        assertEquals("/opt/java/bin/java", argv.get(0).getAsString());
        assertEquals("{connection_file}", argv.get(argv.size() - 1).getAsString());
        assertEquals("org.ddlab.kernel.Main", argv.get(argv.size() - 2).getAsString());
        assertEquals("/k/ddlab-kernel.jar:/k/lib/*", argv.get(argv.size() - 3).getAsString());
        assertTrue(argv.toString().contains("-Dai.djl.offline=true"));
        assertTrue(argv.toString().contains("-Dx=y"));
        try (var files = Files.list(dir.resolve("ddlab"))) {
            assertEquals(1, files.count(), "no temp file left behind");
        }
    }

    @Test
    void historySearchAndTail() {
        InMemoryHistory h = new InMemoryHistory();
        h.add(1, "6 * 7", "42");
        h.add(2, "int x = 1;", "");
        h.add(3, "6 * 7", "42");
        assertEquals(2, h.lookupTail(2).size());
        assertEquals(2, h.search("6 * ?", 10).size());
        assertEquals(
                1,
                h.search("6 * ?", 10, org.dflib.jjava.jupyter.kernel.history.HistoryManager.ResultFlag.UNIQUE)
                        .size());
        assertEquals(1, h.lookupRange(1, 2, 3).size());
    }
}
