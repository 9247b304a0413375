package org.ddlab.distill;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A file that could not be written, said in one line: which file, what the system reported, and what
 * to do about it. The system's own words ("No space left on device") name no file, and the file
 * being written is often a hidden temporary one; this names the file as the user knows it.
 */
public final class FileWriteException extends IOException {

    private final Path file;

    private FileWriteException(Path file, String message, IOException cause) {
        super(message, cause);
        this.file = file;
    }

    /** {@code file} could not be written because of {@code cause}; a cause that is already one keeps its reason. */
    public static FileWriteException of(Path file, IOException cause) {
        IOException why = cause instanceof FileWriteException f && f.getCause() instanceof IOException c ? c : cause;
        return new FileWriteException(file, "cannot write " + file + ": " + reason(why), why);
    }

    /** The file that could not be written. */
    public Path file() {
        return file;
    }

    /**
     * What went wrong in words, and what to do. A full disk (ENOSPC) and a used-up quota (EDQUOT) need
     * space; a file-size limit (EFBIG: {@code ulimit -f}, or the file system's largest file) needs a higher
     * limit or another disk; freeing space would not help there.
     */
    static String reason(IOException e) {
        String said = e instanceof FileSystemException fs ? fs.getReason() : e.getMessage();
        String text = said != null
                ? said
                : e instanceof NoSuchFileException
                        ? "No such file or directory"
                        : e instanceof AccessDeniedException
                                ? "Permission denied"
                                : e instanceof FileAlreadyExistsException f
                                        ? f.getFile() + " is a file where a directory is needed"
                                        : e.getClass().getSimpleName().replace("Exception", "");
        if (text.contains("No space left on device")) {
            return "the disk is full (" + text + "); free space on it";
        }
        if (text.contains("Disk quota exceeded")) {
            return "the disk quota is used up (" + text + "); free space in it";
        }
        if (text.contains("File too large")) {
            return "the file would be larger than this process may write (" + text
                    + ": a file-size limit such as 'ulimit -f', "
                    + "or the largest file of the file system); raise the limit or write to another disk";
        }
        if (text.contains("Read-only file system")) {
            return "the file system is read-only (" + text + "); write to another directory";
        }
        if (text.contains("Not a directory")) {
            return "part of its path is a file, not a directory (" + text + "); choose another path";
        }
        if (text.contains("Permission denied")) {
            return "permission denied; write to a directory you may write to";
        }
        return text;
    }
}
