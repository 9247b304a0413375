package org.ddlab.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ddlab.data.ImageSet;
import org.ddlab.engine.Profile;
import org.ddlab.train.Augmentation;
import org.ddlab.train.LabeledSet;
import org.ddlab.train.TinySets;
import org.ddlab.train.TrainingSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

class CrossArchitectureResultsTest {

    private static EvalResult r(String set, String arch, double... acc) {
        return new EvalResult(set, arch, acc, new double[acc.length], 100);
    }

    /** random: 0.80 / 0.60 / 0.50; frepo: 0.90 / 0.60 / 0.40 on convnet / mlp / lenet. */
    private static CrossArchitectureResults sample() {
        return CrossArchitectureResults.of(List.of(
                r("random", "convnet", 0.79, 0.81),
                r("random", "mlp", 0.60, 0.60),
                r("random", "lenet", 0.50, 0.50),
                r("frepo", "convnet", 0.90, 0.90),
                r("frepo", "mlp", 0.60, 0.60),
                r("frepo", "lenet", 0.40, 0.40)));
    }

    @Test
    void tableHasMeanPlusMinusStdPerArchitecture() {
        Table t = sample().table("t");
        assertEquals(List.of("set", "convnet", "mlp", "lenet"), t.columnNames());
        assertEquals("80.0 ± 1.0", t.stringColumn("convnet").get(0), "population std of 79 and 81 is 1");
        assertEquals("40.0 ± 0.0", t.stringColumn("lenet").get(1));
        Table one = CrossArchitectureResults.of(List.of(r("a", "mlp", 0.5))).table("one run");
        assertEquals("50.0", one.stringColumn("mlp").get(0), "one run: no std to show");
    }

    @Test
    void dropsAreHomeMinusEachOtherInPoints() {
        CrossArchitectureResults x = sample();
        Map<String, Map<String, Double>> drops = x.drops("convnet");
        assertEquals(List.of("mlp", "lenet"), List.copyOf(drops.get("frepo").keySet()), "home left out, order kept");
        assertEquals(30.0, drops.get("frepo").get("mlp"), 1e-9);
        assertEquals(50.0, drops.get("frepo").get("lenet"), 1e-9);
        assertEquals(25.0, x.meanDrop("random", "convnet"), 1e-9);
        assertEquals(40.0, x.meanDrop("frepo", "convnet"), 1e-9);
        Table t = x.dropTable("convnet", "drops");
        assertEquals(List.of("set", "mlp", "lenet", "mean drop"), t.columnNames());
        assertEquals(40.0, t.doubleColumn("mean drop").get(1), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> x.drops("resnet18"));
    }

    @Test
    void gainsOverTheBaselineCompareOnTheSameNetwork() {
        Map<String, Map<String, Double>> g = sample().gainsOver("random");
        assertEquals(10.0, g.get("frepo").get("convnet"), 1e-9);
        assertEquals(0.0, g.get("frepo").get("mlp"), 1e-9);
        assertEquals(-10.0, g.get("frepo").get("lenet"), 1e-9);
        assertEquals(0.0, g.get("random").get("lenet"), 1e-9);
        assertEquals(
                -10.0, sample().gainTable("random", "g").doubleColumn("lenet").get(1), 1e-9);
    }

    @Test
    void dropsInWordsNameTheNumbersAndTheExtremes() {
        List<String> words = sample().dropsInWords("convnet", "random");
        assertEquals(2, words.size());
        String frepo = words.get(1);
        assertTrue(frepo.startsWith("frepo: 90.0 % on convnet"), frepo);
        assertTrue(frepo.contains("it loses 40.0 points on average"), frepo);
        assertTrue(frepo.contains("from 30.0 lost on mlp to 50.0 lost on lenet"), frepo);
        assertTrue(frepo.contains("it beats random on 1 of 3 networks"), frepo);
        assertTrue(!words.get(0).contains("beats random"), "the baseline is not compared with itself: " + words.get(0));
    }

