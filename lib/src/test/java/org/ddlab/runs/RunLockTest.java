package org.ddlab.runs;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lock of a run directory within one JVM: re-entrant for its thread (a command and the run service it calls both take
 * it), refused to other threads with this process's id, free again once closed, and asked about without writing a file.
 * Two processes are {@code RunDirectoryTest}'s, a killed holder {@code SignalsTest}'s.
 */
class RunLockTest {

    /** What taking the lock on another thread does: null when it was taken (and released), else the refusal. */
    private static Throwable fromAnotherThread(Path dir) throws InterruptedException {
        try {
            CompletableFuture.runAsync(() -> {
                        try (RunLock ignored = RunLock.acquire(dir)) {
                            // taken
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    @Test
    void theHoldingThreadMayTakeItAgainAndOthersAreRefusedUntilItIsReleased(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        String pid = String.valueOf(ProcessHandle.current().pid());
        try (RunLock outer = RunLock.acquire(run)) {
            assertEquals(pid, Files.readString(run.resolve(RunLock.FILE)).strip(), "the holder's process id");
            try (RunLock inner = RunLock.acquire(run)) {
                assertDoesNotThrow(() -> RunLock.requireFree(run), "free for the thread that holds it");
            }
            Throwable refused = fromAnotherThread(run);
            assertInstanceOf(IllegalStateException.class, refused, "still held after the inner release");
            assertEquals(
                    run + " is in use by another ddlab run (pid " + pid + "); wait for it or choose another --out",
                    refused.getMessage());
            Throwable asked = CompletableFuture.supplyAsync(
                            () -> assertThrows(IllegalStateException.class, () -> RunLock.requireFree(run)))
                    .get();
            assertEquals(refused.getMessage(), asked.getMessage());
        }
        assertEquals(null, fromAnotherThread(run), "released: another thread takes it");
        assertEquals(null, fromAnotherThread(run), "and releases it again");
    }

    @Test
    void askingWritesNothing(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing");
        RunLock.requireFree(missing);
        assertFalse(Files.exists(missing), "asking creates no directory");
        Path plain = Files.createDirectories(dir.resolve("plain"));
        RunLock.requireFree(plain);
        assertFalse(Files.exists(plain.resolve(RunLock.FILE)), "asking creates no lock file");
    }
}
