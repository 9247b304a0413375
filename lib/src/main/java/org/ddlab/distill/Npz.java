package org.ddlab.distill;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * NumPy {@code .npz} files: a ZIP of {@code <name>.npy} entries, what {@code np.savez} writes and
 * {@code np.load} reads. Entries are written uncompressed (STORED), as {@code np.savez} does;
 * reading accepts compressed ones too ({@code np.savez_compressed}).
 */
public final class Npz {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]*");

    private Npz() {}

    /** Writes named arrays to {@code path} atomically (see {@link AtomicFiles}). Insertion order is kept. */
    public static void write(Path path, Map<String, NpyArray> arrays) throws IOException {
        AtomicFiles.write(path, out -> writeTo(out, arrays));
    }

    /** Writes the ZIP to a stream (not closed). */
    static void writeTo(OutputStream out, Map<String, NpyArray> arrays) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(out);
        for (Map.Entry<String, NpyArray> e : arrays.entrySet()) {
            String name = e.getKey();
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        "array name '" + name + "' is not usable in an .npz; use letters, " + "digits, '_', '.', '-'");
            }
            byte[] npy = Npy.write(e.getValue());
            ZipEntry entry = new ZipEntry(name + ".npy");
            entry.setMethod(ZipEntry.STORED);
            entry.setSize(npy.length);
            entry.setCompressedSize(npy.length);
            CRC32 crc = new CRC32();
            crc.update(npy);
            entry.setCrc(crc.getValue());
            entry.setTime(0); // reproducible bytes: same arrays, same file
            zip.putNextEntry(entry);
            zip.write(npy);
            zip.closeEntry();
        }
        zip.finish();
    }

    /**
     * Reads every {@code .npy} entry of an .npz, keyed by name without ".npy", in file order.
     *
     * @throws NoSuchFileException   when the file does not exist
     * @throws InvalidFileException  when it is not a ZIP, is truncated, or an entry is not valid .npy
     */
    public static Map<String, NpyArray> read(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "no such .npz file; check the path");
        }
        if (Files.isDirectory(path)) {
            throw new InvalidFileException(path, "is a directory, not an .npz file");
        }
        Map<String, NpyArray> out = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(path.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (e.isDirectory() || !e.getName().endsWith(".npy")) {
                    continue;
                }
                String name = e.getName().substring(0, e.getName().length() - 4);
                byte[] bytes;
                try (InputStream in = zip.getInputStream(e)) {
                    bytes = in.readAllBytes();
                } catch (ZipException ex) {
                    throw new InvalidFileException(
                            path,
                            "entry '" + e.getName() + "' is corrupt (" + ex.getMessage()
                                    + "); the file was damaged or only partly written — save it again",
                            ex);
                }
                try {
                    out.put(name, Npy.read(bytes, "array '" + name + "'"));
                } catch (IllegalArgumentException ex) {
                    throw new InvalidFileException(path, ex.getMessage(), ex);
                }
            }
        } catch (ZipException e) {
            throw new InvalidFileException(
                    path,
                    "is not a readable .npz (ZIP) file (" + e.getMessage()
                            + "); it may be truncated or not an .npz at all — save it again",
                    e);
        }
        return out;
    }
}
