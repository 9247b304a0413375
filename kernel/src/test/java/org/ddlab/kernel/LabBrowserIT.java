package org.ddlab.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The README's first command as a person meets it: environment/lab serves the course, headless
 * Chromium opens 00-welcome, runs every cell, and the image grid appears (environment/browser_test.py).
 */
class LabBrowserIT {

    @Test
    void welcomeNotebookRunsInChromium() throws Exception {
        ExternalProcess r = ExternalProcess.run(
                List.of(
                        ExternalProcess.PYTHON,
                        ExternalProcess.repo()
                                .resolve("environment/browser_test.py")
                                .toString(),
                        "--screenshot",
                        ExternalProcess.kernelTarget()
                                .resolve("lab-screenshot.png")
                                .toString()),
                Map.of("DDLAB_PROFILE", System.getenv().getOrDefault("DDLAB_PROFILE", "quick")),
                ExternalProcess.repo(),
                900);
        System.out.println(r.output());
        assertEquals(0, r.exitCode(), "browser test failed:\n" + r.output());
    }
}
