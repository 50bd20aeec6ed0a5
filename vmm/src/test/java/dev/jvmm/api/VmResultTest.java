package dev.jvmm.api;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VmResultTest {
    private static VmResult result(String serial) {
        return result(Console.SERIAL, serial, new byte[0], new byte[0]);
    }

    private static VmResult result(Console console, String serial, byte[] stdout, byte[] stderr) {
        return new VmResult(0, new Outcome.Exited(0), console, serial, stdout, stderr, KernelReport.parse(serial.lines().toList()),
                new ExitStatistics(0, Map.of(), Map.of(), Map.of(), 0), Duration.ZERO, new HostClock(0, 0, false), List.of());
    }

    @Test
    void withTheVirtioConsoleProgramLinesAreStdoutsAndTheSerialIsTheKernelsReport() {
        String serial = """
                jvmm-kernel: booted in long mode (PVH start_info v1)
                jvmm-kernel: exit 0
                jvmm-kernel: syscalls 3 (1 x2, 231 x1), unimplemented 0
                """;
        VmResult result = result(Console.VIRTIO, serial, "out 1\nno newline".getBytes(StandardCharsets.UTF_8),
                "err\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("out 1", "no newline"), result.programLines());
        assertEquals("err\n", result.stderrText());
        assertEquals(3, result.serialLines().size());
        assertEquals(0, result.kernel().exitStatus(), "the exit line is never glued to the program's output");
        String json = result.toJson();
        assertTrue(json.contains("\"console\":\"virtio\",\"stdout\":\"out 1\\nno newline\",\"stderr\":\"err\\n\","), json);
    }

    @Test
    void programLinesLeaveTheKernelsReportOut() {
        VmResult result = result("""
                jvmm-kernel: booted in long mode (PVH start_info v1)
                jvmm-kernel: entry cpu=AuthenticAMD syscall=emulated sysenter=emulated int80=emulated gate=syscall
                hello, world
                
                  jvmm-kernel: is not at the start: the program's
                last words without a newlinejvmm-kernel: exit 0
                jvmm-kernel: syscalls 3 (1 x2, 231 x1), unimplemented 0
                """);
        assertEquals(List.of("hello, world", "", "  jvmm-kernel: is not at the start: the program's",
                "last words without a newline"), result.programLines());
        assertEquals(7, result.serialLines().size());
        assertEquals(0, result.kernel().exitStatus());
        assertEquals("syscall", result.kernel().gate());
    }

    @Test
    void anotherKernelsOutputIsAllProgramLines() {
        assertEquals(List.of("Linux version 6.1", "done"), result("Linux version 6.1\ndone\n").programLines());
    }
}
