package org.ddlab.data.fetch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The note {@code <archive>.unpacked} that an archive was completely unpacked here: its SHA-256 and
 * the top-level entries it created. The archive itself is deleted after unpacking, so this note is
 * what lets the next fetch skip it without downloading again; it is written last, so an interrupted
 * unpack leaves no note and is redone. It also tells a person looking at the folder where the
 * archive went. Delete it (or an entry it lists) to unpack again.
 */
final class UnpackMarker {

    static final String SUFFIX = ".unpacked";

    private UnpackMarker() {}

    static Path path(Path dir, Download download) {
        return dir.resolve(download.file() + SUFFIX);
    }

    /** Whether {@code download} was unpacked into {@code dir} and everything it created is still there. */
    static boolean isDone(Path dir, Download download) {
        Path marker = path(dir, download);
        if (!Files.isRegularFile(marker)) {
            return false;
        }
        List<String> lines;
        try {
            lines = new ArrayList<>(Files.readAllLines(marker, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return false; // unreadable: unpack again, which rewrites it
        }
        lines.removeIf(line -> line.isBlank() || line.startsWith("#"));
        if (lines.isEmpty() || !lines.getFirst().trim().equals(download.sha256())) {
            return false;
        }
        for (String entry : lines.subList(1, lines.size())) {
            if (!Files.exists(dir.resolve(entry.trim()), LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
        }
        return true;
    }

    /** Records that {@code download} is unpacked into {@code dir}, creating {@code entries}. */
    static void write(Path dir, Download download, List<String> entries) throws IOException {
        StringBuilder text = new StringBuilder()
                .append("# ")
                .append(download.file())
                .append(" (SHA-256 below, from ")
                .append(download.uri())
                .append(") was unpacked into this folder, creating the entries after it.\n")
                .append("# Delete this file to unpack it again.\n")
                .append(download.sha256())
                .append('\n');
        entries.forEach(entry -> text.append(entry).append('\n'));
        Path marker = path(dir, download);
        Path temp = Files.createTempFile(dir, "." + marker.getFileName() + ".", ".tmp");
        try {
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            try {
                Files.move(temp, marker, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, marker, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
