package org.ddlab.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One command-line invocation as a user makes it, with its exit code and what it wrote to stdout and stderr. */
record CommandRun(int code, String out, String err) {

    /** Runs {@code ddlab args…} on a fresh command line ({@link Main#commandLine()}), capturing both streams. */
    static CommandRun run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new CommandRun(code, out.toString(), err.toString());
    }
}
