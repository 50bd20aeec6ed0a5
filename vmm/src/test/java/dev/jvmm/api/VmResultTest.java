package dev.jvmm.api;

import dev.jvmm.vmm.RunResult;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class VmResultTest {
    private static VmResult result(String serial) {
        return new VmResult(0, new RunResult.Exited(0), serial, KernelReport.parse(serial.lines().toList()),
                new RunResult.ExitStatistics(0, Map.of(), Map.of(), Map.of(), 0), Duration.ZERO, new RunResult.HostClock(0, 0));
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
