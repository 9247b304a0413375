package org.ddlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * FRePo's defaults, chosen on Fashion-MNIST, carry to a second grey dataset (MNIST) and to a colour one
 * (CIFAR-10, whitened): a short run's IPC-10 set beats the real images it started from. Both sets are
 * scored under the quick protocol on 500 held-out training images per class ({@code --validation 500}, which
 * the distillation never sees), never on the test split. The datasets are the real ones on this machine:
 * {@code environment/test} fetches them first ({@code ddlab data fetch mnist}, then {@code cifar10}); without them the
 * distillation fails with the message saying where to get them.
 *
 * <p>The margins are about a third of what the same commands measured ({@code docs/results.md}, "FRePo
 * beyond Fashion-MNIST"), so a FRePo step that stops improving the images fails, while seed noise does not.
 */
class RealDataDirectionTest {

    @TempDir
    Path tmp;

    private CliProcess.Result ddlab(Duration limit, String... args) throws IOException, InterruptedException {
        return CliProcess.start(Map.of(), tmp, args).awaitExit(limit);
    }

    private double score(Path set) throws IOException, InterruptedException {
        CliProcess.Result r = ddlab(
                Duration.ofMinutes(5),
                "evaluate",
                "--set",
                set.toString(),
                "--validation",
                "500",
                "--profile",
                "quick",
                "--json");
        assertEquals(0, r.code(), r.err());
        return JsonParser.parseString(
                        r.out().strip().lines().reduce((a, b) -> b).orElseThrow())
                .getAsJsonObject()
                .get("mean")
                .getAsDouble();
    }

    @ParameterizedTest(name = "{0}: {1} steps beat the start by {2}")
    @CsvSource({"mnist, 150, 0.015", "cifar10, 150, 0.015"})
    void frepoBeatsItsStartBeyondFashionMnist(String dataset, int steps, double margin) throws Exception {
        Path out = tmp.resolve(dataset);
        CliProcess.Result distill = ddlab(
                Duration.ofMinutes(10),
                "distill",
                "--method",
                "frepo",
                "--dataset",
                dataset,
                "--ipc",
                "10",
                "--steps",
                String.valueOf(steps),
                "--seed",
                "0",
                "--validation",
                "500",
                "--profile",
                "quick",
                "--out",
                out.toString());
        assertEquals(0, distill.code(), distill.err());

        double start = score(out.resolve("start.npz"));
        double distilled = score(out.resolve("synthetic.npz"));

        assertTrue(
                distilled >= start + margin,
                String.format(
                        Locale.ROOT,
                        "%s: FRePo's set scores %.4f on held-out images, its start %.4f; it must add %.2f",
                        dataset,
                        distilled,
                        start,
                        margin));
    }
}
