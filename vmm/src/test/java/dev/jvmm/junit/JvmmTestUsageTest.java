package dev.jvmm.junit;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

/** Every method of this module's tests marked @JvmmTest is one JUnit runs (see {@link JvmmTestUsage}). */
class JvmmTestUsageTest {
    @Test
    void everyJvmmTestMethodIsATest() throws Exception {
        JvmmTestUsage.assertEveryJvmmTestMethodIsATest(Path.of("target/test-classes"));
    }
}
