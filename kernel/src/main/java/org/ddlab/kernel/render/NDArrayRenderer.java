package org.ddlab.kernel.render;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.Locale;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;

/**
 * DJL {@link NDArray} → a one-line summary. NDArray's own toString can print megabytes for a
 * batch of images, so: shape, dtype, device, and the values only when there are at most
 * {@value #MAX_VALUES}, else min/mean/max.
 */
public final class NDArrayRenderer {

    static final int MAX_VALUES = 20;

    private NDArrayRenderer() {}

    static void register(Renderer renderer) {
        renderer.createRegistration(NDArray.class)
                .preferring(MIMEType.TEXT_PLAIN)
                .register((array, ctx) -> ctx.renderIfRequested(MIMEType.TEXT_PLAIN, () -> summary(array)));
    }

    public static String summary(NDArray a) {
        StringBuilder sb = new StringBuilder("NDArray");
        if (a.getName() != null && !a.getName().isBlank()) {
            sb.append(" '").append(a.getName()).append('\'');
        }
        sb.append(' ')
                .append(a.getShape())
                .append(' ')
                .append(a.getDataType())
                .append(" on ")
                .append(a.getDevice());
        try {
            long size = a.size();
            if (size == 0) {
                return sb.append(" (empty)").toString();
            }
            if (size <= MAX_VALUES && a.getDataType() != DataType.STRING) {
                sb.append(": ").append(values(a));
            } else if (a.getDataType().isFloating()
                    || a.getDataType().isInteger()
                    || a.getDataType().isBoolean()) {
                try (NDArray d = a.toType(DataType.FLOAT64, false);
                        NDArray min = d.min();
                        NDArray mean = d.mean();
                        NDArray max = d.max()) {
                    sb.append(String.format(
                            Locale.ROOT,
                            ": min %.4g, mean %.4g, max %.4g",
                            min.getDouble(),
                            mean.getDouble(),
                            max.getDouble()));
                }
            }
        } catch (RuntimeException e) {
            sb.append(" (values unavailable: ")
                    .append(e.getClass().getSimpleName())
                    .append(')');
        }
        return sb.toString();
    }

    private static String values(NDArray a) {
        if (a.getDataType() == DataType.BOOLEAN) {
            return Arrays.toString(a.toBooleanArray());
        }
        Number[] v = a.toArray();
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            Number n = v[i];
            sb.append(
                    n instanceof Float || n instanceof Double
                            ? String.format(Locale.ROOT, "%.4g", n.doubleValue())
                            : n.toString());
        }
        return sb.append(']').toString();
    }
}
