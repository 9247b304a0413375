package org.ddlab.cli;

import org.ddlab.engine.Profile;
import org.ddlab.eval.EvaluationProtocol;
import org.ddlab.train.TrainingSchedule;
import picocli.CommandLine.Option;

/** The evaluation-protocol options shared by the commands that score sets: the profile's protocol, overridden. */
final class ProtocolOptions {

    @Option(
            names = "--repeats",
            description = "Evaluation runs per set and architecture (default: the profile's: 1/3/5).")
    Integer repeats;

    @Option(names = "--epochs", description = "Training epochs of each evaluation run (default: the profile's).")
    Integer epochs;

    @Option(
            names = "--target-clip",
            paramLabel = "NORM",
            description =
                    "Largest gradient norm of a training step on regression targets (FRePo's learned labels, MSE); "
                            + "0: unbounded. Class labels are never clipped. Default: " + TrainingSchedule.TARGET_CLIP
                            + ".")
    Double targetClip;

    /** The profile's protocol training on {@code schedule}, with --epochs, --repeats and --target-clip applied. */
    EvaluationProtocol protocol(Profile profile, TrainingSchedule schedule) {
        if (targetClip != null && !(targetClip >= 0)) {
            throw new IllegalArgumentException(
                    "--target-clip must be 0 (unbounded) or a positive gradient norm, got " + targetClip);
        }
        TrainingSchedule s = epochs != null ? schedule.withEpochs(epochs) : schedule;
        s = targetClip != null ? s.withTargetClip(targetClip) : s;
        EvaluationProtocol p = EvaluationProtocol.forProfile(profile).withSchedule(s);
        return repeats != null ? p.withRepeats(repeats) : p;
    }
}
