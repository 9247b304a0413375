package org.ddlab.ablate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.ddlab.data.DatasetSplits;
import org.ddlab.distill.Caches;
import org.ddlab.engine.Profile;
import org.ddlab.eval.EvaluationProtocol;
import org.ddlab.methods.Methods;
import org.ddlab.train.TinySets;
import org.ddlab.train.TrainingSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

class AblationTest {

    @Test
    void cellsAreEveryCombinationFirstOptionSlowest() {
        AblationGrid g = AblationGrid.of("g", Map.of("method", "frepo"))
                .vary("ipc", 1, 10)
                .vary("pool_size", 1, 5, 10);
        List<Map<String, Object>> cells = g.cells();
        assertEquals(6, cells.size());
        assertEquals(Map.of("method", "frepo", "ipc", 1, "pool_size", 1), cells.get(0));
        assertEquals(Map.of("method", "frepo", "ipc", 1, "pool_size", 10), cells.get(2));
        assertEquals(Map.of("method", "frepo", "ipc", 10, "pool_size", 5), cells.get(4));
    }

    @Test
    void gridFilesParseAndBadOnesSayWhy() {
        AblationGrid g = AblationGrid.parse(
                "{\"name\": \"pool\", \"base\": {\"method\": \"frepo\", \"steps\": 300.0},"
                        + " \"vary\": {\"pool_size\": [1, 5], \"ridge\": [1e-6]}}",
                "x");
        assertEquals("pool", g.name());
        assertEquals(300L, g.base().get("steps"), "whole JSON numbers are integers, so 300 and 300.0 are one cell");
        assertEquals(2, g.cells().size());
        assertEquals(1e-6, g.cells().get(0).get("ridge"));
        IllegalArgumentException unknown = assertThrows(
                IllegalArgumentException.class,
                () -> AblationGrid.parse("{\"base\": {}, \"vary\": {}, \"grid\": 1}", "x"));
        assertTrue(unknown.getMessage().contains("\"grid\""), unknown.getMessage());
        IllegalArgumentException notList = assertThrows(
                IllegalArgumentException.class, () -> AblationGrid.parse("{\"vary\": {\"pool_size\": 5}}", "x"));
        assertTrue(notList.getMessage().contains("list of values"), notList.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AblationGrid.parse("{\"vary\": {\"pool_size\": []}}", "x"));
    }

    @Test
    void optionsAreCheckedAgainstTheMethod() {
        assertEquals(
                Methods.configure(Map.of(), 100),
                Methods.configure(Map.of("method", "frepo", "pool_size", 10, "steps", 100), 100),
                "defaults written out name the same run");
        IllegalArgumentException other = assertThrows(
                IllegalArgumentException.class, () -> Methods.configure(Map.of("method", "dc", "pool_size", 5), 10));
        assertTrue(other.getMessage().contains("option of frepo"), other.getMessage());
        IllegalArgumentException typo = assertThrows(
                IllegalArgumentException.class, () -> Methods.configure(Map.of("method", "frepo", "pool", 5), 10));
        assertTrue(typo.getMessage().contains("known:") && typo.getMessage().contains("pool_size"), typo.getMessage());
        IllegalArgumentException type =
                assertThrows(IllegalArgumentException.class, () -> Methods.configure(Map.of("ridge", "small"), 10));
        assertTrue(type.getMessage().contains("a number"), type.getMessage());
        Map<String, Object> dc = Methods.configure(Map.of("method", "dc", "ipc", 10, "steps", 7), 100);
        assertEquals(7L, ((Number) dc.get("steps")).longValue(), "every method's run length is its steps");
        assertEquals(10, ((Number) dc.get("outer_loop")).intValue(), "the reference's loops for IPC 10");
    }

