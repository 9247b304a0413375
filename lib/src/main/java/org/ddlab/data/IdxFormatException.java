package org.ddlab.data;

import java.nio.file.Path;

/**
 * An IDX file that is not what it claims to be (wrong magic, truncated, mismatched pair; for a
 * pair mismatch {@link #file()} is the images file).
 */
public final class IdxFormatException extends DataFormatException {

    public IdxFormatException(Path file, String problem) {
        super(file, problem);
    }
}
