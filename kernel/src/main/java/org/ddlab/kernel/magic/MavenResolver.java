package org.ddlab.kernel.magic;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.ddlab.kernel.eval.KernelException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * A small Maven resolver for {@code %maven}: the local repository first, then Maven Central over
 * plain {@code java.net.http}; transitive compile and runtime dependencies are read from POMs.
 *
 * <p>What it understands: parent POMs, {@code <properties>} and {@code ${project.*}},
 * {@code <dependencyManagement>} including {@code import}-scoped BOMs, exclusions, optional
 * dependencies (skipped), "nearest wins" by breadth-first order. Limits: no profiles, no
 * version ranges (the lower bound is taken), no relocations, no repositories other than the
 * one configured, classifiers only on the requested coordinates.
 *
 * <p>System properties: {@code maven.repo.local} (default {@code ~/.m2/repository}) and
 * {@code ddlab.maven.remote} (default Maven Central) — the tests point the latter at a closed port.
 */
public final class MavenResolver {

    public static final String CENTRAL = "https://repo.maven.apache.org/maven2/";

    private static final Pattern PROPERTY = Pattern.compile("\\$\\{([^}]+)}");

    private final Path localRepo;
    private final String remote;
    private HttpClient http;
    private final Map<String, Model> models = new HashMap<>();

    public MavenResolver(Path localRepo, String remote) {
        this.localRepo = localRepo;
        this.remote = remote.endsWith("/") ? remote : remote + "/";
    }

    public static MavenResolver fromSystemProperties() {
        String local = System.getProperty("maven.repo.local");
        Path repo = local != null && !local.isBlank()
                ? Path.of(local)
                : Path.of(System.getProperty("user.home"), ".m2", "repository");
        return new MavenResolver(repo, System.getProperty("ddlab.maven.remote", CENTRAL));
    }

    /** Coordinates {@code group:artifact:version} or {@code group:artifact:version:classifier}. */
    record Coord(String group, String artifact, String version, String classifier) {
        static Coord parse(String s) {
            String[] p = s.trim().split(":");
            if (p.length < 3 || p.length > 4 || p[0].isBlank() || p[1].isBlank() || p[2].isBlank()) {
                throw new KernelException("%maven: expected group:artifact:version[:classifier], got '" + s + "'");
            }
            return new Coord(p[0], p[1], p[2], p.length == 4 ? p[3] : null);
        }

        String key() {
            return group + ":" + artifact;
        }

        String dir() {
            return group.replace('.', '/') + "/" + artifact + "/" + version + "/";
        }

        String file(String ext) {
            return artifact + "-" + version + (classifier == null || ext.equals("pom") ? "" : "-" + classifier) + "."
                    + ext;
        }

        @Override
        public String toString() {
            return group + ":" + artifact + ":" + version + (classifier == null ? "" : ":" + classifier);
        }
    }

    /** A declared dependency: version may be null (then managed). */
    private record Dep(
            String group,
            String artifact,
            String version,
            String scope,
            String type,
            String classifier,
            boolean optional,
            Set<String> exclusions) {
        String key() {
            return group + ":" + artifact;
        }
    }

    /** The effective parts of a POM we need. */
    private record Model(String packaging, Map<String, String> props, Map<String, Dep> managed, List<Dep> deps) {}

