package org.ddlab;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README and the reference pages under docs/: every relative link leads to a file that exists, and the
 * README stays a one-screen page that states what is true rather than how it came to be.
 */
class DocsLinksTest {

    /** README.md is read in five minutes: at most this many lines. */
    static final int README_MAX_LINES = 150;

    /** Phrases that narrate history instead of stating what is true. */
    static final List<String> HISTORY_PHRASES = List.of("earlier run", "previous machine", "the target", "used to be");

    /** [text](target) or ![alt](target), with an optional "title" after the target. */
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");

    private static final Pattern FENCED_BLOCK = Pattern.compile("(?ms)^\\s*```.*?^\\s*```");
    private static final Pattern INLINE_CODE = Pattern.compile("`[^`\\n]*`");

    @Test
    void everyRelativeLinkLeadsToAFileThatExists() throws IOException {
        Path root = repositoryRoot();
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path page : pages(root)) {
            for (String target : relativeLinks(Files.readString(page))) {
                checked++;
                String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
                if (file.isEmpty()) {
                    continue; // an anchor on the same page
                }
                Path resolved = page.getParent()
                        .resolve(URLDecoder.decode(file, StandardCharsets.UTF_8))
                        .normalize();
                if (!Files.exists(resolved)) {
                    broken.add(root.relativize(page) + ": (" + target + ") → " + root.relativize(resolved)
                            + " does not exist");
                }
            }
        }
        assertTrue(checked > 0, "no links found in README.md and docs/*.md");
        assertTrue(broken.isEmpty(), broken.size() + " broken link(s):\n  " + String.join("\n  ", broken));
    }

    @Test
    void theReadmeIsOneScreenOfCurrentFacts() throws IOException {
        Path readme = repositoryRoot().resolve("README.md");
        List<String> lines = Files.readAllLines(readme);
        assertTrue(
                lines.size() <= README_MAX_LINES,
                "README.md has " + lines.size() + " lines, more than " + README_MAX_LINES + "; move detail to docs/");
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).toLowerCase(Locale.ROOT);
            for (String phrase : HISTORY_PHRASES) {
                assertFalse(
                        line.contains(phrase),
                        "README.md:" + (i + 1) + " narrates history (\"" + phrase + "\"); state what is true: "
                                + lines.get(i));
            }
        }
    }

    @Test
    void linkExtractionSkipsCodeAndAbsoluteTargets() {
        String md = """
                See [results](docs/results.md#known-problems), ![a picture](img/a.svg "title"),
                [a site](https://djl.ai), [mail](mailto:x@y.z), [here](#top) and `[not](a-link.md)`.
                ```
                [not a link either](b.md)
                ```
                """;
        List<String> links = relativeLinks(md);
        assertTrue(links.equals(List.of("docs/results.md#known-problems", "img/a.svg", "#top")), links.toString());
    }

    /** README.md, every docs/*.md, and the READMEs a reader meets in the course, the pages and the data. */
    static List<Path> pages(Path root) throws IOException {
        List<Path> pages = new ArrayList<>();
        pages.add(root.resolve("README.md"));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(p -> p.getFileName().toString().endsWith(".md"))
                    .sorted()
                    .forEach(pages::add);
        }
        for (String readme :
                List.of("docs/course/README.md", "notebooks/README.md", "data/README.md", "data/sets/README.md")) {
            if (Files.isRegularFile(root.resolve(readme))) {
                pages.add(root.resolve(readme));
            }
        }
        return pages;
    }

    /** The targets of the page's markdown links that are neither web addresses nor mail, outside code. */
    static List<String> relativeLinks(String markdown) {
        String text = INLINE_CODE
                .matcher(FENCED_BLOCK.matcher(markdown).replaceAll(""))
                .replaceAll("");
        List<String> targets = new ArrayList<>();
        Matcher m = LINK.matcher(text);
        while (m.find()) {
            String target = m.group(1);
            String lower = target.toLowerCase(Locale.ROOT);
            if (!lower.startsWith("http://") && !lower.startsWith("https://") && !lower.startsWith("mailto:")) {
                targets.add(target);
            }
        }
        return targets;
    }

    /** The working directory or the nearest directory above it that holds README.md and environment/. */
    static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("environment"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no directory with README.md and environment/ at or above "
                + Path.of("").toAbsolutePath());
    }
}