    @Test
    void finishedCellsAreCachedAndAGrownGridRunsOnlyTheNewOnes(@TempDir Path dir) throws Exception {
        DatasetSplits data = TinySets.splits(30, 10, 4, 3);
        EvaluationProtocol protocol = quickProtocol(3);
        Ablation ablation = new Ablation(dir, data, protocol, 2).evaluatingWith("mlp:width=8");
        AblationGrid grid = AblationGrid.of(
                        "dm lr",
                        Map.of("method", "dm", "ipc", 1, "architecture", "convnet:width=4,depth=1", "real_batch", 5))
                .vary("image_lr", 0.1, 1.0);
        List<Ablation.Cell> first = ablation.run(grid, Ablation.Listener.NONE);
        assertEquals(2, first.size());
        assertTrue(first.stream().noneMatch(Ablation.Cell::cached));
        assertTrue(first.stream().allMatch(c -> Files.exists(c.dir().resolve("result.json")) && c.steps() == 2));
        assertFalse(first.get(0).dir().equals(first.get(1).dir()));

        List<Ablation.Cell> again = ablation.run(grid.vary("image_lr", 0.1, 1.0, 10.0), Ablation.Listener.NONE);
        assertEquals(3, again.size());
        assertTrue(
                again.get(0).cached() && again.get(1).cached() && !again.get(2).cached());
        assertEquals(first.get(1).result().mean(), again.get(1).result().mean(), 0.0);

        Table t = Ablation.table(grid, first, "validation");
        assertEquals(List.of("image_lr", "mean %", "std %", "runs", "steps", "distill s", "cached"), t.columnNames());
        assertEquals("0.1", t.stringColumn("image_lr").get(0));

        // Another protocol is another cell: a cached score is only re-used for the question it answered.
        Ablation longer = new Ablation(
                        dir, data, protocol.withSchedule(protocol.schedule().withEpochs(4)), 2)
                .evaluatingWith("mlp:width=8");
        assertFalse(longer.run(grid, Ablation.Listener.NONE).get(0).cached());
    }

