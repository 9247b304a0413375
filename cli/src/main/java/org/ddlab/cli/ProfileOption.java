package org.ddlab.cli;

import org.ddlab.engine.Profile;
import picocli.CommandLine.Option;

/** {@code --profile quick|default|full}, defaulting to DDLAB_PROFILE like the notebooks. */
final class ProfileOption {

    @Option(
            names = "--profile",
            description = "Run size: quick, default or full (default: $DDLAB_PROFILE, else default).")
    String name;

    Profile get() {
        return name == null ? Profile.current() : Profile.parse(name);
    }
}
