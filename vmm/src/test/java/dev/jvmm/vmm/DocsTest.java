package dev.jvmm.vmm;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The docs show the code the tests run, and what they say about the build is what the build does. */
class DocsTest {
    private static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();
    private static final Path EXAMPLE_POM = REPOSITORY.resolve("examples/junit-example/pom.xml");

    @Test
    void theApiGuideShowsTheExampleProjectsTest() throws Exception {
        String guide = Files.readString(REPOSITORY.resolve("docs/api.md"));
        String example = Files.readString(REPOSITORY.resolve("examples/junit-example/src/test/java/example/GuestTest.java"));
        assertTrue(guide.contains("```java\n" + example + "```"), "docs/api.md must show GuestTest.java as it is");
    }

    /**
     * tools/run-tests makes the example's tests strict with -DargLine; a surefire {@code <argLine>}
     * in the example's pom would override it, and on a host without KVM its tests would skip.
     */
    @Test
    void theExampleTakesItsArgLineFromTheCommandLine() throws Exception {
        Element pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(EXAMPLE_POM.toFile()).getDocumentElement();
        Element surefire = plugin(pom, "maven-surefire-plugin");
        assertEquals(0, surefire.getElementsByTagName("argLine").getLength(), "the example's surefire plugin sets <argLine>");
        Element properties = (Element) pom.getElementsByTagName("properties").item(0);
        assertEquals("--enable-native-access=ALL-UNNAMED", text(properties, "argLine"));
        String runTests = Files.readString(REPOSITORY.resolve("tools/run-tests"));
        assertTrue(runTests.contains("-f examples/junit-example/pom.xml surefire:test \\\n    -DargLine=\"--enable-native-access=ALL-UNNAMED -Djvmm.strict=true\""),
                "tools/run-tests runs the example strict");
    }

    @Test
    void theApiGuideNamesThePluginVersionsTheExamplePins() throws Exception {
        String guide = Files.readString(REPOSITORY.resolve("docs/api.md"));
        Element pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(EXAMPLE_POM.toFile()).getDocumentElement();
        for (String plugin : List.of("maven-compiler-plugin", "maven-surefire-plugin")) {
            String version = text(plugin(pom, plugin), "version");
            assertTrue(guide.contains("`" + plugin + "` " + version), "docs/api.md names " + plugin + " " + version);
            assertTrue(guide.contains("<artifactId>" + plugin + "</artifactId>\n  <version>" + version + "</version>"),
                    "docs/api.md shows " + plugin + " " + version);
        }
        assertTrue(guide.contains("Maven itself must run on JDK 25"), "docs/api.md says which JDK Maven runs on");
    }

    /** Relative links, and paths written out, lead to files of the repository. */
    @Test
    void linksStayInsideTheRepository() throws Exception {
        Pattern link = Pattern.compile("\\]\\(([^)#\\s]+)|(?<![\\w./])((?:\\.\\./)+[\\w.-][\\w./-]*)");
        List<String> broken = new ArrayList<>();
        List<Path> documents = new ArrayList<>(List.of(REPOSITORY.resolve("README.md")));
        try (Stream<Path> docs = Files.list(REPOSITORY.resolve("docs"))) {
            documents.addAll(docs.filter(p -> p.toString().endsWith(".md")).sorted().toList());
        }
        for (Path document : documents) {
            Matcher m = link.matcher(Files.readString(document));
            while (m.find()) {
                String target = m.group(1) != null ? m.group(1) : m.group(2);
                if (target.matches("[a-z]+:.*")) {
                    continue;                                    // https:, mailto:
                }
                Path resolved = document.getParent().resolve(target).normalize();
                if (!resolved.startsWith(REPOSITORY) || !Files.exists(resolved)) {
                    broken.add(REPOSITORY.relativize(document) + ": " + target);
                }
            }
        }
        assertEquals(List.of(), broken);
    }

    private static Element plugin(Element pom, String artifactId) {
        NodeList plugins = pom.getElementsByTagName("plugin");
        for (int i = 0; i < plugins.getLength(); i++) {
            Element plugin = (Element) plugins.item(i);
            if (artifactId.equals(text(plugin, "artifactId"))) {
                return plugin;
            }
        }
        throw new AssertionError("no " + artifactId + " in " + EXAMPLE_POM);
    }

    /** The text of a direct child element. */
    private static String text(Element parent, String name) {
        for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element element && element.getTagName().equals(name)) {
                return element.getTextContent().strip();
            }
        }
        throw new AssertionError("no <" + name + "> in <" + parent.getTagName() + ">");
    }
}