    /** The jars of the given artifacts and their transitive runtime dependencies, in resolution order. */
    public synchronized List<Path> resolve(List<String> coordinates) throws IOException, InterruptedException {
        List<Path> jars = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        record Todo(Coord coord, Set<String> exclusions, Map<String, Dep> managed) {}
        Deque<Todo> queue = new ArrayDeque<>();
        for (String c : coordinates) {
            Coord coord = Coord.parse(c);
            seen.add(coord.key());
            queue.add(new Todo(coord, Set.of(), Map.of()));
        }
        while (!queue.isEmpty()) {
            Todo todo = queue.poll();
            Coord coord = todo.coord();
            Model model = model(coord, coord);
            if (!"pom".equals(model.packaging())) {
                jars.add(fetch(coord, coord.file("jar"), coord));
            }
            // Management from the requesting POM wins over the dependency's own (as in Maven).
            Map<String, Dep> managed = new HashMap<>(model.managed());
            managed.putAll(todo.managed());
            for (Dep d : model.deps()) {
                String scope = d.scope() == null ? "compile" : d.scope();
                Dep m = managed.get(d.key());
                if (m != null && m.scope() != null && d.scope() == null) {
                    scope = m.scope();
                }
                if (!(scope.equals("compile") || scope.equals("runtime"))
                        || d.optional()
                        || todo.exclusions().contains(d.key())
                        || todo.exclusions().contains(d.group() + ":*")
                        || !(d.type() == null
                                || d.type().equals("jar")
                                || d.type().equals("bundle"))
                        || !seen.add(d.key())) {
                    continue;
                }
                String version = d.version() != null ? d.version() : (m != null ? m.version() : null);
                if (version == null) {
                    throw new KernelException("%maven: no version for " + d.key() + " (needed by " + coord + ")");
                }
                Set<String> excl = new HashSet<>(todo.exclusions());
                excl.addAll(d.exclusions());
                if (m != null) {
                    excl.addAll(m.exclusions());
                }
                queue.add(new Todo(
                        new Coord(d.group(), d.artifact(), lowerBound(version), d.classifier()), excl, managed));
            }
        }
        return jars;
    }

    private static String lowerBound(String version) {
        if (version.startsWith("[") || version.startsWith("(")) {
            String v =
                    version.substring(1).split(",")[0].replaceAll("[\\])]", "").trim();
            return v.isEmpty() ? version : v;
        }
        return version;
    }

    private Model model(Coord coord, Coord requested) throws IOException, InterruptedException {
        String key = coord.group() + ":" + coord.artifact() + ":" + coord.version();
        Model cached = models.get(key);
        if (cached != null) {
            return cached;
        }
        Element project;
        try (InputStream in = Files.newInputStream(fetch(coord, coord.file("pom"), requested))) {
            Document doc = xml().parse(in);
            project = doc.getDocumentElement();
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new KernelException("%maven: cannot parse the POM of " + coord + ": " + e.getMessage());
        }

        Map<String, String> props = new HashMap<>();
        Map<String, Dep> managed = new LinkedHashMap<>();
        List<Dep> deps = new ArrayList<>();
        Element parent = child(project, "parent");
        if (parent != null) {
            Model pm = model(
                    new Coord(text(parent, "groupId"), text(parent, "artifactId"), text(parent, "version"), null),
                    requested);
            props.putAll(pm.props());
            managed.putAll(pm.managed());
            deps.addAll(pm.deps());
            props.put("project.parent.version", text(parent, "version"));
            props.put("project.parent.groupId", text(parent, "groupId"));
        }
        String group = text(project, "groupId") != null ? text(project, "groupId") : text(parent, "groupId");
        String version = text(project, "version") != null ? text(project, "version") : text(parent, "version");
        props.put("project.groupId", group);
        props.put("project.artifactId", text(project, "artifactId"));
        props.put("project.version", version);
        props.put("pom.version", version);
        props.put("version", version);
        props.put("groupId", group);
        Element properties = child(project, "properties");
        if (properties != null) {
            for (Element p : children(properties, null)) {
                props.put(p.getTagName(), p.getTextContent().trim());
            }
        }
        Element dm = child(project, "dependencyManagement");
        if (dm != null && child(dm, "dependencies") != null) {
            for (Element d : children(child(dm, "dependencies"), "dependency")) {
                Dep dep = dep(d, props);
                if ("import".equals(dep.scope()) && "pom".equals(dep.type())) {
                    Model bom = model(new Coord(dep.group(), dep.artifact(), dep.version(), null), requested);
                    bom.managed().forEach(managed::putIfAbsent);
                } else {
                    managed.put(dep.key(), dep);
                }
            }
        }
        Element ds = child(project, "dependencies");
        if (ds != null) {
            for (Element d : children(ds, "dependency")) {
                deps.add(dep(d, props));
            }
        }
        String packaging = text(project, "packaging");
        Model model = new Model(packaging == null ? "jar" : interpolate(packaging, props), props, managed, deps);
        models.put(key, model);
        return model;
    }

