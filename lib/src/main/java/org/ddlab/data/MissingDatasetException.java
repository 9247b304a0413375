package org.ddlab.data;

/**
 * A dataset whose files are not on this machine. Its message says where ddlab looked and how to get
 * the files ({@link Dataset#whereToGetIt()}); an {@link IllegalStateException}, as a missing install is.
 */
public final class MissingDatasetException extends IllegalStateException {

    public MissingDatasetException(String message) {
        super(message);
    }
}
