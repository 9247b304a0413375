package org.ddlab.runs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import org.ddlab.distill.FileWriteException;

/**
 * One run at a time in a run directory: an operating-system lock on {@code DIR/.ddlab.lock}, held for
 * as long as the run writes there. Two runs writing one directory would interleave checkpoints and
 * overwrite each other's set; the second is refused instead, with the first one's process id.
 *
 * <p>The lock is the kernel's (a POSIX record lock through {@link FileChannel#tryLock}), not the file's
 * existence: it goes with the process however that ends (exit, a signal, {@code kill -9}), so the file a
 * killed run leaves behind blocks nobody. The file stays, holding the last holder's process id.
 *
 * <p>Within one JVM the lock is re-entrant for the thread that holds it (the command takes it, the
 * run service takes it again) and refused to other threads: a JVM holds a file's locks as one process,
 * and closing any channel of the file would drop them, so a directory's lock is taken here once.
 */
public final class RunLock implements AutoCloseable {

    /** The lock file's name inside a run directory. */
    public static final String FILE = ".ddlab.lock";

    /** This JVM's held locks, by real directory path. */
    private static final Map<Path, Held> HELD = new HashMap<>();

    private static final class Held {
        final Thread owner;
        final FileChannel channel;
        final FileLock lock;
        int count = 1;

        Held(Thread owner, FileChannel channel, FileLock lock) {
            this.owner = owner;
            this.channel = channel;
            this.lock = lock;
        }
    }

    private final Path key;
    private boolean closed;

    private RunLock(Path key) {
        this.key = key;
    }

    /**
     * Takes the lock of {@code dir} (created if missing) until {@link #close}.
     *
     * @throws IllegalStateException when another process, or another thread of this one, holds it
     * @throws FileWriteException    when the lock file cannot be written (a read-only directory, a full disk)
     */
    public static RunLock acquire(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        Path key;
        FileChannel channel;
        try {
            Files.createDirectories(dir);
            key = dir.toRealPath();
        } catch (IOException e) {
            throw FileWriteException.of(file, e);
        }
        synchronized (HELD) {
            Held held = HELD.get(key);
            if (held != null) {
                if (held.owner != Thread.currentThread()) {
                    throw inUse(dir, ProcessHandle.current().pid());
                }
                held.count++;
                return new RunLock(key);
            }
            try {
                channel = FileChannel.open(
                        file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw FileWriteException.of(file, e);
            }
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held through another channel of this JVM, outside this class
            } catch (IOException e) {
                // A file system without locks (some network mounts): the run goes ahead unguarded rather than not at
                // all.
                HELD.put(key, new Held(Thread.currentThread(), channel, null));
                return new RunLock(key);
            }
            if (lock == null) {
                long pid = holder(channel);
                channel.close();
                throw inUse(dir, pid);
            }
            try {
                channel.truncate(0);
                channel.write(
                        ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            } catch (IOException e) {
                channel.close();
                throw FileWriteException.of(file, e);
            }
            HELD.put(key, new Held(Thread.currentThread(), channel, lock));
            return new RunLock(key);
        }
    }

    /**
     * Fails, as {@link #acquire} would, when another run holds the lock of {@code dir}; changes nothing on disk
     * (a directory or lock file that does not exist is free). For refusing early, before checks that read the
     * directory: a run in progress is "in use", not "already holds a run".
     */
    public static void requireFree(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return;
        }
        Path key = dir.toRealPath();
        synchronized (HELD) {
            Held held = HELD.get(key);
            if (held != null) {
                if (held.owner != Thread.currentThread()) {
                    throw inUse(dir, ProcessHandle.current().pid());
                }
                return;
            }
            // A shared lock on a read-only channel asks without writing; closing it drops only this process's locks.
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                FileLock probe;
                try {
                    probe = channel.tryLock(0, Long.MAX_VALUE, true);
                } catch (OverlappingFileLockException | IOException e) {
                    return; // cannot tell here; acquire decides
                }
                if (probe == null) {
                    throw inUse(dir, holder(channel));
                }
                probe.release();
            }
        }
    }

    /** Releases the lock (the last of this thread's nested holds releases it). */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        synchronized (HELD) {
            Held held = HELD.get(key);
            if (held == null || --held.count > 0) {
                return;
            }
            HELD.remove(key);
            try {
                if (held.lock != null) {
                    held.lock.release();
                }
            } finally {
                held.channel.close();
            }
        }
    }

    private static IllegalStateException inUse(Path dir, long pid) {
        return new IllegalStateException(dir + " is in use by another ddlab run ("
                + (pid > 0 ? "pid " + pid : "its process id is unknown") + "); wait for it or choose another --out");
    }

    /** The process id the holder wrote, or -1. */
    private static long holder(FileChannel channel) {
        try {
            ByteBuffer b = ByteBuffer.allocate(32);
            channel.read(b, 0);
            return Long.parseLong(new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).strip());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }
}
