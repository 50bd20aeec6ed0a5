package dev.jvmm.vmm.cli;

import dev.jvmm.junit.JvmmTest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code jvmm bench --quick} runs every measurement once with a tiny count: proof that the
 * benchmark works, in CI. It asserts what is reported, never how fast anything was.
 */
@JvmmTest
class BenchCommandTest {
    @Test
    void quickBenchReportsEveryMeasurementAsJson() throws Exception {
        Path repository = Path.of("").toAbsolutePath().getParent();
        List<String> command = JvmmCommandTest.jvmmCommand(List.of("-Djvmm.home=" + repository), "bench", "--quick", "--json");
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
        process.getOutputStream().close();
        String json = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String progress = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "jvmm bench did not finish");
        assertEquals(0, process.exitValue(), progress);
        assertTrue(progress.contains("jvmm bench: [4/4]"), progress);
        assertTrue(json.startsWith("{\"header\":{\"cpu\":"), json);
        for (String name : List.of("syscall: null system call (getppid)", "sysenter: clock_gettime system call",
                "int80: null system call (getppid)", "vDSO clock_gettime monotonic", "vDSO clock_gettime tai",
                "vDSO clock_gettime (through FFM)", "null system call getppid (through FFM)",
                "exit round trip: jvmm (FFM)", "exit round trip: C reference VMM", "exit round trip: QEMU microvm (KVM)",
                "start-up: jvmm run (bundled image, boot to exit)", "start-up: QEMU microvm, same image",
                "peak RSS: jvmm run", "peak RSS: QEMU microvm")) {
            assertTrue(json.contains("\"name\":\"" + name + "\""), name + " in " + json);
        }
        assertTrue(json.strip().matches(".*\"name\":\"vDSO clock_gettime monotonic\",\"unit\":\"ns\",\"median\":[0-9.E]+,.*"), json);
    }
}
