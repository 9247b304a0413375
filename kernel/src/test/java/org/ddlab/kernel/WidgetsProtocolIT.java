package org.ddlab.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Widgets against the packaged kernel (kernel/src/test/python/test_widgets.py): jupyter_client plays
 * the classic notebook's widget manager (version check, a slider moved, a button clicked, an
 * output area that must receive a callback's text, an interrupted listener) and JupyterLab's
 * ipywidgets-8 manager (control comm, version-2 models, which ipywidgets 8's own JavaScript then
 * draws in headless Chromium), and nbclient runs a notebook with widgets and no manager.
 */
class WidgetsProtocolIT {

    @TempDir
    Path tmp;

    @Test
    void widgetsSyncWithTheRealKernel() throws Exception {
        Path jupyterPath = tmp.resolve("jupyter");
        ExternalProcess.installKernelSpec(jupyterPath);
        Path spec = jupyterPath.resolve("kernels/ddlab/kernel.json");
        assertTrue(Files.isRegularFile(spec), "no kernelspec at " + spec);

        Path runtime = Files.createDirectories(tmp.resolve("runtime"));
        Path script = ExternalProcess.repo().resolve("kernel/src/test/python/test_widgets.py");
        ExternalProcess r = ExternalProcess.run(
                List.of(
                        ExternalProcess.PYTHON,
                        "-m",
                        "unittest",
                        "-v",
                        script.getFileName().toString().replace(".py", "")),
                Map.of(
                        "JUPYTER_PATH",
                        jupyterPath.toString(),
                        "JUPYTER_RUNTIME_DIR",
                        runtime.toString(),
                        "JUPYTER_DATA_DIR",
                        tmp.resolve("data").toString(),
                        "JUPYTER_CONFIG_DIR",
                        tmp.resolve("config").toString(),
                        "IPYTHONDIR",
                        tmp.resolve("ipython").toString(),
                        "PYTHONDONTWRITEBYTECODE",
                        "1"),
                script.getParent(),
                600);
        System.out.println(r.output());
        assertEquals(0, r.exitCode(), "widget protocol tests failed:\n" + r.output());
    }
}
