package org.ddlab.cli;

import ai.djl.ndarray.NDManager;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.ddlab.coreset.Coresets;
import org.ddlab.coreset.Embedder;
import org.ddlab.coreset.RandomSelection;
import org.ddlab.coreset.Selection;
import org.ddlab.data.DatasetSplits;
import org.ddlab.data.ImageSet;
import org.ddlab.distill.FileWriteException;
import org.ddlab.distill.Metadata;
import org.ddlab.distill.SyntheticSet;
import org.ddlab.distill.SyntheticSetFile;
import org.ddlab.engine.Devices;
import org.ddlab.engine.Profile;
import org.ddlab.nn.Architectures;
import org.ddlab.nn.Network;
import org.ddlab.runs.RunLock;
import org.ddlab.train.Augmentation;
import org.ddlab.train.LabeledSet;
import org.ddlab.train.Trainer;
import org.ddlab.train.TrainingSchedule;
import org.ddlab.viz.ImageGrid;
import org.ddlab.viz.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ddlab baseline}: a coreset of real images (random, herding, k-center) saved as a set. */
@Command(
        name = "baseline",
        mixinStandardHelpOptions = true,
        description =
                "Choose IPC real images per class (random, herding or k-center) and save them as DIR/synthetic.npz.")
final class BaselineCommand implements Callable<Integer> {

    @Option(names = "--method", required = true, description = "random, herding or kcenter.")
    String method;

    @Option(names = "--ipc", required = true, description = "Images per class.")
    int ipc;

    @Option(
            names = "--out",
            required = true,
            description = "Output directory (synthetic.npz, synthetic.json, grid.png).")
    Path out;

    @Option(
            names = "--overwrite",
            description = "Replace the set DIR already holds (without it, such a DIR is refused).")
    boolean overwrite;

    @Option(
            names = "--seed",
            defaultValue = "0",
            description = "Seed of every random choice. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(
            names = "--feature-arch",
            defaultValue = "convnet",
            description = "Network whose features herding and k-center use. Default: ${DEFAULT-VALUE}.")
    String featureArch;

    @Mixin
    DataOptions data;

    @Mixin
    ProfileOption profileOption;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter outWriter = spec.commandLine().getOut();
        if (ipc < 1) {
            throw new IllegalArgumentException("--ipc must be 1 or more images per class, got " + ipc);
        }
        RunLock.requireFree(
                out); // another run writing there is refused before any work, as it is again before the first file
        requireNoSet(); // before any work: a finished set is never replaced by accident

        Selection selection = Coresets.byName(method);
        Profile profile = profileOption.get();
        DatasetSplits splits = data.splits();
        ImageSet train = splits.train();
        try (NDManager manager = NDManager.newBaseManager(Devices.preferred())) {
            Embedder embedder = null;
            if (!(selection instanceof RandomSelection)) {
                embedder = trainFeatureNetwork(train, profile, manager, err);
            }
            int[] idx = Coresets.select(
                    selection, train, ipc, embedder, seed, manager, org.ddlab.eval.EvaluationProtocol.TEST_BATCH);
            Path npz = out.resolve("synthetic.npz");
            try (RunLock lock = RunLock.acquire(out);
                    NDManager scope = manager.newSubManager()) {
                requireNoSet(); // again: another baseline may have saved one there while this one chose
                SyntheticSet set = SyntheticSet.of(
                        train.images(scope, idx),
                        labelsOf(train, idx),
                        null,
                        train.classNames(),
                        splits.preprocessing(),
                        true);
                Metadata meta = Metadata.of(
                                selection.toString(), splits.dataset().name(), seed, 0L)
                        .withExtra("indices", idx)
                        .withExtra("validation_per_class", splits.validationPerClass())
                        .withExtra("profile", profile.toString());
                if (embedder != null) {
                    meta = meta.withExtra(
                            "feature network", featureArch + ", " + TrainingSchedule.wholeDataset(profile));
                }
                SyntheticSetFile.save(set, npz, meta);
                try (SyntheticSet pixels = set.exportPixels()) {
                    ImageGrid.of(pixels.images(), pixels.labels(), pixels.classNames())
                            .savePng(out.resolve("grid.png"));
                } catch (java.io.UncheckedIOException e) {
                    throw FileWriteException.of(out.resolve("grid.png"), e.getCause());
                }
            }
            outWriter.printf(
                    "%s IPC %d: %d images -> %s (+ synthetic.json, grid.png)%n", selection, ipc, idx.length, npz);
            outWriter.flush();
        }
        return 0;
    }

    private void requireNoSet() {
        if (!overwrite && Files.exists(out.resolve("synthetic.npz"))) {
            throw new IllegalArgumentException(
                    out + " already holds a set (synthetic.npz); choose a new --out, or add --overwrite to replace it");
        }
    }

    private Embedder trainFeatureNetwork(ImageSet train, Profile profile, NDManager manager, PrintWriter err) {
        TrainingSchedule schedule = TrainingSchedule.wholeDataset(profile);
        Network net = Architectures.create(featureArch, train.shape().slice(1), train.numClasses())
                .initialize(manager, seed);
        TerminalProgress bar = new TerminalProgress(new Progress("feature network", schedule.epochs()), err);
        Trainer.train(
                net,
                LabeledSet.hard(train),
                schedule,
                Augmentation.NONE,
                seed,
                (epoch, epochs, loss) -> bar.update(epoch, String.format(java.util.Locale.ROOT, "loss %.3f", loss)));
        return x -> net.features(x, false);
    }

    private static int[] labelsOf(ImageSet set, int[] idx) {
        int[] labels = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            labels[i] = set.label(idx[i]);
        }
        return labels;
    }
}
