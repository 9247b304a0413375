package org.ddlab.cli;

import org.ddlab.bench.BenchCommand;
import org.ddlab.engine.EngineInfo;
import org.ddlab.methods.Method;
import org.ddlab.methods.Methods;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.List;

/**
 * {@code java -jar lib/target/ddlab.jar <command>}: scripted runs of what the notebooks teach.
 */
@Command(name = "ddlab", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Dataset distillation lab: FRePo, DREAM, matching, evaluation.",
        subcommands = {InfoCommand.class, DataCommand.class, BaselineCommand.class, DistillCommand.class, EvaluateCommand.class, AblateCommand.class, BenchCommand.class, ReferenceCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        EngineInfo.offlineByDefault();
        // A command-line run reuses freed tensor memory, which glibc only allows from process start (NativeMemory).
        java.util.OptionalInt relaunched = Relaunch.ifNeeded(args);
        if (relaunched.isPresent()) {
            System.exit(relaunched.getAsInt());
        }
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by {@link #main} and tests: every registered method. */
    public static CommandLine commandLine() {
        return commandLine(Methods.all());
    }

    /** The command line with these methods' options on {@code distill}. */
    static CommandLine commandLine(List<Method> methods) {
        CommandLine cli = new CommandLine(new Main());
        DistillCommand.addMethodOptions(cli.getSubcommands().get("distill").getCommandSpec(), methods);
        return cli
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    // A user error gets one clear line, not a stack trace; DDLAB_DEBUG=1 shows the trace.
                    cmd.getErr().println(cmd.getColorScheme().errorText("error: " + e.getMessage()));
                    if (System.getenv("DDLAB_DEBUG") != null) {
                        e.printStackTrace(cmd.getErr());
                    }
                    return 1;
                });
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command; try 'ddlab --help'.");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"ddlab " + (v == null ? "(development build)" : v)};
        }
    }
}
