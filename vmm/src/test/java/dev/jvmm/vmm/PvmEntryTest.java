package dev.jvmm.vmm;

import dev.jvmm.junit.JvmmTest;
import dev.jvmm.process.ProcessRunner;
import dev.jvmm.vmm.GuestPrograms.Libc;
import dev.jvmm.vmm.Qemu.Environment;
import dev.jvmm.vmm.SignalsTest.Outcome;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The way into the kernel our PVM hosts give every system call, on any machine: there SYSCALL's
 * jump to LSTAR runs in user mode and faults on the kernel's page, RIP = CR2 = LSTAR, and the
 * kernel serves the call from that #PF (docs/kernel.md, "Entry paths and the probe").
 * {@code pvm_syscall.c} makes the jump itself, to {@code syscall_entry}'s address in the image's
 * symbol table, with RCX and R11 as SYSCALL sets them: its arguments, result, flags and a jump
 * one byte off, on QEMU's TCG (where SYSCALL itself is native) and on jvmm.
 */
class PvmEntryTest {
    @TempDir
    static Path dir;

    private static final List<String> EXPECTED = List.of(
            "getppid: as through SYSCALL",
            "write: these bytes",
            "write returned the length: yes",
            "mmap with all six arguments (MAP_FIXED in R10): where asked",
            "munmap: 0",
            "an unknown number: ENOSYS",
            "AC set before the call is set after it: yes",
            "a jump to the byte after it: SIGSEGV");

    private static Path image;
    /** syscall_entry's address (LSTAR) in the bundled image, from its symbol table. */
    private static String lstar;

    @BeforeAll
    static void findLstar() throws Exception {
        image = BundledImage.file(dir);
        ProcessRunner.Result nm = ProcessRunner.of("nm", image.toString()).run();
        assertEquals(0, nm.status(), nm.err());
        lstar = nm.out().lines().map(line -> line.split(" "))
                .filter(fields -> fields.length == 3 && fields[2].equals("syscall_entry"))
                .map(fields -> fields[0]).findFirst().orElseThrow();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.jvmm.vmm.Qemu#tcgAndLibc")
    void aSystemCallIsServedFromItsPageFaultAtLstarOnQemu(Environment environment, Libc libc) throws Exception {
        Qemu.Run qemu = Qemu.run(environment, image, GuestPrograms.build("pvm_syscall", libc), "-- pvm_syscall " + lstar);
        SignalsTest.assertKernelReported(qemu.serial());
        assertEquals(new Outcome(0, EXPECTED), new Outcome(qemu.guestStatus(), ProgramsTest.programOutput(qemu.serial())));
    }

    @JvmmTest
    @ParameterizedTest
    @EnumSource(Libc.class)
    void aSystemCallIsServedFromItsPageFaultAtLstarOnJvmm(Libc libc) throws Exception {
        assertEquals(new Outcome(0, EXPECTED), SignalsTest.onJvmm("pvm_syscall", libc, lstar));
    }
}
