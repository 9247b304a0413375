package org.ddlab.data.fetch;

import java.io.IOException;

/**
 * A dataset file could not be fetched: the publisher is unreachable, answered with an error, sent
 * fewer bytes than promised or bytes that do not match the pinned SHA-256, or an archive holds an
 * entry that must not be unpacked. The message is complete and written for the person at the
 * keyboard — what happened, which URL, which folder, what to do next — so a command prints it as it
 * is, without a stack trace. An {@link IOException}, but its own type so that "the download failed"
 * can be told from "the disk failed".
 */
public class FetchException extends IOException {

    public FetchException(String message) {
        super(message);
    }

    public FetchException(String message, Throwable cause) {
        super(message, cause);
    }
}
