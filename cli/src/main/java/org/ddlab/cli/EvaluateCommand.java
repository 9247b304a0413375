package org.ddlab.cli;

import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ddlab.data.DatasetSplits;
import org.ddlab.data.ImageSet;
import org.ddlab.distill.Metadata;
import org.ddlab.distill.SyntheticSetFile;
import org.ddlab.engine.Devices;
import org.ddlab.engine.Profile;
import org.ddlab.eval.EvalResult;
import org.ddlab.eval.EvalTables;
import org.ddlab.eval.EvaluationProtocol;
import org.ddlab.methods.Method;
import org.ddlab.methods.Methods;
import org.ddlab.nn.Architectures;
import org.ddlab.train.LabeledSet;
import org.ddlab.train.TrainingSchedule;
import org.ddlab.viz.Progress;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ddlab evaluate}: the evaluation protocol on a saved set, or on the whole training set. */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description = {
            "Train fresh networks on a saved set and test them on the full test split",
            "(or, with --validation N, on N held-out training images per class).",
            "The schedule is the profile's (see --profile); --epochs and --repeats override it."
        })
final class EvaluateCommand implements Callable<Integer> {

    static final class Target {
        @Option(names = "--set", description = "A saved set (.npz with its .json sidecar).")
        Path set;

        @Option(names = "--whole", description = "Train on the whole real training set instead (the upper reference).")
        boolean whole;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Option(
            names = "--arch",
            split = ",",
            defaultValue = "convnet",
            description =
                    "Architectures, comma-separated (convnet, mlp, lenet, alexnet, vgg11, resnet18, frepo-conv, with options "
                            + "like convnet:norm=batch). Default: ${DEFAULT-VALUE}.")
    List<String> architectures;

    @Mixin
    ProtocolOptions protocolOptions;

    /** Which evaluation protocol scores the set. */
    enum ProtocolChoice {
        common,
        paper
    }

    @Option(
            names = "--protocol",
            defaultValue = "common",
            paramLabel = "common|paper",
            description = {
                "common: ddlab's protocol for every method (DSA, batch 256, ÷10 at half), which tables compare "
                        + "methods with; paper: the protocol of the paper of the method that made the set (IDC: batch 64, "
                        + "×0.2 at 2/3 and 5/6, CutMix, its augmentation; MTT: the learned rate), keeping the profile's "
                        + "epochs and runs; FRePo's: Adam 3e-4 with warm-up and cosine for the reference's steps for "
                        + "the set's size, times min(1, epochs / 300) (a fifth in the quick profile), squared error "
                        + "unbounded, with --arch frepo-conv for its network. "
                        + "Default: ${DEFAULT-VALUE}."
            })
    ProtocolChoice protocolChoice;

    @Option(names = "--no-augment", description = "Train without DSA augmentation.")
    boolean noAugment;

    @Option(
            names = "--seed",
            defaultValue = "0",
            description = "Seed of run 1 (run r uses seed + r - 1). Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(
            names = "--name",
            description = "Name of the set in the output (default: its method and IPC from the sidecar).")
    String name;

    @Option(names = "--json", description = "Print one JSON object per architecture instead of a table.")
    boolean json;

    @Mixin
    DataOptions data;

    @Mixin
    ProfileOption profileOption;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Profile profile = profileOption.get();
        TrainingSchedule base =
                target.whole ? TrainingSchedule.wholeDataset(profile) : TrainingSchedule.forProfile(profile);
        EvaluationProtocol common = protocolOptions.protocol(profile, noAugment ? base.withAugment(false) : base);
        if (protocolChoice == ProtocolChoice.paper && target.whole) {
            throw new IllegalArgumentException(
                    "--protocol paper scores a set with the protocol of the method that made it; "
                            + "--whole has no method: leave --protocol out");
        }
        EvaluationProtocol protocol = common;

