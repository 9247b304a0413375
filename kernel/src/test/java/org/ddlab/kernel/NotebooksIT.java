package org.ddlab.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every notebook of the course, executed headless with the just-built kernel in the quick profile.
 * A notebook fails when any cell raises — and each notebook ends with checks that raise when its
 * results are off, so this is a test of the results too, not only of the plumbing.
 */
class NotebooksIT {

    @TempDir
    static Path jupyterPath;

    @BeforeAll
    static void installKernel() throws Exception {
        ExternalProcess.installKernelSpec(jupyterPath);
    }

    @TestFactory
    Stream<DynamicTest> everyNotebookRunsClean() throws IOException {
        Path notebooks = ExternalProcess.repo().resolve("notebooks");
        List<Path> all;
        try (Stream<Path> s = Files.list(notebooks)) {
            all = s.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
        }
        assertFalse(all.isEmpty(), "no notebooks found in " + notebooks);
        Path out = ExternalProcess.kernelTarget().resolve("executed-notebooks");
        return all.stream()
                .map(nb -> DynamicTest.dynamicTest(nb.getFileName().toString(), () -> {
                    ExternalProcess r = ExternalProcess.run(
                            List.of(
                                    ExternalProcess.PYTHON,
                                    ExternalProcess.repo()
                                            .resolve("environment/execute_notebooks.py")
                                            .toString(),
                                    "--out",
                                    out.toString(),
                                    "--html",
                                    "--timeout",
                                    "900",
                                    nb.toString()),
                            Map.of(
                                    "JUPYTER_PATH",
                                    jupyterPath.toString(),
                                    "DDLAB_PROFILE",
                                    System.getenv().getOrDefault("DDLAB_PROFILE", "quick")),
                            notebooks,
                            1800);
                    System.out.println(r.output());
                    assertEquals(0, r.exitCode(), nb.getFileName() + " failed:\n" + r.output());
                    // environment/render's page: every picture inside it, none fetched from the network.
                    String html = Files.readString(
                            out.resolve(nb.getFileName().toString().replace(".ipynb", ".html")));
                    assertTrue(
                            html.contains("data:image/png;base64,"),
                            nb.getFileName() + ": no embedded image in the HTML");
                    assertFalse(
                            html.matches("(?s).*<img[^>]+src=\"https?:.*"),
                            nb.getFileName() + ": the HTML loads an image from the network");
                }));
    }
}
