package dev.jvmm.vmm;

import dev.jvmm.junit.JvmmTest;
import dev.jvmm.vmm.GuestPrograms.Libc;
import dev.jvmm.vmm.Qemu.Environment;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile user programs (src/test/c/hostile.c), each on jvmm and under QEMU's TCG, with the
 * outcome Linux gives: an errno, or death by the signal Linux sends. The kernel survives to
 * report it, and the VM's exit status says what happened.
 */
@JvmmTest
class HostileProgramsTest {
    @TempDir
    static Path dir;

    /** A case that kills the process: the signal, and patterns for the reported RIP and address. */
    record Death(String how, int signal, String name, String rip, String address) {
        String report() {
            return "jvmm-kernel: killed by signal " + signal + " \\(" + name + "\\) at rip " + rip + ", address " + address;
        }
    }

    static final String PROGRAM_RIP = "0x4[0-9a-f]+";
    static final String KERNEL = "0xffffffff80100000";

    static final String VDSO_AREA = "0x7ff[0-9a-f]{9}";

    static final List<Death> DEATHS = List.of(
            new Death("null", 11, "SIGSEGV", PROGRAM_RIP, "0x0"),
            new Death("ud2", 4, "SIGILL", PROGRAM_RIP, PROGRAM_RIP),
            new Death("divide", 8, "SIGFPE", PROGRAM_RIP, PROGRAM_RIP),
            new Death("write-text", 11, "SIGSEGV", PROGRAM_RIP, PROGRAM_RIP),
            new Death("write-vdso", 11, "SIGSEGV", PROGRAM_RIP, VDSO_AREA),
            new Death("write-vvar", 11, "SIGSEGV", PROGRAM_RIP, VDSO_AREA),
            new Death("kernel-read", 11, "SIGSEGV", PROGRAM_RIP, KERNEL),
            new Death("kernel-write", 11, "SIGSEGV", PROGRAM_RIP, KERNEL),
            new Death("kernel-exec", 11, "SIGSEGV", KERNEL, KERNEL),
            new Death("exec-stack", 11, "SIGSEGV", "0x7ffffff[0-9a-f]+", "0x7ffffff[0-9a-f]+"),
            new Death("hlt", 11, "SIGSEGV", PROGRAM_RIP, "0x0"),
            new Death("cli", 11, "SIGSEGV", PROGRAM_RIP, "0x0"),
            new Death("in", 11, "SIGSEGV", PROGRAM_RIP, "0x0"),
            new Death("out", 11, "SIGSEGV", PROGRAM_RIP, "0x0"),
            new Death("wrmsr", 11, "SIGSEGV", PROGRAM_RIP, "0x0"),
            new Death("mov-cr3", 11, "SIGSEGV", PROGRAM_RIP, "0x0"),
            new Death("lgdt", 11, "SIGSEGV", PROGRAM_RIP, "0x0"),
            new Death("syscall-at-the-end", 11, "SIGSEGV", "0x7ffffffff000", "0x7ffffffff000"),
            new Death("stack-overflow", 11, "SIGSEGV", PROGRAM_RIP, "0x7ffff[0-9a-f]{7}"));

    static final List<String> BAD_ARGUMENTS = List.of(
            "write from a kernel pointer: -EFAULT",
            "write from an unmapped pointer: -EFAULT",
            "write of a huge length: -EFAULT",
            "write of a length that wraps: -EFAULT",
            "writev with a kernel iovec: -EFAULT",
            "writev with a huge count: -EINVAL",
            "writev of kernel memory: -EFAULT",
            "clock_gettime into the kernel: -EFAULT",
            "uname into an unmapped page: -EFAULT",
            "getrandom into the kernel: -EFAULT",
            "open of an unmapped path: -EFAULT",
            "mmap of 2^46 bytes: 0",               // read-only: not charged, as on Linux
            "mmap over the kernel: -ENOMEM",
            "munmap of the kernel: -EINVAL",
            "mprotect of the kernel: -ENOMEM",
            "system call -1: -ENOSYS",
            "system call 0x7fffffff: -ENOSYS",
            "system call 600: -ENOSYS",
            "FS base in the kernel: -EPERM",
            "FS base non-canonical: -EPERM",
            "mmap of the last page below the canonical boundary: -ENOMEM",
            "the kernel survived");

