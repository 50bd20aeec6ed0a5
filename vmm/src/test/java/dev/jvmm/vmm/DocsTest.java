package dev.jvmm.vmm;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The docs show the code the tests run: the API guide's example is the example project's test, verbatim. */
class DocsTest {
    private static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();

    @Test
    void theApiGuideShowsTheExampleProjectsTest() throws Exception {
        String guide = Files.readString(REPOSITORY.resolve("docs/api.md"));
        String example = Files.readString(REPOSITORY.resolve("examples/junit-example/src/test/java/example/GuestTest.java"));
        assertTrue(guide.contains("```java\n" + example + "```"), "docs/api.md must show GuestTest.java as it is");
    }
}
