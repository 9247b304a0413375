package org.ddlab.cli;

import java.io.Serializable;
import java.util.List;
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
        AblateCommand command = new AblateCommand();
        new CommandLine(command).parseArgs(ablateArgs.toArray(String[]::new));
        AblateCommand.Setup setup = command.setup();
        boolean cached = setup.ablation().hasResult(setup.grid(), index);
        Object done = setup.ablation().runCell(setup.grid(), index, Ablation.Listener.NONE);
        return done instanceof Ablation.Failure f
                ? new Report(index, true, f.message())
                : new Report(index, !cached, null);
    }
}
