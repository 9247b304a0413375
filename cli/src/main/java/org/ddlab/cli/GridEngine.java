package org.ddlab.cli;

import java.util.List;
import java.util.Set;
import org.ddlab.ablate.Ablation;

/**
 * Runs the cells of an ablation grid on workers other than this process: {@code ablate --master URL} (or
 * {@code ablate} under {@code spark-submit}) hands its cells to the engine on the class path (the spark module's,
 * listed in {@code META-INF/services/org.ddlab.cli.GridEngine}), so the command line does not depend on Spark.
 * Each worker runs its cells through {@link AblationCells#run}, which is the local runner's code; the cache
 * directory is the one place results meet, so the driver builds its table exactly as a local run does.
 */
public interface GridEngine {

    /**
     * Runs cells {@code indices} of the grid that {@code ablateArgs} describe (the {@code ablate} command's
     * options, every path absolute, without {@code --master}) on {@code master}; blocks until each is finished or
     * recorded as failed ({@link Ablation.Failure}).
     *
     * @param master   the engine's master URL, or null for the one its launcher configured ({@code spark-submit})
     * @param name     the grid's name, for the engine's job
     * @param listener told as cells end
     * @return the cells a worker computed (the others were found finished)
     * @throws Exception when a cell cannot be run even after the engine's retries (a lost worker every time)
     */
    Set<Integer> run(
            String master, String name, List<String> ablateArgs, List<Integer> indices, Ablation.Listener listener)
            throws Exception;

    /**
     * A local folder holding each cell's result and recorded failure found under {@code uri} (a file system the
     * workers share, e.g. {@code hdfs://…}), refreshed on every call, and the same folder each time: what the driver
     * reads its table from when the cache is not a local folder.
     */
    java.nio.file.Path mirror(String uri) throws java.io.IOException;
}
