package org.ddlab.distill;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file exists but cannot be used: not a ZIP, a truncated array, a wrong dtype, a sidecar that
 * describes other arrays. The message names the file and says what was wrong.
 */
public class InvalidFileException extends IOException {

    private final transient Path path;

    public InvalidFileException(Path path, String problem) {
        super(path + ": " + problem);
        this.path = path;
    }

    public InvalidFileException(Path path, String problem, Throwable cause) {
        super(path + ": " + problem, cause);
        this.path = path;
    }

    /** The file that was wrong. */
    public Path path() {
        return path;
    }
}
