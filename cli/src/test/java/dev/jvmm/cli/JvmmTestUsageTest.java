package dev.jvmm.cli;

import dev.jvmm.junit.JvmmTestUsage;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

/** Every method of the CLI's tests marked @JvmmTest is one JUnit runs (see {@link JvmmTestUsage}). */
class JvmmTestUsageTest {
    @Test
    void everyJvmmTestMethodIsATest() throws Exception {
        JvmmTestUsage.assertEveryJvmmTestMethodIsATest(Path.of("target/test-classes"));
    }
}
