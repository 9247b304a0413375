package org.ddlab.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An IDX file that is not what it claims to be (wrong magic, truncated, mismatched pair). A
 * subclass of {@link IOException} because a broken download is an I/O problem to the caller, but a
 * separate type so tests and callers can tell "file is corrupt" from "disk failed".
 */
public final class IdxFormatException extends IOException {

    private final Path file;

    public IdxFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    /** The file that was wrong (for a pair mismatch, the images file). */
    public Path file() {
        return file;
    }
}
