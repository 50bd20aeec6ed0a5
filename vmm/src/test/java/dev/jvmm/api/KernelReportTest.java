package dev.jvmm.api;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class KernelReportTest {
    @Test
    void readsTheBootReportOfAProgramThatWasKilled() {
        KernelReport report = KernelReport.parse(List.of(
                "jvmm-kernel: booted in long mode (PVH start_info v1)",
                "jvmm-kernel: cpu GenuineIntel, memory 127 MiB",
                "jvmm-kernel: cmdline \"-- hostile null\"",
                "jvmm-kernel: clock tsc 2595733 kHz, calibrated against the PIT; timer xapic one-shot 995709 kHz",
                "jvmm-kernel: entry cpu=GenuineIntel syscall=native sysenter=native int80=native gate=sysenter",
                "jvmm-kernel: phases first=0 long=4 tables=38 clock=390 probe=1210 user=1932 (us)",
                "hostile: null",
                "jvmm-kernel: killed by signal 11 (SIGSEGV) at rip 0x401572, address 0x0",
                "jvmm-kernel: syscalls 24 (1 x2, 12 x5, 231 x1), unimplemented 6: 131 sigaltstack (x2), 234 tgkill (x1), 335 (x2), >=512 (x1)"));
        assertEquals("GenuineIntel", report.cpuVendor());
        assertEquals("tsc 2595733 kHz, calibrated against the PIT", report.clock());
        assertEquals("xapic one-shot 995709 kHz", report.timer());
        assertEquals(Map.of("syscall", "native", "sysenter", "native", "int80", "native"), report.entryPaths());
        assertEquals("sysenter", report.gate());
        assertEquals(List.of("first", "long", "tables", "clock", "probe", "user"), List.copyOf(report.bootPhases().keySet()));
        assertEquals(List.of(0L, 4L, 38L, 390L, 1210L, 1932L), List.copyOf(report.bootPhases().values()));
        assertNull(report.exitStatus());
        assertEquals(11, report.killedBySignal());
        assertEquals(24, report.syscallsTotal());
        assertEquals(Map.of(1, 2L, 12, 5L, 231, 1L), report.syscalls());
        assertEquals(Map.of(131, 2L, 234, 1L, 335, 2L, -1, 1L), report.unimplemented());
        assertEquals(Map.of(131, "sigaltstack", 234, "tgkill"), report.unimplementedNames(),
                "named by Linux's names; 335 and the numbers at or above 512 have none");
        assertEquals(2, report.syscallCount(131));
        assertEquals(1, report.syscallCount(234));
        assertEquals(0, report.syscallCount(228));
    }

    @Test
    void theClockLineEndsWithTheTimerWhenThereIsOne() {
        KernelReport none = KernelReport.parse(List.of("jvmm-kernel: clock kvm-clock; timer none (no local APIC)"));
        assertEquals("kvm-clock", none.clock());
        assertEquals("none (no local APIC)", none.timer());
        KernelReport unstable = KernelReport.parse(List.of(
                "jvmm-kernel: clock kvm-clock (TSC not stable: the vDSO makes system calls); timer x2apic tsc-deadline"));
        assertEquals("kvm-clock (TSC not stable: the vDSO makes system calls)", unstable.clock());
        assertEquals("x2apic tsc-deadline", unstable.timer());
        KernelReport older = KernelReport.parse(List.of("jvmm-kernel: clock kvm-clock"));
        assertEquals("kvm-clock", older.clock());
        assertNull(older.timer());
    }

    @Test
    void theExitReportGluedToAProgramsLastLineIsRead() {
        KernelReport report = KernelReport.parse(List.of("jvmm-kernel: booted in long mode (PVH start_info v1)",
                "no newline at the endjvmm-kernel: exit 7", "jvmm-kernel: syscalls 2 (1 x1, 231 x1), unimplemented 0"));
        assertEquals(7, report.exitStatus());
        assertEquals(2, report.syscallsTotal());
        assertEquals(Map.of(), report.bootPhases(), "a report without a phases line (exit=N, another image) has none");
    }

    @Test
    void anImageThatIsNotJvmmsKernelReportsNothing() {
        KernelReport report = KernelReport.parse(List.of("hello", "world"));
        assertNull(report.gate());
        assertEquals(Map.of(), report.entryPaths());
        assertEquals(0, report.syscallsTotal());
        assertEquals(Map.of(), report.unimplementedNames());
    }

    @Test
    void aReportWithNothingUnimplementedHasNoNames() {
        KernelReport report = KernelReport.parse(List.of("jvmm-kernel: exit 0",
                "jvmm-kernel: syscalls 6 (16 x1, 20 x2, 158 x1, 218 x1, 231 x1), unimplemented 0"));
        assertEquals(0, report.exitStatus());
        assertEquals(Map.of(16, 1L, 20, 2L, 158, 1L, 218, 1L, 231, 1L), report.syscalls());
        assertEquals(Map.of(), report.unimplemented());
        assertEquals(Map.of(), report.unimplementedNames());
    }
}
