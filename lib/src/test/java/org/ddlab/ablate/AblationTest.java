package org.ddlab.ablate;

import org.ddlab.train.TinySets;
import org.ddlab.data.ImageSet;
import org.ddlab.data.Normalization;
import org.ddlab.engine.Profile;
import org.ddlab.eval.EvaluationProtocol;
import org.ddlab.methods.Methods;
import org.ddlab.train.TrainingSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AblationTest {

    @Test
    void cellsAreEveryCombinationFirstOptionSlowest() {
        AblationGrid g = AblationGrid.of("g", Map.of("method", "frepo")).vary("ipc", 1, 10).vary("pool_size", 1, 5, 10);
        List<Map<String, Object>> cells = g.cells();
        assertEquals(6, cells.size());
        assertEquals(Map.of("method", "frepo", "ipc", 1, "pool_size", 1), cells.get(0));
        assertEquals(Map.of("method", "frepo", "ipc", 1, "pool_size", 10), cells.get(2));
        assertEquals(Map.of("method", "frepo", "ipc", 10, "pool_size", 5), cells.get(4));
    }

    @Test
    void gridFilesParseAndBadOnesSayWhy() {
        AblationGrid g = AblationGrid.parse("{\"name\": \"pool\", \"base\": {\"method\": \"frepo\", \"steps\": 300.0},"
                + " \"vary\": {\"pool_size\": [1, 5], \"ridge\": [1e-6]}}", "x");
        assertEquals("pool", g.name());
        assertEquals(300L, g.base().get("steps"), "whole JSON numbers are integers, so 300 and 300.0 are one cell");
        assertEquals(2, g.cells().size());
        assertEquals(1e-6, g.cells().get(0).get("ridge"));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> AblationGrid.parse("{\"base\": {}, \"vary\": {}, \"grid\": 1}", "x"));
        assertTrue(unknown.getMessage().contains("\"grid\""), unknown.getMessage());
        IllegalArgumentException notList = assertThrows(IllegalArgumentException.class,
                () -> AblationGrid.parse("{\"vary\": {\"pool_size\": 5}}", "x"));
        assertTrue(notList.getMessage().contains("list of values"), notList.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AblationGrid.parse("{\"vary\": {\"pool_size\": []}}", "x"));
    }

    @Test
    void optionsAreCheckedAgainstTheMethod() {
        assertEquals(Methods.configure(Map.of(), 100), Methods.configure(Map.of("method", "frepo", "pool_size", 10, "steps", 100), 100),
                "defaults written out name the same run");
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                () -> Methods.configure(Map.of("method", "dc", "pool_size", 5), 10));
        assertTrue(other.getMessage().contains("option of frepo"), other.getMessage());
        IllegalArgumentException typo = assertThrows(IllegalArgumentException.class,
                () -> Methods.configure(Map.of("method", "frepo", "pool", 5), 10));
        assertTrue(typo.getMessage().contains("known:") && typo.getMessage().contains("pool_size"), typo.getMessage());
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> Methods.configure(Map.of("ridge", "small"), 10));
        assertTrue(type.getMessage().contains("a number"), type.getMessage());
        Map<String, Object> dc = Methods.configure(Map.of("method", "dc", "ipc", 10, "steps", 7), 100);
        assertEquals(7L, ((Number) dc.get("iterations")).longValue(), "steps are a matching method's iterations");
        assertEquals(10, ((Number) dc.get("outer_loop")).intValue(), "the reference's loops for IPC 10");
    }

    @Test
    void finishedCellsAreCachedAndAGrownGridRunsOnlyTheNewOnes(@TempDir Path dir) throws Exception {
        ImageSet real = TinySets.stripes(30, 4, 3);
        ImageSet val = TinySets.stripes(10, 4, 9);
        EvaluationProtocol protocol = EvaluationProtocol.forProfile(Profile.QUICK).withRepeats(1)
                .withSchedule(TrainingSchedule.forProfile(Profile.QUICK).withEpochs(3).withAugment(false));
        Ablation ablation = new Ablation(dir, real, Normalization.identity(1), val, "validation", protocol, 2)
                .evaluatingWith("mlp:width=8");
        AblationGrid grid = AblationGrid.of("dm lr", Map.of("method", "dm", "ipc", 1, "architecture", "convnet:width=4,depth=1",
                "real_batch", 5)).vary("image_lr", 0.1, 1.0);
        List<Ablation.Cell> first = ablation.run(grid, Ablation.Listener.NONE);
        assertEquals(2, first.size());
        assertTrue(first.stream().noneMatch(Ablation.Cell::cached));
        assertTrue(first.stream().allMatch(c -> Files.exists(c.dir().resolve("result.json")) && c.steps() == 2));
        assertFalse(first.get(0).dir().equals(first.get(1).dir()));

        List<Ablation.Cell> again = ablation.run(grid.vary("image_lr", 0.1, 1.0, 10.0), Ablation.Listener.NONE);
        assertEquals(3, again.size());
        assertTrue(again.get(0).cached() && again.get(1).cached() && !again.get(2).cached());
        assertEquals(first.get(1).result().mean(), again.get(1).result().mean(), 0.0);

        Table t = Ablation.table(grid, first, "validation");
        assertEquals(List.of("image_lr", "mean %", "std %", "runs", "steps", "distill s", "cached"), t.columnNames());
        assertEquals("0.1", t.stringColumn("image_lr").get(0));

        // Another protocol is another cell: a cached score is only re-used for the question it answered.
        Ablation longer = new Ablation(dir, real, Normalization.identity(1), val, "validation",
                protocol.withSchedule(protocol.schedule().withEpochs(4)), 2).evaluatingWith("mlp:width=8");
        assertFalse(longer.run(grid, Ablation.Listener.NONE).get(0).cached());
    }

    @Test
    void aTypoInAnyCellFailsBeforeAnythingRuns(@TempDir Path dir) {
        ImageSet real = TinySets.stripes(10, 4, 3);
        Ablation ablation = new Ablation(dir, real, Normalization.identity(1), real, "validation",
                EvaluationProtocol.forProfile(Profile.QUICK), 2);
        AblationGrid grid = AblationGrid.of("g", Map.of("method", "dm", "ipc", 1)).vary("image_lr", 0.1, "fast");
        assertThrows(IllegalArgumentException.class, () -> ablation.run(grid, Ablation.Listener.NONE));
        assertTrue(dir.toFile().list() == null || dir.toFile().list().length == 0, "no cell ran");
    }
}
