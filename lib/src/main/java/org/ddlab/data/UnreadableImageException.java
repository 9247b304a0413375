package org.ddlab.data;

import java.nio.file.Path;

/**
 * An image file in an {@link ImageFolder} that no decoder could read, thrown when the folder is
 * loaded with {@link ImageFolder.Policy#FAIL}. Names the file and carries the decoders' reason.
 */
public final class UnreadableImageException extends RuntimeException {

    private final Path file;
    private final String reason;

    public UnreadableImageException(Path file, String reason) {
        super("cannot read image " + file + ": " + reason
                + "; replace or delete the file (ImageFolder's onUnreadable(Policy.SKIP) skips such files)");
        this.file = file;
        this.reason = reason;
    }

    /** The file that could not be decoded. */
    public Path file() {
        return file;
    }

    /** Why: the message of Commons Imaging and, where it was tried, of javax.imageio. */
    public String reason() {
        return reason;
    }
}