    @Test
    void aCellThatFailsIsRecordedAndTheGridGoesOnAndCollectReadsWhatRunAllRan(@TempDir Path dir) throws Exception {
        DatasetSplits data = TinySets.splits(30, 10, 4, 3);
        Ablation ablation = new Ablation(dir, data, quickProtocol(3), 2).evaluatingWith("mlp:width=8");
        // An image step of 1e30 sends the images to infinity: that cell's own failure, not the grid's.
        AblationGrid grid = AblationGrid.of(
                        "dm lr",
                        Map.of("method", "dm", "ipc", 1, "architecture", "convnet:width=4,depth=1", "real_batch", 5))
                .vary("image_lr", 0.1, 1e30, 1.0);
        Ablation.Outcome ran = ablation.runAll(grid, Ablation.Listener.NONE);
        assertEquals(2, ran.cells().size(), "the cells after the failed one still run");
        assertEquals(1, ran.failures().size());
        Ablation.Failure failed = ran.failures().get(0);
        assertEquals(1, failed.index());
        assertTrue(Files.exists(failed.dir().resolve(Ablation.FAILED)), "the failure is recorded in its cell");
        assertFalse(Files.exists(failed.dir().resolve(Ablation.RESULT)));
        assertFalse(ablation.hasResult(grid, 1));
        assertTrue(ablation.hasResult(grid, 0) && ablation.hasResult(grid, 2));

        Ablation.Outcome read = ablation.collect(grid);
        assertEquals(failed.message(), read.failures().get(0).message());
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(
                    ran.cells().get(i).result().accuracies(),
                    read.cells().get(i).result().accuracies(),
                    "collect reads back exactly what runAll ran");
            assertTrue(read.cells().get(i).cached()
                    && !read.cells().get(i).asComputed().cached());
        }
        // A worker asked for a finished cell reads it back; a fresh ablation over a cache with a missing cell says
        // which.
        Object again = ablation.runCell(grid, 2, Ablation.Listener.NONE);
        assertTrue(again instanceof Ablation.Cell c && c.cached(), String.valueOf(again));
        AblationGrid grown = grid.vary("image_lr", 0.1, 1e30, 1.0, 3.0);
        IllegalStateException missing = assertThrows(IllegalStateException.class, () -> ablation.collect(grown));
        assertTrue(missing.getMessage().contains("cell 4/4"), missing.getMessage());
        // The grid goes on; the failed cell runs again next time (a failure is not cached like a result).
        Object retried = ablation.runCell(grid, 1, Ablation.Listener.NONE);
        assertTrue(retried instanceof Ablation.Failure, String.valueOf(retried));
    }

    @Test
    void aGridWrittenAsJsonReadsBackWithTheSameCells() {
        AblationGrid g = AblationGrid.parse(
                        "{\"name\": \"pool\", \"base\": {\"method\": \"frepo\", \"steps\": 300},"
                                + " \"vary\": {\"pool_size\": [1, 10], \"learn_labels\": [true, false]}}",
                        "x")
                .with("ridge", 1e-6)
                .with("architecture", "convnet:width=16");
        AblationGrid back = AblationGrid.parse(g.toJson(), "other");
        assertEquals("pool", back.name());
        assertEquals(g.cells(), back.cells());
    }

    @Test
    void aGridIsScaledByFixingBaseOptionsButNotVariedOnes() {
        AblationGrid g = AblationGrid.parse(
                "{\"name\": \"pool\", \"base\": {\"method\": \"frepo\", \"steps\": 300},"
                        + " \"vary\": {\"pool_size\": [1, 10]}}",
                "x");
        AblationGrid small = g.with("steps", 20).with(Map.of("architecture", "convnet:width=16"));
        assertEquals(20, ((Number) small.base().get("steps")).intValue());
        assertEquals("convnet:width=16", small.base().get("architecture"));
        assertEquals(300L, g.base().get("steps"), "the original grid is unchanged");
        assertEquals(2, small.cells().size());
        assertEquals(20, ((Number) small.cells().get(1).get("steps")).intValue());
        IllegalArgumentException varied = assertThrows(IllegalArgumentException.class, () -> g.with("pool_size", 5));
        assertTrue(varied.getMessage().contains("varies 'pool_size'"), varied.getMessage());
        assertEquals(List.of(1L, 10L), g.values("pool_size"));
        assertEquals(
                List.of(1, 5), g.vary("pool_size", 1, 5).values("pool_size"), "vary replaces a varied option's values");
        assertThrows(IllegalArgumentException.class, () -> g.values("ridge"));
    }

    @Test
    void valuesAreWrittenShortly() {
        assertEquals("1e-6", Ablation.text(1e-6));
        assertEquals("2.5e-8", Ablation.text(2.5e-8));
        assertEquals("0.01", Ablation.text(0.01));
        assertEquals("300", Ablation.text(300.0));
        assertEquals("10", Ablation.text(10L));
        assertEquals("true", Ablation.text(true));
        assertEquals("convnet:width=32", Ablation.text("convnet:width=32"));
        assertEquals(
                "frepo ridge=1e-4 pool_size=5", Ablation.label(new java.util.LinkedHashMap<>(Map.of("ridge", 1e-4)) {
                    {
                        put("pool_size", 5);
                    }
                }));
    }

    @Test
    void dreamsRealBatchOfAMatchingMethodIsItsClusterCount() {
        Map<String, Object> dm =
                Methods.configure(Map.of("method", "dm", "ipc", 10, "sampler", "dream", "clusters", 32), 10);
        assertEquals(32, ((Number) dm.get("real_batch")).intValue(), "DREAM matches against its N representatives");
        Map<String, Object> explicit =
                Methods.configure(Map.of("method", "dm", "sampler", "dream", "clusters", 32, "real_batch", 64), 10);
        assertEquals(64, ((Number) explicit.get("real_batch")).intValue(), "an explicit real batch is kept");
        Map<String, Object> random = Methods.configure(Map.of("method", "dm"), 10);
        assertEquals(256, ((Number) random.get("real_batch")).intValue(), "the reference's batch without DREAM");
        Map<String, Object> frepo =
                Methods.configure(Map.of("method", "frepo", "sampler", "dream", "clusters", 32), 10);
        assertEquals(256, ((Number) frepo.get("real_batch")).intValue(), "FRePo keeps its class-balanced batch");
    }

    @Test
    void dreamsDefaultsAreSpacedByMethodAndExplicitOnesKept() {
        // Spaced so the sampling stays under 15 % of a CPU run (docs/results.md, "DREAM"): the cheaper the method's
        // step, the longer.
        for (var e : Map.of("dc", 20, "dsa", 20, "dm", 30, "frepo", 100).entrySet()) {
            Map<String, Object> c = Methods.configure(Map.of("method", e.getKey(), "sampler", "dream"), 10);
            assertEquals(e.getValue(), ((Number) c.get("interval")).intValue(), e.getKey());
            assertEquals(500, ((Number) c.get("candidates")).intValue(), e.getKey());
        }
        Map<String, Object> many = Methods.configure(Map.of("method", "dc", "sampler", "dream", "clusters", 700), 10);
        assertEquals(700, ((Number) many.get("candidates")).intValue(), "at least one candidate per centre");
        Map<String, Object> reference =
                Methods.configure(Map.of("method", "dc", "sampler", "dream", "interval", 10, "candidates", 0), 10);
        assertEquals(10, ((Number) reference.get("interval")).intValue());
        assertEquals(
                0, ((Number) reference.get("candidates")).intValue(), "0 = every image of the class, as the reference");
    }

    private static Ablation.Cell cell(Map<String, Object> options, double... accuracies) {
        double[] secs = new double[accuracies.length];
        java.util.Arrays.fill(secs, 1);
        return new Ablation.Cell(
                options,
                Map.of(),
                new org.ddlab.eval.EvalResult(Ablation.label(options), "mlp", accuracies, secs, 1),
                10,
                1,
                Path.of("x"),
                false);
    }

    @Test
    void findingsAreComputedFromTheCells() {
        AblationGrid g = AblationGrid.of("clusters", Map.of("method", "dm")).vary("clusters", 16, 64, 256);
        List<Ablation.Cell> cells = List.of(
                cell(Map.of("clusters", 16), 0.70, 0.72),
                cell(Map.of("clusters", 64), 0.75, 0.77),
                cell(Map.of("clusters", 256), 0.73, 0.73));
        List<Findings.Effect> effects = Findings.of(g, cells);
        assertEquals(1, effects.size());
        Findings.Effect e = effects.get(0);
        assertEquals(64, e.best());
        assertEquals(16, e.worst());
        assertEquals(5.0, e.gap(), 1e-9);
        assertEquals(73.0, e.mean(256L), 1e-9, "values compare as text: 256 and 256L are one value");
        assertEquals("peaks at clusters = 64", e.trend());
        assertEquals(2.0 / 3, e.runSpread(), 1e-9, "mean std over the cells (1, 1 and 0 points), in points");
        String s = e.sentence(Double.NaN);
        assertTrue(
                s.startsWith("clusters = 64 scored best (76.0 %), clusters = 16 worst (71.0 %), 5.0 points apart; "
                        + "the score peaks at clusters = 64."),
                s);
        assertTrue(s.contains("7.5× the run-to-run std (0.7 points): a clear difference"), s);
        assertTrue(e.sentence(4).contains("1.3× the seed-to-seed spread (4.0 points): suggestive"), e.sentence(4));
        assertTrue(
                e.sentence(6)
                        .contains(
                                "within the seed-to-seed spread (6.0 points): on this evidence clusters makes no clear"),
                e.sentence(6));

        assertEquals(-3.0, e.difference(256, 64), 1e-9);
        assertEquals(
                "clusters = 256 scored 3.0 points below clusters = 64, 1.5× the seed-to-seed spread (2.0 points)",
                e.compare(256, 64, 2));
        assertEquals(
                "clusters = 64 scored 5.0 points above clusters = 16, within the seed-to-seed spread (6.0 points)",
                e.compare(64, 16, 6));
        assertEquals(
                "clusters = 64 scored 5.0 points above clusters = 16, 7.5× the run-to-run std (0.7 points)",
                e.compare(64, 16, Double.NaN));

        assertEquals("+1.2 points", Findings.signed(1.23));
        assertEquals("+0.0 points", Findings.signed(-0.01), "never -0.0");
        assertEquals("-0.4 points", Findings.signed(-0.4));

        List<Ablation.Cell> oneRun = List.of(
                cell(Map.of("clusters", 16), 0.70),
                cell(Map.of("clusters", 64), 0.71),
                cell(Map.of("clusters", 256), 0.72));
        Findings.Effect rising = Findings.of(g, oneRun).get(0);
        assertEquals("rises with clusters", rising.trend());
        assertTrue(rising.sentence(Double.NaN).contains("One evaluation run per cell"), rising.sentence(Double.NaN));
        assertEquals(
                "falls with clusters",
                Findings.of(
                                g,
                                List.of(
                                        cell(Map.of("clusters", 16), 0.72),
                                        cell(Map.of("clusters", 64), 0.71),
                                        cell(Map.of("clusters", 256), 0.70)))
                        .get(0)
                        .trend());
        assertEquals(
                "has no steady trend over clusters",
                Findings.of(
                                g.vary("clusters", 16, 32, 64, 256),
                                List.of(
                                        cell(Map.of("clusters", 16), 0.70),
                                        cell(Map.of("clusters", 32), 0.75),
                                        cell(Map.of("clusters", 64), 0.71),
                                        cell(Map.of("clusters", 256), 0.76)))
                        .get(0)
                        .trend());
        assertEquals(1.0, Findings.spread(oneRun), 1e-9, "sample std of the cells' means (70, 71, 72 %), in points");
        assertTrue(Double.isNaN(Findings.spread(oneRun.subList(0, 1))));
        assertEquals(Findings.Verdict.AGREES, Findings.verdict(2.0, 1.5));
        assertEquals(Findings.Verdict.DISAGREES, Findings.verdict(-2.0, 1.5));
        assertEquals(Findings.Verdict.INCONCLUSIVE, Findings.verdict(1.0, 1.5));
        assertEquals(Findings.Verdict.INCONCLUSIVE, Findings.verdict(-1.0, 1.5));
        assertEquals(Findings.Verdict.LEANS_AGREE, Findings.verdict(0.3, Double.NaN));
        assertEquals(Findings.Verdict.LEANS_DISAGREE, Findings.verdict(-0.3, Double.NaN));
        assertEquals(Findings.Verdict.INCONCLUSIVE, Findings.verdict(0.0, 0.0), "no difference proves nothing");
        Findings.Effect tie = Findings.of(
                        g,
                        List.of(
                                cell(Map.of("clusters", 16), 0.7),
                                cell(Map.of("clusters", 64), 0.70001),
                                cell(Map.of("clusters", 256), 0.7)))
                .get(0);
        assertEquals("clusters = 64 scored the same as clusters = 16", tie.compare(64, 16, 1));
        assertEquals(
                "every value of clusters scored the same (70.0 %).",
                Findings.of(
                                g,
                                List.of(
                                        cell(Map.of("clusters", 16), 0.7),
                                        cell(Map.of("clusters", 64), 0.7),
                                        cell(Map.of("clusters", 256), 0.7)))
                        .get(0)
                        .sentence(1));
    }

    @Test
    void findingsOfATwoOptionGridDescribeTheLastOptionAtEachValueOfTheFirst() {
        AblationGrid g = AblationGrid.of("labels", Map.of("method", "frepo"))
                .vary("ipc", 1, 10)
                .vary("learn_labels", true, false);
        List<Ablation.Cell> cells = List.of(
                cell(Map.of("ipc", 1, "learn_labels", true), 0.60),
                cell(Map.of("ipc", 1, "learn_labels", false), 0.50),
                cell(Map.of("ipc", 10, "learn_labels", true), 0.80),
                cell(Map.of("ipc", 10, "learn_labels", false), 0.79));
        List<Findings.Effect> effects = Findings.of(g, cells);
        assertEquals(2, effects.size());
        assertEquals(Map.of("ipc", 1), effects.get(0).fixed());
        assertEquals(true, effects.get(0).best());
        assertEquals(10.0, effects.get(0).gap(), 1e-9);
        assertEquals(1.0, effects.get(1).gap(), 1e-9);
        assertEquals("", effects.get(0).trend(), "no trend over true/false");
        String text = Findings.describe(g, cells, 2.0);
        assertTrue(
                text.startsWith(
                        "At ipc = 1: learn_labels = true scored best (60.0 %), learn_labels = false worst (50.0 %), 10.0 points apart."),
                text);
        assertTrue(
                text.contains("At ipc = 10: learn_labels = true scored best (80.0 %)")
                        && text.contains("no clear difference"),
                text);

        // A partly finished grid: the missing cell is left out, not invented.
        Findings.Effect partial = Findings.of(g, cells.subList(0, 3)).get(1);
        assertTrue(Double.isNaN(partial.mean(false)));
        assertTrue(partial.sentence(Double.NaN).contains("the only finished cell"), partial.sentence(Double.NaN));

        org.ddlab.viz.Chart chart = Ablation.chart(g, cells, "validation");
        var data = chart.chart().getCategoryPlot().getDataset();
        assertEquals(
                List.of("learn_labels=true", "learn_labels=false"),
                data.getRowKeys(),
                "one line per value of the other option");
        assertEquals(
                List.of("1", "10"), data.getColumnKeys(), "the first option along the x axis, in the grid's order");
        assertEquals(50.0, data.getValue("learn_labels=false", "1").doubleValue(), 1e-9);
        assertEquals(org.ddlab.viz.Charts.WIDTH, chart.toImage().getWidth());
        assertEquals(
                List.of("labels"),
                Ablation.chart(
                                AblationGrid.of("labels", Map.of()).vary("ipc", 1, 10),
                                List.of(cell(Map.of("ipc", 1), 0.5), cell(Map.of("ipc", 10), 0.7)),
                                "validation")
                        .chart()
                        .getCategoryPlot()
                        .getDataset()
                        .getRowKeys(),
                "a one-option grid is one line named after the grid");
    }

    @Test
    void finishedCellsOfAnotherRunAreReadWithoutRunningAnything(@TempDir Path dir) throws Exception {
        DatasetSplits data = TinySets.splits(30, 10, 4, 3);
        EvaluationProtocol protocol = quickProtocol(2);
        AblationGrid grid = tinyDm().vary("image_lr", 0.1, 1.0);
        assertTrue(
                Ablation.finished(dir.resolve("absent"), grid, 2, data).cells().isEmpty());
        List<Ablation.Cell> ran = new Ablation(dir, data, protocol, 2)
                .evaluatingWith("mlp:width=8")
                .run(grid, Ablation.Listener.NONE);
        // Another protocol scores one cell in the same directory: the protocol covering the whole grid wins.
        new Ablation(dir, data, protocol.withSchedule(protocol.schedule().withEpochs(3)), 2)
                .evaluatingWith("mlp:width=8")
                .run(grid.vary("image_lr", 1.0), Ablation.Listener.NONE);

        Ablation.Finished found = Ablation.finished(dir, grid, 2, data);
        assertTrue(found.complete());
        assertEquals(protocol.toString(), found.protocol());
        assertEquals("mlp:width=8", found.evaluatedWith());
        assertEquals("validation, 10 per class", found.scoredOn());
        assertEquals(2, found.cells().size());
        for (int i = 0; i < 2; i++) {
            assertTrue(found.cells().get(i).cached());
            assertEquals(
                    ran.get(i).result().mean(), found.cells().get(i).result().mean(), 0.0);
            assertEquals(ran.get(i).options(), found.cells().get(i).options());
        }
        Ablation.Finished grown = Ablation.finished(dir, grid.vary("image_lr", 0.1, 1.0, 10.0), 2, data);
        assertFalse(grown.complete());
        assertEquals(2, grown.cells().size(), "the cell never run is missing, not invented");
        assertTrue(
                Ablation.finished(dir, grid.with("seed", 7), 2, data).cells().isEmpty(),
                "another configuration matches nothing");
    }

    /** A score cached by older evaluation code is neither read back by a run nor shown as finished. */
    @Test
    void scoresOfOlderEvaluationCodeAreRecomputed(@TempDir Path dir) throws Exception {
        DatasetSplits data = TinySets.splits(30, 10, 4, 3);
        EvaluationProtocol protocol = quickProtocol(2);
        AblationGrid grid = tinyDm().vary("image_lr", 0.1);
        Ablation ablation = new Ablation(dir, data, protocol, 2).evaluatingWith("mlp:width=8");
        Ablation.Cell cell = ablation.run(grid, Ablation.Listener.NONE).get(0);
        assertEquals(1, Ablation.finished(dir, grid, 2, data).cells().size(), "this code's cell is found");
        // The same cell as an older build saved it: its identity names the version before this one.
        Path result = cell.dir().resolve("result.json");
        JsonObject saved = JsonParser.parseString(Files.readString(result)).getAsJsonObject();
        JsonObject identity = saved.getAsJsonObject("identity");
        assertEquals(
                EvaluationProtocol.CODE_VERSION, identity.get("evaluation_code").getAsInt());
        identity.addProperty("evaluation_code", EvaluationProtocol.CODE_VERSION - 1);
        Map<String, Object> old = new Gson()
                .fromJson(identity, new com.google.gson.reflect.TypeToken<TreeMap<String, Object>>() {}.getType());
        Path oldDir = Files.move(cell.dir(), dir.resolve(Caches.hash(old, 8)));
        Files.writeString(oldDir.resolve("result.json"), saved.toString());

        assertTrue(
                Ablation.finished(dir, grid, 2, data).cells().isEmpty(),
                "an older code's score is not shown as finished");
        assertFalse(ablation.run(grid, Ablation.Listener.NONE).get(0).cached(), "and a run scores the cell again");
    }

    @Test
    void aTypoInAnyCellFailsBeforeAnythingRuns(@TempDir Path dir) {
        Ablation ablation =
                new Ablation(dir, TinySets.splits(10, 2, 4, 3), EvaluationProtocol.forProfile(Profile.QUICK), 2);
        AblationGrid grid =
                AblationGrid.of("g", Map.of("method", "dm", "ipc", 1)).vary("image_lr", 0.1, "fast");
        assertThrows(IllegalArgumentException.class, () -> ablation.run(grid, Ablation.Listener.NONE));
        assertTrue(dir.toFile().list() == null || dir.toFile().list().length == 0, "no cell ran");
    }

    /** The quick protocol, one run of {@code epochs} epochs without augmentation: cells score in seconds. */
    private static EvaluationProtocol quickProtocol(int epochs) {
        return EvaluationProtocol.forProfile(Profile.QUICK)
                .withRepeats(1)
                .withSchedule(TrainingSchedule.forProfile(Profile.QUICK)
                        .withEpochs(epochs)
                        .withAugment(false));
    }

    /** A DM grid's base small enough to distil in a second: IPC 1, two steps on a four-channel ConvNet. */
    private static AblationGrid tinyDm() {
        return AblationGrid.of(
                "dm lr",
                Map.of(
                        "method",
                        "dm",
                        "ipc",
                        1,
                        "architecture",
                        "convnet:width=4,depth=1",
                        "real_batch",
                        5,
                        "steps",
                        2));
    }
}
