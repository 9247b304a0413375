package org.ddlab.cli;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.ddlab.ablate.Ablation;
import picocli.CommandLine;

/**
 * One cell of an ablation grid, run by a worker of a {@link GridEngine}: it parses the same {@code ablate} options
 * the driver was given, builds the same {@link Ablation}, and runs the cell through {@link Ablation#runCell} — the
 * directory, lock, checkpoints and result of a local run. A worker that dies mid-cell leaves its checkpoint; the
 * engine's retry resumes from it, and a retry of a finished cell reads its result back instead of running it again.
 */
public final class AblationCells {

    /**
     * How a worker's cell ended.
     *
     * @param index    the cell's place in the grid
     * @param computed whether this worker ran it (false: its result was there already)
     * @param failure  the cell's own failure, recorded in its directory, or null
     */
    public record Report(int index, boolean computed, String failure) implements Serializable {}

    private AblationCells() {}

    /** Runs cell {@code index} of the grid {@code ablateArgs} describe. */
    public static Report run(List<String> ablateArgs, int index) throws Exception {
        return run(ablateArgs, null, index, d -> {});
    }

    /**
     * Runs cell {@code index} of the grid {@code ablateArgs} describe, keeping the cells in {@code cells} rather than
     * in --out (null: in --out), and calling {@code afterEachStep} with the cell's directory after every step and at
     * its end ({@link Ablation#afterEachStep}).
     */
    public static Report run(List<String> ablateArgs, Path cells, int index, Consumer<Path> afterEachStep)
            throws Exception {
        AblateCommand.Setup setup = setup(ablateArgs, cells);
        setup.ablation().afterEachStep(afterEachStep);
        boolean cached = setup.ablation().hasResult(setup.grid(), index);
        Object done = setup.ablation().runCell(setup.grid(), index, Ablation.Listener.NONE);
        return done instanceof Ablation.Failure f
                ? new Report(index, true, f.message())
                : new Report(index, !cached, null);
    }

    /** The directory of cell {@code index}, its cells kept in {@code cells} (null: in --out). */
    public static Path cellDirectory(List<String> ablateArgs, Path cells, int index) throws Exception {
        AblateCommand.Setup setup = setup(ablateArgs, cells);
        return setup.ablation().cellDirectory(setup.grid(), index);
    }

    /** The value of {@code --out} in {@code ablateArgs}. */
    public static String out(List<String> ablateArgs) {
        int i = ablateArgs.indexOf("--out");
        if (i < 0 || i + 1 >= ablateArgs.size()) {
            throw new IllegalArgumentException("no --out in " + ablateArgs);
        }
        return ablateArgs.get(i + 1);
    }

    /** Whether --out names a file system by a URI (hdfs://…) rather than a folder. */
    public static boolean outIsUri(List<String> ablateArgs) {
        return AblateCommand.isUri(out(ablateArgs));
    }

    /**
     * The ablation these arguments build, kept for the next cell of the same grid on this worker: building it loads
     * the dataset (seconds for Fashion-MNIST's 60 000 images), which a worker otherwise pays for every cell. One grid
     * is kept; a worker runs one cell at a time, so its cells never share the ablation concurrently.
     */
    private static AblateCommand.Setup setup(List<String> ablateArgs, Path cells) throws Exception {
        List<String> key = new java.util.ArrayList<>(ablateArgs);
        key.add(String.valueOf(cells));
        synchronized (AblationCells.class) {
            if (!key.equals(lastKey)) {
                AblateCommand command = new AblateCommand();
                new CommandLine(command).parseArgs(ablateArgs.toArray(String[]::new));
                if (cells != null) {
                    command.cellsIn(cells);
                }
                last = command.setup();
                lastKey = key;
            }
            return last;
        }
    }

    private static List<String> lastKey;
    private static AblateCommand.Setup last;
}
