package org.ddlab.matching;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.ddlab.engine.GradMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GradientsTest {

    /** L = (w·x)²: ∂L/∂w = 2(w·x)x; D = |∂L/∂w|² = 4(w·x)²|x|², ∂D/∂x = 8(w·x)|x|² w + 8(w·x)² x. */
    @Test
    void firstAndSecondOrderGradientsInClosedForm() {
        try (NDManager m = NDManager.newBaseManager();
                GradMode.Scope on = GradMode.on()) {
            NDArray w = m.create(new float[] {1, 2, 3});
            NDArray x = m.create(new float[] {0.5f, -1, 2});
            w.setRequiresGradient(true);
            x.setRequiresGradient(true);
            NDArray loss = w.mul(x).sum().square();
            NDArray g = Gradients.differentiable(loss, List.of(w)).get(0);
            assertArrayEquals(new float[] {4.5f, -9, 18}, g.toFloatArray(), 1e-5f);
            NDArray d = g.square().sum();
            assertArrayEquals(new float[] {270, 216, 891}, Gradients.of(d, x).toFloatArray(), 1e-3f);
            // Values, not deposits: neither leaf has an accumulated gradient afterwards.
            for (NDArray leaf : List.of(w, x)) {
                assertFalse(leaf.getGradient().abs().sum().getFloat() > 0, "nothing accumulated on the leaves");
            }
        }
    }

    @Test
    void anInputTheLossDoesNotUseGetsZeros() {
        try (NDManager m = NDManager.newBaseManager();
                GradMode.Scope on = GradMode.on()) {
            NDArray a = m.create(new float[] {1, 2});
            NDArray unused = m.create(new float[] {3, 4, 5});
            a.setRequiresGradient(true);
            unused.setRequiresGradient(true);
            List<NDArray> g = Gradients.of(a.square().sum(), List.of(a, unused));
            assertArrayEquals(new float[] {2, 4}, g.get(0).toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {0, 0, 0}, g.get(1).toFloatArray());
        }
    }

    @Test
    void aLossThatIsNotAScalarIsRefused() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {1, 2});
            a.setRequiresGradient(true);
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> Gradients.of(a.mul(2), List.of(a)));
            assertEquals("a gradient needs a scalar loss, got shape (2)", e.getMessage());
        }
    }

    /**
     * The committed TorchScript archive holds the code its generator writes. Needs Debian's
     * python3-torch (environment/setup installs it); skipped where it is absent.
     */
    @Test
    void theCommittedModuleIsWhatItsScriptWrites(@TempDir Path dir) throws Exception {
        Path script = Path.of("src/main/torchscript/autograd_grad.py");
        assumeTrue(Files.exists(script) && Files.isExecutable(Path.of("/usr/bin/python3")), "no generator or python");
        Process probe = new ProcessBuilder("/usr/bin/python3", "-c", "import torch")
                .redirectErrorStream(true)
                .start();
        probe.getInputStream().readAllBytes();
        assumeTrue(probe.waitFor(120, TimeUnit.SECONDS) && probe.exitValue() == 0, "python3-torch is not installed");
        Path fresh = dir.resolve("autograd_grad.pt");
        Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), fresh.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        String committed;
        try (InputStream in = Gradients.class.getResourceAsStream("autograd_grad.pt")) {
            assertNotNull(in, "resource on the classpath");
            committed = code(new ZipInputStream(in));
        }
        try (ZipFile zip = new ZipFile(fresh.toFile())) {
            ZipEntry e = zip.stream()
                    .filter(z -> z.getName().endsWith("code/__torch__.py"))
                    .findFirst()
                    .orElseThrow();
            assertEquals(
                    new String(zip.getInputStream(e).readAllBytes()),
                    committed,
                    "re-run lib/src/main/torchscript/autograd_grad.py and commit the archive");
        }
    }

    private static String code(ZipInputStream zip) throws IOException {
        for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
            if (e.getName().endsWith("code/__torch__.py")) {
                return new String(zip.readAllBytes());
            }
        }
        throw new AssertionError("no code/__torch__.py in the committed archive");
    }
}
