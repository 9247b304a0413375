package org.ddlab.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The course as a person meets it, in headless Chromium with the network cut off (environment/browser_test.py):
 * the course's pages (docs/course/*.html and a page of 00-welcome rendered now) opened as files show every
 * picture, every equation typeset and their stamp, and run no script; environment/lab serves the notebooks with
 * their equations typeset by the MathJax it serves; 00-welcome runs every cell and its pictures appear; a widget
 * moved in the browser makes the kernel redraw its output.
 */
class LabBrowserIT {

    @Test
    void pagesAndLabShowTheCourseOffline() throws Exception {
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
                1500);
        System.out.println(r.output());
        assertEquals(0, r.exitCode(), "browser test failed:\n" + r.output());
    }

    /**
     * A slider and an Output area in the classic Notebook with Debian's widget extension: the slider moved with the
     * keyboard, the kernel's callback redraws the Output area (kernel/src/test/python/widgets_browser_check.py).
     */
    @Test
    void aMovedSliderRedrawsItsOutputArea() throws Exception {
        ExternalProcess r = ExternalProcess.run(
                List.of(
                        ExternalProcess.PYTHON,
                        ExternalProcess.repo()
                                .resolve("kernel/src/test/python/widgets_browser_check.py")
                                .toString(),
                        "--screenshot",
                        ExternalProcess.kernelTarget()
                                .resolve("widgets-screenshot.png")
                                .toString()),
                Map.of(),
                ExternalProcess.repo(),
                600);
        System.out.println(r.output());
        assertEquals(0, r.exitCode(), "widgets browser check failed:\n" + r.output());
    }
}
