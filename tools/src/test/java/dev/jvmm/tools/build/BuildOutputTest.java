package dev.jvmm.tools.build;

import dev.jvmm.process.ProcessRunner;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Maven's own output, as the launcher, tools/run-tests and CI see it: no terminal escapes.
 * Debian's Maven 3.8 writes ESC[0m (jansi's reset) to both streams even in batch mode with
 * colours off; {@code .mvn/jvm.config} turns that off for every build of the repository.
 */
class BuildOutputTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @Test
    void quietBatchBuildsPrintNoEscapeSequences() {
        // Maven finds .mvn/ above the pom it is given, so the example project's builds get it too.
        ProcessRunner.Result result = ProcessRunner.of("mvn", "-q", "-B", "-Dstyle.color=never", "-N", "validate")
                .directory(ROOT).deadline(Duration.ofMinutes(2)).run();
        assertEquals(0, result.status(), result.output());
        assertFalse(result.output().contains("\u001b"), result.output().replace("\u001b", "ESC"));
    }
}
