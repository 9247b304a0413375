package org.ddlab.data;

import static org.ddlab.data.DataFormatException.number;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.format.Mat5File;
import us.hebi.matlab.mat.types.Matrix;
import us.hebi.matlab.mat.types.Source;
import us.hebi.matlab.mat.types.Sources;

/**
 * Reads the cropped-digit files of SVHN (Netzer et al. 2011, http://ufldl.stanford.edu/housenumbers/):
 * {@code train_32x32.mat}, {@code test_32x32.mat}, {@code extra_32x32.mat}. Each is a MATLAB Level-5
 * MAT-file with two variables: {@code X}, uint8 [32, 32, 3, N], and {@code y}, [N, 1] of any numeric
 * class (uint8 or double, however it was saved) holding labels 1..10, where 10 stands for the digit 0.
 *
 * <p>MATLAB stores arrays column-major, so element X(h, w, c, n) sits at linear index
 * {@code h + 32 (w + 32 (c + 3 n))}; the reader walks that order once and writes each byte to
 * [n, c, h, w] of the set, scaled to [0,1]. Labels become 0..9 (10 becomes 0) and the classes are
 * named "0".."9", so the label is the digit.
 *
 * <p>Names, classes and dimensions are checked from the element headers ({@link MatVariables})
 * before anything is decoded, and the zlib checksums of compressed X and y are verified (MFL does
 * not, and damaged deflate data can decode into wrong pixels without an error); the data is then
 * decoded by MFL ({@code us.hebi.matlab.mat:mfl-core}), reading only X and y. Memory: MFL holds X as bytes (train: 225 MB, off-heap) while its one float
 * copy (900 MB) is filled; the bytes are released when the file is closed.
 */
public final class SvhnMat {

    /** The digits, in label order: label d is the digit d. */
    public static final List<String> CLASS_NAMES = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    private static final int SIZE = 32;
    private static final int CHANNELS = 3;
    private static final String EXPECTED =
            "SVHN cropped-digit files hold X, uint8 [32, 32, 3, N], and y, [N, 1], labels 1..10";

    private SvhnMat() {}

