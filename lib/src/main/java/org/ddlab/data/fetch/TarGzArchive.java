package org.ddlab.data.fetch;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Unpacks a {@code .tar.gz} without trusting its entry names. A tar entry can name any path —
 * {@code /etc/profile}, {@code ../../.bashrc} — or be a link that later entries write through, so
 * every entry must resolve inside the folder it is unpacked into, and links, devices and pipes are
 * refused: a dataset is regular files in folders. The pinned SHA-256 already vouches for the archive;
 * this is the second lock, for a wrong pin or a hostile mirror.
 */
final class TarGzArchive {

    private static final int BUFFER = 1 << 16;

    private TarGzArchive() {}

    /**
     * Unpacks {@code archive} into the existing folder {@code into}.
     *
     * @param from     the folder inside the archive whose contents are unpacked, or "" for all of it;
     *                 entries outside it are checked like the others but not written
     * @param progress receives how many bytes of the (compressed) archive are read, so the total is
     *                 its file size
     * @return the top-level names the archive created in {@code into}, in archive order
     * @throws FetchException naming the entry, when one is absolute, escapes {@code into}, or is not a
     *                        regular file or directory; what was unpacked so far stays in {@code into},
     *                        for the caller to discard
     */
    static List<String> unpack(Path archive, Path into, String from, LongConsumer progress) throws IOException {
        Path root = into.toAbsolutePath().normalize();
        Path taken = root.resolve(from).normalize();
        Set<String> topLevel = new LinkedHashSet<>();
        byte[] buf = new byte[BUFFER];
        try (FileChannel ch = FileChannel.open(archive, StandardOpenOption.READ);
                InputStream raw = new BufferedInputStream(Channels.newInputStream(ch), BUFFER);
                InputStream gz = GzipCompressorInputStream.builder()
                        .setInputStream(raw)
                        .setDecompressConcatenated(true)
                        .get();
                TarArchiveInputStream tar = new TarArchiveInputStream(gz)) {
            progress.accept(0);
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path named = destination(archive, root, entry);
                if (!named.startsWith(taken) || named.equals(taken)) {
                    continue; // "./" (the folder itself), or outside the folder taken
                }
                Path dest = root.resolve(taken.relativize(named));
                topLevel.add(root.relativize(dest).getName(0).toString());
                if (entry.isDirectory()) {
                    Files.createDirectories(dest);
                } else {
                    Files.createDirectories(dest.getParent());
                    try (OutputStream out = Files.newOutputStream(dest)) {
                        int n;
                        while ((n = tar.read(buf)) >= 0) {
                            out.write(buf, 0, n);
                            progress.accept(ch.position());
                        }
                    }
                }
                progress.accept(ch.position());
            }
            progress.accept(ch.size());
        }
        return new ArrayList<>(topLevel);
    }

    /** Where an entry goes, or why it must not be unpacked. */
    private static Path destination(Path archive, Path root, TarArchiveEntry entry) throws FetchException {
        String name = entry.getName();
        String refusal = null;
        if (entry.isSymbolicLink() || entry.isLink()) {
            refusal = "is a link (to '" + entry.getLinkName() + "'); a dataset archive holds only files and folders";
        } else if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
            refusal = "is a device or pipe; a dataset archive holds only files and folders";
        } else if (name.startsWith("/")
                || name.startsWith("\\")
                || Path.of(name).isAbsolute()) {
            refusal = "is an absolute path";
        }
        if (refusal == null) {
            Path dest = root.resolve(name).normalize();
            if (dest.startsWith(root)) {
                return dest;
            }
            refusal = "would be written outside the folder it is unpacked into";
        }
        throw new FetchException(archive.getFileName() + ": the entry '" + name + "' " + refusal
                + ". Refusing to unpack the archive; it stays at " + archive + ".");
    }
}
