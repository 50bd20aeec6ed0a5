package dev.jvmm.vmm;

import dev.jvmm.junit.JvmmTest;
import dev.jvmm.process.ProcessRunner;
import dev.jvmm.vmm.GuestPrograms.Libc;
import dev.jvmm.vmm.Qemu.Environment;
import dev.jvmm.vmm.boot.ArgumentBlock;
import org.junit.jupiter.api.Test;
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
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The address space (src/test/c/memory.c, pie.c): memory given back and reused, reservations that
 * cost nothing, Linux's answers for munmap, mprotect, mremap, madvise, mincore, msync and brk (the
 * same binary run on the host gives the expected lines), special mappings, OOM, static-pie and
 * ELF32 programs. Each case runs under QEMU's TCG as an Intel and an AMD CPU, and on jvmm.
 */
class MemoryTest {
    @TempDir
    static Path dir;

    /** A memory.c mode and what it must print; null lines: the host's output for the same binary. */
    record Case(String mode, int status, List<String> lines) {
        @Override
        public String toString() {
            return mode;
        }
    }

    static final List<Case> CASES = List.of(
            new Case("churn", 0, List.of("churn: 2000 x 1 MiB ok")),
            new Case("big", 0, List.of("big: 100 MB ok")),
            new Case("reuse", 0, List.of("reuse: 3 x (96 MiB of large pages, then 1500 x 64 KiB) ok")),
            new Case("reserve", 0, List.of(
                    "reserve 1 GiB PROT_NONE: 0",
                    "reserve 64 GiB PROT_NONE: 0",
                    "mprotect 8 MiB of it read-write: 0",
                    "mprotect all 64 GiB read-write (more than RAM): -ENOMEM",
                    "munmap 64 GiB: 0",
                    "munmap 1 GiB: 0")),
            new Case("huge", 0, List.of(
                    "mmap 2^46 read-write: -ENOMEM",
                    "mmap 2^46 read-only: 0",
                    "then mmap 64 MiB read-write: 0",
                    "and touch it: ok")),
            // Linux 6.18 (system mappings sealed): what jvmm answers, documented in docs/kernel.md.
            new Case("special", 0, List.of(
                    "mprotect vvar read-write: -EACCES",
                    "mprotect vvar read-exec: -EACCES",
                    "mprotect vvar none: -EINVAL",
                    "mprotect vvar read: 0",
                    "mprotect vdso read-write: -EINVAL",
                    "mprotect vdso read-exec: 0",
                    "munmap vdso: -EINVAL",
                    "munmap vvar: -EINVAL",
                    "mmap FIXED over vvar: -EINVAL",
                    "mmap FIXED over vdso: -EINVAL",
                    "mremap vvar larger: -EFAULT",
                    "mremap vdso larger: -EFAULT",
                    "mremap vvar elsewhere: -EINVAL",
                    "madvise vvar DONTNEED: -EINVAL",
                    "madvise vdso DONTNEED: 0",
                    "madvise vdso FREE: -EINVAL",
                    "msync vvar: 0",
                    "clock_gettime after all that: 0")),
            new Case("semantics", 0, null),
            new Case("hostile", 0, null),
            // The OOM killer's SIGKILL: 128 + 9.
            new Case("oom", 137, List.of("mmap 1 GiB MAP_NORESERVE: 0")));

    static final String OOM_REPORT = "jvmm-kernel: killed by signal 9 \\(SIGKILL\\) at rip 0x4[0-9a-f]+, address 0x[0-9a-f]+";

    static Stream<Arguments> qemuCases() {
        List<Arguments> cases = new ArrayList<>();
        for (Case c : CASES) {
            for (Libc libc : Libc.values()) {
                for (Environment environment : Qemu.TCG) {
                    cases.add(Arguments.of(c, libc, environment));
                }
            }
        }
        return cases.stream();
    }