    @Test
    void missingPairsAreNaNAndDuplicatesRefused() {
        CrossArchitectureResults x = CrossArchitectureResults.of(
                List.of(r("a", "convnet", 0.8), r("a", "mlp", 0.6), r("b", "convnet", 0.7)));
        assertTrue(x.drops("convnet").get("b").get("mlp").isNaN());
        assertEquals(Double.NaN, x.meanDrop("b", "convnet"));
        assertTrue(
                x.dropsInWords("convnet", null).get(1).contains("no drop to report"),
                x.dropsInWords("convnet", null).get(1));
        assertEquals("", x.table("t").stringColumn("mlp").get(1));
        assertTrue(x.toMarkdown().contains("| b | 70.0 % | — |"), x.toMarkdown());
        assertThrows(
                IllegalArgumentException.class,
                () -> CrossArchitectureResults.of(List.of(r("a", "mlp", 0.5), r("a", "mlp", 0.6))));
        assertThrows(IllegalArgumentException.class, () -> x.mean("b", "mlp"));
    }

    @Test
    void heatMapHasACellPerPair() {
        BufferedImage small =
                CrossArchitectureResults.of(List.of(r("a", "convnet", 0.8))).heatMap("h");
        BufferedImage big = sample().heatMap("h");
        assertTrue(big.getWidth() > small.getWidth() && big.getHeight() > small.getHeight());
    }

    @Test
    void jsonLinesFromEvaluateAreReadAndALaterLineReplacesAnEarlierOne(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("results.jsonl");
        Files.writeString(
                f,
                String.join(
                        "\n",
                        "{\"set\": \"frepo\", \"architecture\": \"convnet\", \"mean\": 0.8, \"std\": 0, \"accuracies\": [0.8], \"train_seconds\": [3.0], \"train_images_per_second\": 500.0}",
                        "{\"set\": \"frepo\", \"architecture\": \"mlp\", \"mean\": 0.5, \"std\": 0, \"accuracies\": [0.5], \"train_seconds\": [1.0], \"train_images_per_second\": 9000.0}",
                        "",
                        "{\"set\": \"frepo\", \"architecture\": \"convnet\", \"mean\": 0.85, \"std\": 0.01, \"accuracies\": [0.84, 0.86], \"train_seconds\": [3.0, 3.0], \"train_images_per_second\": 510.0}"));
        CrossArchitectureResults x = CrossArchitectureResults.readJsonLines(f);
        assertEquals(0.85, x.mean("frepo", "convnet"), 1e-9);
        assertEquals(2, x.result("frepo", "convnet").orElseThrow().runs());
        assertEquals(
                List.of("mlp", "convnet"), x.architectures(), "a re-measured pair moves to where it was measured last");
        assertEquals(9000.0, x.trainingSpeed().get("mlp"), 1e-9);
        Files.writeString(f, "{\"set\": \"x\"}\n");
        IllegalArgumentException bad =
                assertThrows(IllegalArgumentException.class, () -> CrossArchitectureResults.readJsonLines(f));
        assertTrue(bad.getMessage().contains("line 1"), bad.getMessage());
    }

    @Test
    void evaluateRunsEveryPairAndReportsProgressOverTheGrid() {
        EvaluationProtocol protocol = EvaluationProtocol.forProfile(Profile.QUICK)
                .withRepeats(1)
                .withSchedule(new TrainingSchedule(4, 16, 0.05, 0.9, 5e-4, 0.5, false))
                .withAugmentation(Augmentation.NONE);
        ImageSet test = TinySets.stripes(5, 4, 2);
        Map<String, LabeledSet> sets = new LinkedHashMap<>();
        sets.put("first", LabeledSet.hard(TinySets.stripes(3, 4, 1)));
        sets.put("second", LabeledSet.hard(TinySets.stripes(3, 4, 7)));
        List<Long> progress = new ArrayList<>();
        CrossArchitectureResults x = CrossArchitectureResults.evaluate(
                protocol, sets, List.of("mlp:width=8", "convnet:width=4,depth=1"), test, 0, (done, total, status) -> {
                    assertEquals(16, total, "2 sets × 2 architectures × 4 epochs");
                    progress.add(done);
                });
        assertEquals(List.of("first", "second"), x.sets(), "rows are named by the map, not by the images' own name");
        assertEquals(4, x.results().size());
        assertEquals(16L, progress.get(progress.size() - 1));
        for (int i = 1; i < progress.size(); i++) {
            assertTrue(progress.get(i) > progress.get(i - 1), "progress only moves forward: " + progress);
        }
    }
}
