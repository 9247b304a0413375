package org.ddlab.kernel;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;

/** Entry point Jupyter runs: {@code java ... org.ddlab.kernel.Main <connection file>}. */
public final class Main {

    private Main() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: org.ddlab.kernel.Main <jupyter connection file>");
            System.exit(2);
        }
        // Charts render off-screen; slf4j-simple would otherwise log INFO lines into the notebook's log.
        System.setProperty("java.awt.headless", System.getProperty("java.awt.headless", "true"));
        System.setProperty(
                "org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        System.setProperty(
                "org.slf4j.simpleLogger.logFile", System.getProperty("org.slf4j.simpleLogger.logFile", "System.err"));

        String json = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
        KernelConnectionProperties props = KernelConnectionProperties.parse(json);
        // jjava's own connection sleeps 50 ms between polls of its request sockets; this one wakes on a request.
        JupyterConnection connection = new BlockingJupyterConnection(props);

        DdlabKernel kernel = new DdlabKernel();
        kernel.onStartup();
        kernel.becomeHandlerForConnection(connection);
        connection.connect();
        connection.waitUntilClose();
        // DJL and AWT may leave non-daemon threads behind; the kernel's life ends with the connection.
        System.exit(0);
    }
}
