package org.ddlab.cli;

import org.ddlab.engine.Profile;
import org.ddlab.eval.EvaluationProtocol;
import org.ddlab.train.TrainingSchedule;
import picocli.CommandLine.Option;

/** The evaluation-protocol options shared by the commands that score sets: the profile's protocol, overridden. */
final class ProtocolOptions {

    @Option(names = "--repeats", description = "Evaluation runs per set and architecture (default: the profile's: 1/3/5).")
    Integer repeats;

    @Option(names = "--epochs", description = "Training epochs of each evaluation run (default: the profile's).")
    Integer epochs;

    /** The profile's protocol training on {@code schedule}, with --epochs and --repeats applied. */
    EvaluationProtocol protocol(Profile profile, TrainingSchedule schedule) {
        TrainingSchedule s = epochs != null ? schedule.withEpochs(epochs) : schedule;
        EvaluationProtocol p = EvaluationProtocol.forProfile(profile).withSchedule(s);
        return repeats != null ? p.withRepeats(repeats) : p;
    }
}
