package org.ddlab.cli;

import static org.ddlab.cli.CommandRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code evaluate --protocol paper} on a FRePo set as a user runs it: FRePo's own schedule, its step count read
 * from the set's size, on its network ({@code --arch frepo-conv}); a size FRePo states no steps for is refused.
 */
class FrepoProtocolCommandLineTest {

    @Test
    void aFrepoSetIsScoredWithFreposScheduleOnItsNetwork(@TempDir Path dir) throws Exception {
        String data = "folder:" + TinyImageFolder.write(dir.resolve("images"), 8, 6, List.of("a", "b"));
        for (int ipc : new int[] {5, 2}) {
            CommandRun distil = run(
                    "distill",
                    "--method",
                    "frepo",
                    "--ipc",
                    String.valueOf(ipc),
                    "--steps",
                    "1",
                    "--real-batch",
                    "4",
                    "--arch",
                    "convnet:width=8,depth=1",
                    "--dataset",
                    data,
                    "--out",
                    dir.resolve("ipc" + ipc).toString());
            assertEquals(0, distil.code(), distil.err());
        }
        CommandRun paper = run(
                "evaluate",
                "--set",
                dir.resolve("ipc5/synthetic.npz").toString(),
                "--arch",
                "frepo-conv:width=4",
                "--profile",
                "quick",
                "--repeats",
                "1",
                "--json",
                "--protocol",
                "paper");
        assertEquals(0, paper.code(), paper.err());
        // 10 images: the reference's 1000 steps, a fifth of them in the quick profile, one batch of all ten each.
        assertTrue(
                paper.err()
                        .contains(
                                "protocol: FRePo's protocol (its network: --arch frepo-conv): 1 run(s) of: 200 epochs,"
                                        + " batch 10, Adam lr 0.000300 (100 steps' warm-up, cosine to 0.01 of it)"),
                paper.err());
        assertEquals(
                "frepo-conv:width=4",
                JsonParser.parseString(paper.out().trim())
                        .getAsJsonObject()
                        .get("architecture")
                        .getAsString());
        CommandRun four =
                run("evaluate", "--set", dir.resolve("ipc2/synthetic.npz").toString(), "--protocol", "paper");
        assertNotEquals(0, four.code());
        assertTrue(four.err().contains("this set has 4: leave --protocol out"), four.err());
    }
}
