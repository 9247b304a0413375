package org.ddlab.data.fetch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.LongConsumer;

/** The SHA-256 of a file, read in blocks (datasets are hundreds of megabytes), reporting bytes hashed. */
final class Sha256 {

    private static final int BLOCK = 1 << 20;

    private Sha256() {}

    /** Lower-case hex digest of {@code file}; {@code progress} receives the bytes hashed so far. */
    static String of(Path file, LongConsumer progress) throws IOException {
        MessageDigest digest = newDigest();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(BLOCK);
            long done = 0;
            progress.accept(0);
            int n;
            while ((n = ch.read(buf.clear())) >= 0) {
                digest.update(buf.flip());
                done += n;
                progress.accept(done);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
