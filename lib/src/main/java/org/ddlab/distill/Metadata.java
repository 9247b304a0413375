package org.ddlab.distill;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a saved synthetic set is: the JSON sidecar next to its {@code .npz}. A caller gives the
 * facts only it knows ({@link #of}: method, dataset, seed, steps, plus free-form {@link #withExtra
 * extras}); {@link SyntheticSetFile#save} fills in the rest (ipc, classes, image shape, time,
 * version) from the set itself, so the sidecar cannot disagree with the arrays it describes.
 *
 * @param method       e.g. "frepo", "dream-dm", "random"
 * @param dataset      e.g. "fashion-mnist"
 * @param ipc          images per class (-1 when unbalanced); null until saved
 * @param classes      class names, in label order; null until saved
 * @param seed         the run's seed, or null
 * @param steps        distillation steps taken, or null
 * @param created      ISO-8601 instant of the save; null until saved
 * @param ddlabVersion ddlab version that wrote the file; null until saved
 * @param imageShape   (C, H, W); null until saved
 * @param extra        free-form settings (learning rates, architecture...), JSON-serialisable
 * @param preprocessing how the stored pixels are brought into the space the set trains in
 *                      ({@link org.ddlab.data.Preprocessing#describe()}); null when not recorded. Taken
 *                      from the set on save.
 */
public record Metadata(
        String method,
        String dataset,
        Integer ipc,
        List<String> classes,
        Long seed,
        Long steps,
        String created,
        String ddlabVersion,
        long[] imageShape,
        Map<String, Object> extra,
        Map<String, Object> preprocessing) {

    public Metadata {
        classes = classes == null ? null : List.copyOf(classes);
        imageShape = imageShape == null ? null : imageShape.clone();
        extra = extra == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extra));
        preprocessing = preprocessing == null
                ? null
                : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(preprocessing));
    }

    /** The caller's part; the rest is filled in on save. */
    public static Metadata of(String method, String dataset, Long seed, Long steps) {
        return new Metadata(method, dataset, null, null, seed, steps, null, null, null, Map.of(), null);
    }

    /** A copy with one more free-form entry. */
    public Metadata withExtra(String key, Object value) {
        Map<String, Object> e = new LinkedHashMap<>(extra);
        e.put(key, value);
        return new Metadata(
                method, dataset, ipc, classes, seed, steps, created, ddlabVersion, imageShape, e, preprocessing);
    }

    /** A copy describing {@code set}, stamped now with this ddlab's version. */
    Metadata describing(SyntheticSet set) {
        long[] shape = set.imageShape().getShape();
        return new Metadata(
                method,
                dataset,
                set.ipc(),
                set.classNames(),
                seed,
                steps,
                Instant.now().truncatedTo(ChronoUnit.MILLIS).toString(),
                currentVersion(),
                shape,
                extra,
                set.preprocessing().map(org.ddlab.data.Preprocessing::describe).orElse(null));
    }

    /** The version in the jar manifest, or "development" when running from classes (tests, IDE). */
    public static String currentVersion() {
        String v = Metadata.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    @Override
    public long[] imageShape() {
        return imageShape == null ? null : imageShape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Metadata m
                && java.util.Objects.equals(method, m.method)
                && java.util.Objects.equals(dataset, m.dataset)
                && java.util.Objects.equals(ipc, m.ipc)
                && java.util.Objects.equals(classes, m.classes)
                && java.util.Objects.equals(seed, m.seed)
                && java.util.Objects.equals(steps, m.steps)
                && java.util.Objects.equals(created, m.created)
                && java.util.Objects.equals(ddlabVersion, m.ddlabVersion)
                && Arrays.equals(imageShape, m.imageShape)
                && extra.equals(m.extra)
                && java.util.Objects.equals(preprocessing, m.preprocessing);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(
                method,
                dataset,
                ipc,
                classes,
                seed,
                steps,
                created,
                ddlabVersion,
                Arrays.hashCode(imageShape),
                extra,
                preprocessing);
    }

    @Override
    public String toString() {
        return "Metadata[method=" + method + ", dataset=" + dataset + ", ipc=" + ipc + ", classes=" + classes
                + ", seed=" + seed + ", steps=" + steps + ", created=" + created + ", ddlab=" + ddlabVersion
                + ", imageShape=" + Arrays.toString(imageShape) + ", extra=" + extra + ", preprocessing="
                + preprocessing + "]";
    }
}