    private static Dep dep(Element d, Map<String, String> props) {
        Set<String> exclusions = new HashSet<>();
        Element ex = child(d, "exclusions");
        if (ex != null) {
            for (Element e : children(ex, "exclusion")) {
                exclusions.add(
                        interpolate(text(e, "groupId"), props) + ":" + interpolate(text(e, "artifactId"), props));
            }
        }
        return new Dep(
                interpolate(text(d, "groupId"), props),
                interpolate(text(d, "artifactId"), props),
                interpolate(text(d, "version"), props),
                interpolate(text(d, "scope"), props),
                interpolate(text(d, "type"), props),
                interpolate(text(d, "classifier"), props),
                "true".equals(interpolate(text(d, "optional"), props)),
                exclusions);
    }

    private static String interpolate(String s, Map<String, String> props) {
        if (s == null) {
            return null;
        }
        for (int i = 0; i < 10 && s.contains("${"); i++) {
            Matcher m = PROPERTY.matcher(s);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String v = props.get(m.group(1));
                m.appendReplacement(sb, Matcher.quoteReplacement(v != null ? v : m.group()));
            }
            m.appendTail(sb);
            if (sb.toString().equals(s)) {
                break;
            }
            s = sb.toString();
        }
        return s;
    }

    /** The file from the local repository, downloaded into it first when missing. */
    private Path fetch(Coord coord, String fileName, Coord requested) throws IOException, InterruptedException {
        Path local = localRepo.resolve(coord.dir()).resolve(fileName);
        if (Files.isRegularFile(local)) {
            return local;
        }
        URI uri = URI.create(remote + coord.dir() + fileName);
        HttpResponse<Path> response;
        Path tmp;
        try {
            Files.createDirectories(local.getParent());
            tmp = Files.createTempFile(local.getParent(), fileName, ".part");
            if (http == null) {
                http = HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(10))
                        .followRedirects(HttpClient.Redirect.NORMAL)
                        .build();
            }
            response = http.send(
                    HttpRequest.newBuilder(uri)
                            .timeout(Duration.ofSeconds(120))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofFile(tmp));
        } catch (IOException e) {
            throw new KernelException("%maven: cannot resolve " + requested + ": " + fileName
                    + " is not in the local repository " + localRepo + " and " + remote
                    + " is unreachable (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "). The network or Maven Central "
                    + "is not available: put the jar and its POM under " + localRepo.resolve(coord.dir())
                    + " (e.g. with 'mvn dependency:get' on a connected machine), or add the jar with %jars <path>.");
        }
        if (response.statusCode() != 200) {
            Files.deleteIfExists(tmp);
            throw new KernelException("%maven: cannot resolve " + requested + ": " + uri + " answered HTTP "
                    + response.statusCode() + (response.statusCode() == 404 ? " (no such artifact or version)" : ""));
        }
        Files.move(tmp, local, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return local;
    }

    private static javax.xml.parsers.DocumentBuilder xml() throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(false);
        f.setExpandEntityReferences(false);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return f.newDocumentBuilder();
    }

    private static Element child(Element e, String name) {
        if (e == null) {
            return null;
        }
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getTagName().equals(name)) {
                return c;
            }
        }
        return null;
    }

    private static List<Element> children(Element e, String name) {
        List<Element> out = new ArrayList<>();
        NodeList list = e.getChildNodes();
        for (int i = 0; i < list.getLength(); i++) {
            if (list.item(i) instanceof Element c
                    && (name == null || c.getTagName().equals(name))) {
                out.add(c);
            }
        }
        return out;
    }

    private static String text(Element e, String name) {
        Element c = child(e, name);
        return c == null ? null : c.getTextContent().trim();
    }
}
