package dev.jvmm.vmm.corpus;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** How the corpus reads a guest's console: the program's text, and the status the kernel reported. */
class GuestOutputTest {
    static final List<String> BOOT = List.of(
            "jvmm-kernel: booted in long mode (PVH start_info v1)",
            "jvmm-kernel: cpu GenuineIntel, memory 127 MiB",
            "jvmm-kernel: cmdline \"-- busybox printf x\"",
            "jvmm-kernel: clock tsc",
            "jvmm-kernel: entry cpu=GenuineIntel syscall=native sysenter=native int80=native gate=syscall");

    static List<String> serial(List<String> program, String... end) {
        return Stream.of(BOOT, program, List.of(end)).flatMap(List::stream).toList();
    }

    @Test
    void theProgramsLinesAreWhatIsNotTheKernels() {
        List<String> serial = serial(List.of("one", "", "three"), "jvmm-kernel: exit 0",
                "jvmm-kernel: syscalls 5 (1 x5), unimplemented 0");
        assertEquals("one\n\nthree\n", Guest.programOutput(serial));
        assertEquals(0, Guest.reportedStatus(serial));
    }

    @Test
    void outputWithoutAFinalNewlineEndsWhereTheExitReportBegins() {
        List<String> serial = serial(List.of("first", "no newline at the endjvmm-kernel: exit 3"),
                "jvmm-kernel: syscalls 5 (1 x5), unimplemented 0");
        assertEquals("first\nno newline at the end", Guest.programOutput(serial));
        assertEquals(3, Guest.reportedStatus(serial));
    }

    @Test
    void aKilledProgramsStatusIs128PlusTheSignal() {
        List<String> serial = serial(List.of("about to abort"),
                "jvmm-kernel: killed by signal 6 (SIGABRT) at rip 0x401000, address 0x0",
                "jvmm-kernel: syscalls 5 (1 x5), unimplemented 0");
        assertEquals("about to abort\n", Guest.programOutput(serial));
        assertEquals(134, Guest.reportedStatus(serial));
    }

    @Test
    void aProgramThatNeverRanHasNoOutputAndNoReportedStatus() {
        List<String> serial = serial(List.of(), "jvmm-kernel: cannot run the program: position-independent executable");
        assertEquals("", Guest.programOutput(serial));
        assertNull(Guest.reportedStatus(serial));
    }
}
