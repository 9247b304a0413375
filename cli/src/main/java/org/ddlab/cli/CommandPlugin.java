package org.ddlab.cli;

/**
 * A command another module adds to {@code ddlab}: a picocli {@code @Command} class that implements this and is
 * listed in {@code META-INF/services/org.ddlab.cli.CommandPlugin}. {@link Main} adds every one on the class path, so
 * the benchmarks (the bench module, with Smile) join the command line without the command line depending on them.
 */
public interface CommandPlugin {}
