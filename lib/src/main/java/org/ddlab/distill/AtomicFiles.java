package org.ddlab.distill;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file so that readers see either the old content or the complete new content, never a
 * half-written file: a run interrupted while saving (Ctrl-C, kernel restart, full disk) must not
 * destroy the last good synthetic set. The bytes go to a hidden temporary file in the same
 * directory (so the rename stays on one file system), are flushed to disk, then renamed over the
 * target. A write that fails (a full disk, a file-size limit) throws a {@link FileWriteException} naming
 * the target, and leaves the old file and no temporary one.
 */
public final class AtomicFiles {

    /** Writes content to a stream; may throw to abandon the write. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {}

    /** Writes {@code target} atomically. On failure the old file (if any) is untouched and no temporary file is left. */
    public static void write(Path target, Writer writer) throws IOException {
        Path temp = prepare(target, writer);
        commit(temp, target);
    }

    /** Writes {@code bytes} to {@code target} atomically. */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /**
     * First half of {@link #write}: the complete content in a temporary file next to {@code target}.
     * For writing several files as close to together as possible: prepare all, then {@link #commit} all.
     */
    static Path prepare(Path target, Writer writer) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Path temp;
        try {
            Files.createDirectories(dir);
            temp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
        } catch (IOException e) {
            throw FileWriteException.of(target, e);
        }
        boolean ok = false;
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream out = Channels.newOutputStream(ch);
            writer.writeTo(out);
            out.flush();
            ch.force(true); // on disk before the rename makes it visible
            ok = true;
        } catch (IOException e) {
            // A full disk or a file-size limit fails here; the system's words name no file, the temporary one least of
            // all.
            throw FileWriteException.of(target, e);
        } finally {
            if (!ok) {
                Files.deleteIfExists(temp);
            }
        }
        return temp;
    }

    /** Second half of {@link #write}: renames a prepared temporary file over {@code target}. */
    static void commit(Path temp, Path target) throws IOException {
        try {
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                // Same directory, so this is rare (some network file systems); a plain replace is the best left.
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw FileWriteException.of(target, e);
        } catch (RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /** Deletes a prepared temporary file that will not be committed. */
    static void abandon(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // best effort: a stray hidden .tmp file is harmless
        }
    }
}