    /**
     * Reads one SVHN {@code .mat} file into a set with pixels in [0,1] and labels 0..9.
     *
     * @throws NoSuchFileException when the file is missing
     * @throws DataFormatException when it is not a Level-5 MAT-file, is truncated, lacks X or y,
     *                             has the wrong class or dimensions, or a label is outside 1..10;
     *                             the message names the variable (and the label's index)
     */
    public static ImageSet read(Path file, String setName) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such SVHN .mat file");
        }
        List<MatVariables.Variable> vars = MatVariables.scan(file);
        MatVariables.Variable x = variable(file, vars, "X", "the images");
        MatVariables.Variable y = variable(file, vars, "y", "the labels");
        int n = checkImages(file, x);
        checkLabels(file, y, n);
        MatVariables.verify(file, y);
        MatVariables.verify(file, x);

        String[] reading = {"the file header"};
        try (Source source = Sources.openFile(file.toFile());
                Mat5File mat = Mat5.newReader(source)
                        .setEntryFilter(h -> {
                            reading[0] = "variable '" + h.getName() + "'";
                            return h.getName().equals("X") || h.getName().equals("y");
                        })
                        .readMat()) {
            reading[0] = "variable 'X'";
            Matrix images = mat.getMatrix("X");
            reading[0] = "variable 'y'";
            Matrix labelMatrix = mat.getMatrix("y");
            // The headers were checked; the decoded arrays must agree with them.
            if (images.getNumElements() != n * CHANNELS * SIZE * SIZE || labelMatrix.getNumElements() != n) {
                throw new DataFormatException(
                        file,
                        "MFL decoded X as " + Arrays.toString(images.getDimensions()) + " and y as "
                                + Arrays.toString(labelMatrix.getDimensions())
                                + ", not the sizes their headers announce");
            }
            int[] labels = labels(file, labelMatrix, n);
            return ImageSet.wrapBytes(setName, pixels(images, n), labels, CHANNELS, SIZE, SIZE, CLASS_NAMES);
        } catch (DataFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new DataFormatException(
                    file,
                    "MFL could not read " + reading[0] + ": " + causes(e) + "; the file is damaged — download it again",
                    e);
        }
    }

    private static MatVariables.Variable variable(Path file, List<MatVariables.Variable> vars, String name, String what)
            throws DataFormatException {
        for (MatVariables.Variable v : vars) {
            if (v.name().equals(name)) {
                return v;
            }
        }
        String found = vars.isEmpty()
                ? "no variables at all"
                : vars.stream().map(v -> "'" + v.name() + "' " + v.describe()).collect(Collectors.joining(", "));
        Set<String> lower = vars.stream()
                .map(v -> v.name().toLowerCase(java.util.Locale.ROOT))
                .collect(Collectors.toSet());
        String hint = lower.contains(name.toLowerCase(java.util.Locale.ROOT)) ? " (names are case-sensitive)" : "";
        throw new DataFormatException(
                file, "has no variable '" + name + "' (" + what + ")" + hint + "; it holds " + found + ". " + EXPECTED);
    }

    /** Checks X is real uint8 [32, 32, 3, N] and returns N; MATLAB drops the trailing 1 of a single image. */
    private static int checkImages(Path file, MatVariables.Variable x) throws DataFormatException {
        int[] d = x.dims();
        if (x.matClass() != MatVariables.UINT8 || x.complex()) {
            throw new DataFormatException(
                    file, "variable 'X' is " + x.describe() + "; expected uint8 pixels 0..255. " + EXPECTED);
        }
        boolean shape = (d.length == 4 || d.length == 3) && d[0] == SIZE && d[1] == SIZE && d[2] == CHANNELS;
        if (!shape || (d.length == 4 && d[3] < 0)) {
            throw new DataFormatException(
                    file,
                    "variable 'X' has dimensions " + Arrays.toString(d)
                            + "; expected [32, 32, 3, N] (height, width, channel, image in MATLAB's column-major order)"
                            + (d.length == 4 && d[3] == CHANNELS
                                    ? " — [.., .., .., 3] looks like images stored channels-last"
                                    : "")
                            + ". " + EXPECTED);
        }
        long n = d.length == 4 ? d[3] : 1;
        if (n * CHANNELS * SIZE * SIZE > Integer.MAX_VALUE - 8) {
            throw new DataFormatException(
                    file, "variable 'X' holds " + number(n) + " images, more pixels than one Java array holds");
        }
        return (int) n;
    }

    private static void checkLabels(Path file, MatVariables.Variable y, int n) throws DataFormatException {
        int[] d = y.dims();
        if (!y.isNumeric() || y.complex()) {
            throw new DataFormatException(
                    file, "variable 'y' is " + y.describe() + "; expected numbers 1..10. " + EXPECTED);
        }
        boolean vector = d.length == 2 && ((d[0] == n && d[1] == 1) || (d[0] == 1 && d[1] == n));
        if (!vector) {
            throw new DataFormatException(
                    file,
                    "variable 'y' has dimensions " + Arrays.toString(d) + " but X holds " + number(n)
                            + " images; expected y [" + n + ", 1] (or [1, " + n + "]), one label per image");
        }
    }

    /** Labels 0..9 from y's 1..10, checking each is a whole number in range. */
    private static int[] labels(Path file, Matrix y, int n) throws DataFormatException {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            double v = y.getDouble(i);
            if (!(v >= 1 && v <= 10) || v != Math.rint(v)) {
                throw new DataFormatException(
                        file,
                        "variable 'y' holds " + (v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v))
                                + " at y(" + (i + 1) + ") (index " + i
                                + " counting from 0); SVHN labels are whole numbers "
                                + "1..10, 10 standing for the digit 0");
            }
            out[i] = (int) v % 10;
        }
        return out;
    }

    /** X(h, w, c, n), column-major, to [n, c, h, w] bytes, reading X in storage order. */
    private static byte[] pixels(Matrix x, int n) {
        byte[] out = new byte[n * CHANNELS * SIZE * SIZE];
        int src = 0;
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < CHANNELS; c++) {
                int plane = (i * CHANNELS + c) * SIZE * SIZE;
                for (int w = 0; w < SIZE; w++) {
                    for (int h = 0; h < SIZE; h++) {
                        out[plane + h * SIZE + w] = x.getByte(src++);
                    }
                }
            }
        }
        return out;
    }

    private static String causes(Throwable e) {
        StringBuilder s = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null
                    && !m.isBlank()
                    && (t.getCause() == null || !m.equals(t.getCause().toString()))) {
                s.append(s.isEmpty() ? "" : ": ").append(m);
            } else if (t.getCause() == null) {
                s.append(s.isEmpty() ? "" : ": ").append(t.getClass().getSimpleName());
            }
        }
        return s.toString();
    }
}