    static Stream<Arguments> deaths() {
        List<Arguments> cases = new ArrayList<>();
        for (Death death : DEATHS) {
            for (Libc libc : Libc.values()) {
                cases.add(Arguments.of(death, libc));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("deaths")
    void onJvmmTheProcessDiesOfLinuxsSignal(Death death, Libc libc) {
        MachineTest.Run run = ProgramsTest.run("hostile", libc, death.how());
        assertDied(death, ((RunResult.Exited) run.result().outcome()).status(), run.serial());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deaths")
    void underQemuTcgTheProcessDiesTheSameWay(Death death, Libc libc) throws Exception {
        // glibc programs on the Intel model, musl programs on the AMD model.
        Environment environment = libc == Libc.GLIBC ? Environment.TCG_INTEL : Environment.TCG_AMD;
        Qemu.Run qemu = Qemu.run(environment, BundledImage.file(dir), GuestPrograms.build("hostile", libc), "-- hostile " + death.how());
        // isa-debug-exit leaves QEMU's 8-bit status room for the guest's low 7 bits; a death is 128 + n.
        assertDied(death, 0x80 | qemu.guestStatus(), qemu.serial());
    }

    private static void assertDied(Death death, int status, List<String> serial) {
        assertEquals(128 + death.signal(), status, serial.toString());
        String report = serial.get(serial.size() - 2);
        assertTrue(report.matches(death.report()), report + " does not match " + death.report());
        assertTrue(serial.getLast().startsWith("jvmm-kernel: syscalls "), "the kernel reported after the death: " + serial);
    }

    @ParameterizedTest
    @EnumSource(Libc.class)
    void badSystemCallArgumentsGetLinuxsErrnos(Libc libc) throws Exception {
        MachineTest.Run run = ProgramsTest.run("hostile", libc, "bad-arguments");
        assertEquals(new RunResult.Exited(0), run.result().outcome(), run.serial().toString());
        assertEquals(BAD_ARGUMENTS, ProgramsTest.programOutput(run.serial()).subList(1, BAD_ARGUMENTS.size() + 1));
        Path initrd = Files.write(dir.resolve("hostile-" + libc), ProgramsTest.module("hostile", libc, "bad-arguments"));
        Qemu.Run qemu = Qemu.run(Environment.TCG_INTEL, BundledImage.file(dir), initrd, "");
        assertEquals(0, qemu.guestStatus());
        assertEquals(QemuDifferentialTest.withoutCpu(run.serial()), QemuDifferentialTest.withoutCpu(qemu.serial()));
    }

    static final List<String> FORK_BOMB = List.of(
            "fork failed: EAGAIN",
            "all reaped: yes",
            "zombies until fork failed: many, EAGAIN",
            "zombies left: 0, fork works again: yes");

    /** The process limit (docs/kernel.md, PROCESS_MAX) stops a fork bomb and a zombie flood with EAGAIN. */
    @ParameterizedTest
    @EnumSource(Libc.class)
    void aForkBombAndAZombieFloodGetEagainAndTheKernelLives(Libc libc) throws Exception {
        MachineTest.Run run = ProgramsTest.run("hostile", libc, "fork-bomb");
        assertEquals(new RunResult.Exited(0), run.result().outcome(), run.serial().toString());
        assertEquals(FORK_BOMB, ProgramsTest.programOutput(run.serial()).subList(1, FORK_BOMB.size() + 1));
        Path initrd = Files.write(dir.resolve("fork-bomb-" + libc), ProgramsTest.module("hostile", libc, "fork-bomb"));
        Qemu.Run qemu = Qemu.run(Environment.TCG_AMD, BundledImage.file(dir), initrd, "");
        assertEquals(0, qemu.guestStatus(), qemu.serial().toString());
        assertEquals(FORK_BOMB, ProgramsTest.programOutput(qemu.serial()).subList(1, FORK_BOMB.size() + 1));
    }

    @ParameterizedTest
    @EnumSource(Libc.class)
    void aProgramSpinningInUserModeIsStoppedAtTheTimeout(Libc libc) {
        Duration timeout = Duration.ofMillis(500);
        MachineTest.Run run = MachineTest.boot("-- hostile spin", 128L << 20, timeout, GuestPrograms.bytes("hostile", libc));
        assertEquals(new RunResult.TimedOut(timeout), run.result().outcome());
        assertTrue(run.result().elapsed().compareTo(timeout.plusSeconds(2)) < 0, "stopped late: " + run.result().elapsed());
    }
}
