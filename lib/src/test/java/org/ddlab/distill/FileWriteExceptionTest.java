package org.ddlab.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file that cannot be written is named in one line with what to do, from the system's own failures: a full
 * disk's ENOSPC as Linux's /dev/full gives it to every write, and a path with a file where a directory should be.
 * A file-size limit's EFBIG is {@code RunDirectoryTest}'s, through the command line; a writer that fails half-way,
 * leaving the old file, {@code SyntheticSetFileTest}'s.
 */
class FileWriteExceptionTest {

    @Test
    void aFullDiskSaysToFreeSpace(@TempDir Path dir) {
        Path full = Path.of("/dev/full");
        assumeTrue(Files.exists(full), "no /dev/full on this system");
        IOException enospc = assertThrows(IOException.class, () -> {
            try (FileOutputStream out = new FileOutputStream(full.toFile())) {
                out.write(new byte[64]);
            }
        });
        Path target = dir.resolve("synthetic.npz");
        assertEquals(
                "cannot write " + target + ": the disk is full (No space left on device); free space on it",
                FileWriteException.of(target, enospc).getMessage());
        // Named again (a checkpoint's file by where it was going), the reason stays the system's.
        Path later = dir.resolve("checkpoints/step-000000002/synthetic.npz");
        assertEquals(
                "cannot write " + later + ": the disk is full (No space left on device); free space on it",
                FileWriteException.of(later, FileWriteException.of(target, enospc))
                        .getMessage());
    }

    @Test
    void aFailedAtomicWriteNamesTheFileAndLeavesNoTemporary(@TempDir Path dir) throws IOException {
        Path blocker = Files.writeString(dir.resolve("runs"), "a file, not a directory");
        Path target = blocker.resolve("set/synthetic.npz");
        FileWriteException e =
                assertThrows(FileWriteException.class, () -> AtomicFiles.write(target, new byte[] {1, 2, 3}));
        assertEquals(target, e.file());
        assertEquals(
                "cannot write " + target
                        + ": part of its path is a file, not a directory (Not a directory); choose another path",
                e.getMessage());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(blocker), files.toList(), "nothing else written");
        }
    }
}
