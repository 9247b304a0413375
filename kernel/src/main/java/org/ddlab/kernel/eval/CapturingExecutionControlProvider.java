package org.ddlab.kernel.eval;

import java.util.Map;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/** Hands JShell our {@link CapturingExecutionControl} and remembers it for the evaluator. */
final class CapturingExecutionControlProvider implements ExecutionControlProvider {

    private volatile CapturingExecutionControl control;

    @Override
    public String name() {
        return "ddlab-local";
    }

    @Override
    public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
        control = new CapturingExecutionControl();
        return control;
    }

    CapturingExecutionControl control() {
        return control;
    }
}