    static Stream<Arguments> jvmmCases() {
        List<Arguments> cases = new ArrayList<>();
        for (Case c : CASES) {
            for (Libc libc : Libc.values()) {
                cases.add(Arguments.of(c, libc));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("qemuCases")
    void underQemuTcg(Case c, Libc libc, Environment environment) throws Exception {
        Path program = GuestPrograms.build("memory", libc);
        Qemu.Run qemu = Qemu.run(environment, BundledImage.file(dir), program, "-- memory " + c.mode());
        int status = c.status() >= 128 ? 0x80 | qemu.guestStatus() : qemu.guestStatus();
        check(c, program, status, qemu.serial());
    }

    @JvmmTest(strict = true)
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("jvmmCases")
    void onJvmm(Case c, Libc libc) throws Exception {
        // Longer than ProgramsTest's minute: churn pages 512 MiB in and out through emulated kernel code.
        byte[] module = ArgumentBlock.of(List.of("memory", c.mode()), List.of()).module(GuestPrograms.bytes("memory", libc));
        MachineTest.Run run = MachineTest.boot("", 128L << 20, Duration.ofMinutes(5), module);
        check(c, GuestPrograms.build("memory", libc), ((RunResult.Exited) run.result().outcome()).status(), run.serial());
    }

    private static void check(Case c, Path program, int status, List<String> serial) throws Exception {
        assertEquals(c.status(), status, serial.toString());
        List<String> expected = c.lines() != null ? c.lines() : onTheHost(program, c.mode());
        assertEquals(expected, ProgramsTest.programOutput(serial));
        if (c.status() == 137) {
            String report = serial.get(serial.size() - 2);
            assertTrue(report.matches(OOM_REPORT), report);
        }
        assertTrue(serial.getLast().startsWith("jvmm-kernel: syscalls "), "the kernel reported at the end: " + serial);
    }

    /** The same binary's output on the host's Linux: the specification. */
    static List<String> onTheHost(Path program, String... args) {
        return SignalsTest.onHost(program, Duration.ofSeconds(60), args).output();
    }

    // ---- Static-pie and ELF32 programs ---------------------------------------------------------

    /**
     * pie.c as a static-pie executable (ET_DYN, no PT_INTERP): glibc's gcc -static-pie, and for
     * musl (whose musl-gcc wrapper does not do -static-pie) its rcrt1.o linked by hand.
     */
    static Path staticPie(Libc libc) {
        Path out = dir.resolve("pie-" + libc.name().toLowerCase());
        String source = "src/test/c/pie.c";
        if (libc == Libc.GLIBC) {
            run(List.of("gcc", "-static-pie", "-O2", "-o", out.toString(), source));
        } else {
            String musl = "/usr/lib/x86_64-linux-musl/";
            Path object = dir.resolve("pie-musl.o");
            run(List.of("musl-gcc", "-fPIE", "-O2", "-c", "-o", object.toString(), source));
            run(List.of("ld", "-static", "-pie", "--no-dynamic-linker", "-z", "text", "-o", out.toString(),
                    musl + "rcrt1.o", musl + "crti.o", gccFile("crtbeginS.o"), object.toString(), "-L" + musl, "-lc",
                    gccFile("libgcc.a"), gccFile("crtendS.o"), musl + "crtn.o"));
        }
        return out;
    }

    private static String gccFile(String name) {
        return run(List.of("gcc", "-print-file-name=" + name)).strip();
    }

    /** A build step: its stdout, once it has succeeded within 2 minutes. */
    private static String run(List<String> command) {
        ProcessRunner.Result result = ProcessRunner.of(command).deadline(Duration.ofSeconds(120)).run();
        assertTrue(result.status() == 0, command + " failed: " + result.output());
        return result.out();
    }

    private static void assertRunsRelocated(List<String> output) {
        assertEquals(2, output.size(), output.toString());
        assertTrue(output.get(0).matches("main at 0x5[0-9a-f]{11}"), output.toString());
        assertEquals("relocated pointers", output.get(1));
    }

    @ParameterizedTest
    @EnumSource(Libc.class)
    void staticPieProgramsRunAtARandomBaseUnderQemu(Libc libc) throws Exception {
        Path pie = staticPie(libc);
        Qemu.Run intel = Qemu.run(Environment.TCG_INTEL, BundledImage.file(dir), pie, "-- pie");
        Qemu.Run amd = Qemu.run(Environment.TCG_AMD, BundledImage.file(dir), pie, "-- pie");
        assertEquals(0, intel.guestStatus(), intel.serial().toString());
        assertEquals(0, amd.guestStatus(), amd.serial().toString());
        List<String> first = ProgramsTest.programOutput(intel.serial());
        List<String> second = ProgramsTest.programOutput(amd.serial());
        assertRunsRelocated(first);
        assertRunsRelocated(second);
        assertNotEquals(first.get(0), second.get(0), "the same base on two boots");
    }

    @JvmmTest(strict = true)
    @ParameterizedTest
    @EnumSource(Libc.class)
    void staticPieProgramsRunAtARandomBaseOnJvmm(Libc libc) throws Exception {
        byte[] pie = Files.readAllBytes(staticPie(libc));
        MachineTest.Run first = MachineTest.boot("-- pie", 128L << 20, Duration.ofSeconds(60), pie);
        MachineTest.Run second = MachineTest.boot("-- pie", 128L << 20, Duration.ofSeconds(60), pie);
        assertEquals(new RunResult.Exited(0), first.result().outcome(), first.serial().toString());
        assertEquals(new RunResult.Exited(0), second.result().outcome(), second.serial().toString());
        assertRunsRelocated(ProgramsTest.programOutput(first.serial()));
        assertRunsRelocated(ProgramsTest.programOutput(second.serial()));
        assertNotEquals(ProgramsTest.programOutput(first.serial()).get(0), ProgramsTest.programOutput(second.serial()).get(0));
    }

    static final String ELF32_REFUSED = "jvmm-kernel: cannot run the program: 32-bit programs are not supported";

    /** An i386 executable's ELF header (ELFCLASS32, ET_EXEC, EM_386): all the loader reads of it. */
    static byte[] elf32() {
        byte[] header = new byte[52];
        byte[] ident = {0x7f, 'E', 'L', 'F', 1, 1, 1};
        System.arraycopy(ident, 0, header, 0, ident.length);
        header[16] = 2;                         // e_type ET_EXEC
        header[18] = 3;                         // e_machine EM_386
        header[20] = 1;                         // e_version
        header[40] = 52;                        // e_ehsize
        return header;
    }

    @Test
    void elf32ProgramsAreRefusedAsSuchUnderQemu() throws Exception {
        Path program = Files.write(dir.resolve("i386"), elf32());
        for (Environment environment : Qemu.TCG) {
            Qemu.Run qemu = Qemu.run(environment, BundledImage.file(dir), program, "-- i386");
            assertEquals(127, qemu.guestStatus());
            assertEquals(ELF32_REFUSED, qemu.serial().getLast());
        }
    }

    @JvmmTest(strict = true)
    @Test
    void elf32ProgramsAreRefusedAsSuchOnJvmm() {
        MachineTest.Run run = MachineTest.boot("-- i386", 128L << 20, Duration.ofSeconds(60), elf32());
        assertEquals(new RunResult.Exited(127), run.result().outcome());
        assertEquals(ELF32_REFUSED, run.serial().getLast());
    }
}
