package org.ddlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/cli.md is what {@code ddlab reference} writes: a changed option without a re-written page fails here. */
class CliReferenceTest {

    @Test
    void theCommittedPageIsWhatTheJarWrites() throws IOException {
        Path page = repositoryRoot().resolve("docs/cli.md");
        String expected = ReferenceCommand.markdown();
        String committed = Files.isRegularFile(page) ? Files.readString(page, StandardCharsets.UTF_8) : "";
        assertTrue(
                committed.equals(expected),
                "docs/cli.md is stale (first difference at line " + firstDifference(committed, expected)
                        + "); re-write it: java -jar cli/target/ddlab.jar reference --out docs/cli.md");
    }

    @Test
    void everyCommandAndEveryMethodOptionIsOnThePage() {
        String page = ReferenceCommand.markdown();
        for (String command : Main.commandLine().getSubcommands().keySet()) {
            if (!command.equals("help")) {
                assertTrue(page.contains("## `ddlab " + command + "`"), command);
            }
        }
        assertTrue(page.contains("## `ddlab data fetch`") && page.contains("## `ddlab ablate`"), "sub-commands");
        assertTrue(
                page.contains("--pool-size") && page.contains("--factor") && page.contains("--clusters"),
                "method options");
        // Methods registered at run time (a notebook's, a test's) are not the jar's and stay off the page.
        assertFalse(page.contains("toy-mean"), "a test's method on the page");
    }

    @Test
    void theCommandWritesThePageToAFile(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path out = dir.resolve("cli.md");
        assertEquals(0, Main.commandLine().execute("reference", "--out", out.toString()));
        assertEquals(ReferenceCommand.markdown(), Files.readString(out, StandardCharsets.UTF_8));
    }

    private static int firstDifference(String a, String b) {
        String[] x = a.split("\n", -1);
        String[] y = b.split("\n", -1);
        int i = 0;
        while (i < x.length && i < y.length && x[i].equals(y[i])) {
            i++;
        }
        return i + 1;
    }

    /** The working directory or the nearest directory above it that holds README.md and environment/. */
    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("environment"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no directory with README.md and environment/ at or above "
                + Path.of("").toAbsolutePath());
    }
}
