package org.ddlab.cli;

import java.util.List;
import java.util.ServiceLoader;
import org.ddlab.engine.EngineInfo;
import org.ddlab.methods.Method;
import org.ddlab.methods.Methods;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar cli/target/ddlab.jar <command>}: scripted runs of what the notebooks teach. Commands of other
 * modules on the class path ({@link CommandPlugin}: the bench module's {@code bench}) join them.
 */
@Command(
        name = "ddlab",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Dataset distillation lab: FRePo, DREAM, matching, evaluation.",
        subcommands = {
            InfoCommand.class,
            DataCommand.class,
            BaselineCommand.class,
            DistillCommand.class,
            EvaluateCommand.class,
            AblateCommand.class,
            ReferenceCommand.class,
            CommandLine.HelpCommand.class
        })
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

    /** The command line with these methods' options on {@code distill}, and every {@link CommandPlugin} on the class path. */
    static CommandLine commandLine(List<Method> methods) {
        CommandLine cli = new CommandLine(new Main());
        ServiceLoader.load(CommandPlugin.class).forEach(cli::addSubcommand);
        DistillCommand.addMethodOptions(cli.getSubcommands().get("distill").getCommandSpec(), methods);
        return cli.setParameterExceptionHandler(Main::usageError).setExecutionExceptionHandler((e, cmd, parsed) -> {
            // A user error gets one clear line, not a stack trace; DDLAB_DEBUG=1 shows the trace.
            cmd.getErr()
                    .println(cmd.getColorScheme()
                            .errorText("error: " + oneLine(e.getMessage() != null ? e.getMessage() : e.toString())));
            if (System.getenv("DDLAB_DEBUG") != null) {
                e.printStackTrace(cmd.getErr());
            }
            return 1;
        });
    }

    /**
     * A usage error (an unknown option, a missing or malformed argument) in one line: what picocli found, its
     * suggestions, and where the command's options are listed; the usage text itself is {@code --help}'s.
     */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        String message = oneLine(String.valueOf(e.getMessage()))
                .replaceFirst("^Error: ", ""); // some of picocli's carry their own
        StringBuilder line = new StringBuilder("error: ")
                .append(message.endsWith(".") ? message.substring(0, message.length() - 1) : message);
        if (e instanceof CommandLine.UnmatchedArgumentException u
                && !u.getSuggestions().isEmpty()) {
            line.append("; did you mean ")
                    .append(String.join(" or ", u.getSuggestions()))
                    .append("?");
        }
        String help = cmd.getCommandSpec().qualifiedName() + " --help";
        if (!line.toString().contains(help)) {
            line.append("; see '").append(help).append("'");
        }
        cmd.getErr().println(cmd.getColorScheme().errorText(line.toString()));
        return cmd.getExitCodeExceptionMapper() != null
                ? cmd.getExitCodeExceptionMapper().getExitCode(e)
                : cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** A message on one line: its line breaks joined with "; ". */
    static String oneLine(String message) {
        return String.join(
                "; ",
                message.strip()
                        .lines()
                        .map(String::strip)
                        .filter(l -> !l.isEmpty())
                        .toList());
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command; try 'ddlab --help'.");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"ddlab " + (v == null ? "(development build)" : v)};
        }
    }
}