        List<EvalResult> results = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager(Devices.preferred())) {
            LabeledSet train;
            DatasetSplits splits;
            if (target.whole) {
                splits = data.splits();
                train = LabeledSet.hard(splits.train());
            } else {
                try (SyntheticSetFile.Loaded loaded = SyntheticSetFile.load(manager, target.set)) {
                    splits = splitsFor(loaded);
                    if (protocolChoice == ProtocolChoice.paper) {
                        protocol =
                                paperProtocol(loaded, common, splits.dataset().name());
                    }
                    train = loaded.trainingSet(splits, target.set, setName(loaded, target.set));
                }
            }
            // With --validation the networks are scored on the held-out training images: that is the number
            // to choose settings by. The test split is for final figures only.
            ImageSet test = splits.scoreOn();
            for (String arch : architectures) {
                Architectures.create(
                        arch,
                        test.shape().slice(1),
                        test.numClasses()); // a network that cannot be built is refused up front
            }
            TrainingSchedule schedule = protocol.schedule();
            err.println("protocol: " + protocol
                    + (data.validation == null ? "" : "; scored on " + scoredOn() + " instead"));
            if (name != null) {
                train = new LabeledSet(train.images().subset(allIndices(train.size()), name), train.softLabels());
            }
            long total = (long) architectures.size() * protocol.repeats() * schedule.epochs();
            TerminalProgress bar = new TerminalProgress(new Progress("evaluate", total), err);
            for (String arch : architectures) {
                long offset = (long) results.size() * protocol.repeats() * schedule.epochs();
                EvalResult r = protocol.evaluate(
                        arch, train, test, seed, (done, t, status) -> bar.update(offset + done, status));
                results.add(r);
                if (json) {
                    out.println(new Gson().toJson(asJson(r, protocol, scoredOn())));
                    out.flush();
                }
            }
        }
        if (!json) {
            out.print(org.ddlab.viz.Tables.toText(EvalTables.of("test accuracy", results), 1000));
        }
        out.flush();
        return 0;
    }

    /**
     * The data a saved set is scored against: its own dataset unless --dataset names another (then the
     * set is refused when it says it was made elsewhere), in exactly the preprocessing it records; and
     * with --validation only a set made holding out the same images, else it might be tested on images it saw.
     */
    private DatasetSplits splitsFor(SyntheticSetFile.Loaded loaded) {
        Path npz = target.set;
        if (loaded.dataset().isPresent()) {
            String made = loaded.dataset().get();
            if (!data.datasetGiven()) {
                data.dataset = made;
            } else if (!data.dataset().name().equals(made)) {
                throw new IllegalArgumentException(npz + " was made on dataset '" + made + "', not on '"
                        + data.dataset().name() + "'; evaluate it with --dataset " + made + " (or without --dataset)");
            }
        }
        if (data.validation != null && loaded.metadata().isPresent()) {
            Object held = loaded.metadata().get().extra().get("validation_per_class");
            int heldOut = held instanceof Number n ? n.intValue() : 0;
            if (heldOut != data.validation) {
                throw new IllegalArgumentException(npz + " was made "
                        + (heldOut == 0
                                ? "from the whole training split"
                                : "holding out " + heldOut + " images per class")
                        + ", so scoring it on --validation " + data.validation
                        + " would test on images it may have seen; make the set with --validation " + data.validation);
            }
        }
        return loaded.set().preprocessing().map(data::splits).orElseGet(data::splits);
    }

    /** The protocol of the paper of the method that made the set, or a line saying why there is none. */
    private static EvaluationProtocol paperProtocol(
            SyntheticSetFile.Loaded loaded, EvaluationProtocol common, String dataset) {
        Metadata made = loaded.metadata()
                .orElseThrow(
                        () -> new IllegalArgumentException(
                                "--protocol paper needs to know which method made the set, and it has no .json sidecar; leave --protocol out"));
        String method = made.method();
        Method m;
        try {
            m = Methods.named(method);
        } catch (IllegalArgumentException unknown) {
            throw new IllegalArgumentException("the set was made by '" + method
                    + "', which this ddlab does not know, so it has no " + "paper protocol; leave --protocol out");
        }
        return m.paperProtocol(common, dataset, made)
                .orElseThrow(() -> new IllegalArgumentException("ddlab does not build the paper " + "protocol of '"
                        + method + "'; its sets are scored with the common protocol: leave --protocol out"));
    }

    private static String setName(SyntheticSetFile.Loaded loaded, Path npz) {
        return loaded.metadata()
                .map(m -> m.method() + " IPC " + m.ipc())
                .orElse(npz.getFileName().toString());
    }

    private static int[] allIndices(int n) {
        int[] a = new int[n];
        java.util.Arrays.setAll(a, i -> i);
        return a;
    }

    private String scoredOn() {
        return data.validation == null
                ? "test split"
                : "validation: " + data.validation + " training images per class held out";
    }

    private static Map<String, Object> asJson(EvalResult r, EvaluationProtocol p, String scoredOn) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("set", r.set());
        m.put("architecture", r.architecture());
        m.put("mean", r.mean());
        m.put("std", r.std());
        m.put("accuracies", r.accuracies());
        m.put("train_seconds", r.trainSeconds());
        m.put("train_images_per_second", r.imagesPerSecond());
        m.put("protocol", p.toString());
        m.put("scored_on", scoredOn);
        return m;
    }
}
