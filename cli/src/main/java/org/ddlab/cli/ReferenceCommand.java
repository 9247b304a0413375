package org.ddlab.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.ddlab.distill.AtomicFiles;
import org.ddlab.methods.Methods;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ddlab reference}: the command-line reference, docs/cli.md, written from the commands themselves so
 * that it cannot drift from them (CliReferenceTest fails when the committed page differs from what this
 * jar writes).
 */
@Command(
        name = "reference",
        mixinStandardHelpOptions = true,
        description = {
            "Write the command-line reference (every command's --help, as markdown) from this jar's commands.",
            "The repository keeps it as docs/cli.md: java -jar cli/target/ddlab.jar reference --out docs/cli.md"
        })
final class ReferenceCommand implements Callable<Integer> {

    /** Fixed, so the page does not depend on the terminal that wrote it. */
    static final int WIDTH = 110;

    @CommandLine.Option(names = "--out", description = "Write it to this file (atomically) instead of standard output.")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        String page = markdown();
        if (out == null) {
            spec.commandLine().getOut().print(page);
            spec.commandLine().getOut().flush();
        } else {
            AtomicFiles.write(out, page.getBytes(StandardCharsets.UTF_8));
        }
        return 0;
    }

    /**
     * The page: every command and sub-command's usage, in the order {@code ddlab --help} lists them. It is
     * built from a command line with only the methods this jar ships ({@link Methods#shipped()}), so a method
     * registered at run time by a notebook or a test never enters the committed page.
     */
    static String markdown() {
        CommandLine root = Main.commandLine(Methods.shipped());
        StringBuilder page = new StringBuilder();
        page.append("# Command-line reference\n\n")
                .append(
                        "Written by `java -jar cli/target/ddlab.jar reference --out docs/cli.md` from the commands themselves; ")
                .append(
                        "a test fails when this page and the jar differ. How the commands fit together, with examples: ")
                .append("[commands.md](commands.md).\n");
        append(page, root, "ddlab");
        return page.toString();
    }

    private static void append(StringBuilder page, CommandLine command, String path) {
        command.setUsageHelpWidth(WIDTH);
        command.setUsageHelpLongOptionsMaxWidth(30);
        page.append("\n## `")
                .append(path)
                .append("`\n\n```text\n")
                .append(command.getUsageMessage(CommandLine.Help.Ansi.OFF)
                        .stripTrailing()
                        .replaceAll("[ \\t]+\\n", "\n"))
                .append("\n```\n");
        for (var e : command.getSubcommands().entrySet()) {
            if (e.getValue().getCommandSpec().userObject() instanceof CommandLine.HelpCommand) {
                continue;
            }
            append(page, e.getValue(), path + " " + e.getKey());
        }
    }
}
