package org.ddlab.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A data file that is not in the format its reader expects: wrong magic, truncated, a field of the
 * wrong type or size, a label out of range. The message names the file, where in it (byte offset,
 * record, variable or array) and what was expected, so a user can tell a broken download from the
 * wrong file. An {@link IOException}, because to the caller it is a problem with the input, but its
 * own type so that "the file is corrupt" can be told from "the disk failed".
 */
public class DataFormatException extends IOException {

    private final Path file;

    public DataFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public DataFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The file that was wrong. */
    public Path file() {
        return file;
    }

    /**
     * A count or byte offset for a message, digits grouped in threes ("30 729 999"), because the
     * offsets in a 180 MB file are too long to read at a glance.
     */
    static String number(long n) {
        return String.format(Locale.ROOT, "%,d", n).replace(',', ' ');
    }
}
