package org.ddlab.cli;

import static org.ddlab.cli.CommandRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

/** {@code ddlab bench}, the bench module's {@link CommandPlugin}, joins the command line found on the class path. */
class BenchCommandTest {

    /** The benchmarks run end to end, both sides (the PyTorch scripts need Debian's python3-torch, from setup). */
    @Test
    void benchmarksRunBothSides() {
        CommandRun step = run(
                "bench",
                "frepo-step",
                "--width",
                "8",
                "--depth",
                "2",
                "--real-batch",
                "20",
                "--steps",
                "2",
                "--warmup",
                "1",
                "--rounds",
                "2",
                "--pytorch-reuse",
                "--json");
        assertEquals(0, step.code(), step.err());
        JsonObject o = JsonParser.parseString(step.out().trim()).getAsJsonObject();
        assertTrue(o.getAsJsonObject("ddlab").get("ms_per_step_median").getAsDouble() > 0, step.out());
        assertEquals(
                2,
                o.getAsJsonObject("ddlab").getAsJsonArray("ms_per_step_rounds").size(),
                step.out());
        assertTrue(o.getAsJsonObject("pytorch").get("ms_per_step_median").getAsDouble() > 0, step.out());
        assertTrue(o.getAsJsonObject("pytorch_reuse").get("ms_per_step_median").getAsDouble() > 0, step.out());
        assertEquals(2, o.getAsJsonArray("ratios_ms_ddlab_over_pytorch").size(), step.out());
        assertTrue(o.get("ratio_median").getAsDouble() > 0, step.out());

        CommandRun meta = run("bench", "meta-gradient", "--width", "4", "--k", "1,3", "--repeats", "1", "--json");
        assertEquals(0, meta.code(), meta.err());
        String[] lines = meta.out().trim().split("\n");
        assertEquals(3, lines.length, meta.out());
        JsonObject k3 = JsonParser.parseString(lines[1]).getAsJsonObject();
        assertEquals(3, k3.get("k").getAsInt());
        assertTrue(k3.get("grad_norm").getAsDouble() > 0, "the unrolled meta-gradient reaches the images: " + lines[1]);
    }
}
