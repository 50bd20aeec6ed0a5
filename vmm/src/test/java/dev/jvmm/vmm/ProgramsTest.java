package dev.jvmm.vmm;

import dev.jvmm.junit.JvmmTest;
import dev.jvmm.process.ProcessRunner;
import dev.jvmm.vmm.GuestPrograms.Libc;
import dev.jvmm.vmm.boot.ArgumentBlock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Unmodified static musl and glibc programs as the guest's user process, on jvmm. */
@JvmmTest
class ProgramsTest {

    static MachineTest.Run run(String program, Libc libc, String... args) {
        return MachineTest.boot("", 128L << 20, Duration.ofSeconds(60), module(program, libc, args));
    }

    /** The program after an argument block with argv = {program, args...} and no environment, as jvmm passes it. */
    static byte[] module(String program, Libc libc, String... args) {
        List<String> argv = new ArrayList<>(List.of(program));
        argv.addAll(List.of(args));
        return ArgumentBlock.of(argv, List.of()).module(GuestPrograms.bytes(program, libc));
    }

    /** The program's own output: what follows the boot report, up to the kernel's exit lines. */
    static List<String> programOutput(List<String> serial) {
        return serial.stream().filter(line -> !line.startsWith("jvmm-kernel: ")).toList();
    }

    @ParameterizedTest
    @EnumSource(Libc.class)
    void helloPrintsItsArgumentsAndItsStatusIsTheVmsStatus(Libc libc) {
        MachineTest.Run run = run("hello", libc, "one", "two words", "", "say \"hi\" \\o/");
        assertEquals(new RunResult.Exited(4), run.result().outcome());
        assertEquals(List.of("hello from hello", "argv[1] = \"one\"", "argv[2] = \"two words\"", "argv[3] = \"\"",
                        "argv[4] = \"say \"hi\" \\o/\""),
                programOutput(run.serial()));
        assertEquals("jvmm-kernel: exit 4", run.serial().get(run.serial().size() - 2));
        assertTrue(run.serial().getLast().matches("jvmm-kernel: syscalls \\d+ \\(.*\\), unimplemented 0"), run.serial().getLast());
    }

    @ParameterizedTest
    @EnumSource(Libc.class)
    void systemCallsBehaveAsOnLinux(Libc libc) {
        MachineTest.Run run = run("syscalls", libc);
        assertEquals(new RunResult.Exited(0), run.result().outcome(), run.serial().toString());
        List<String> output = programOutput(run.serial());
        for (String expected : List.of(
                "uname: Linux x86_64 6.1.0-jvmm",
                "ids: pid 1 ppid 0 uid 0 gid 0 euid 0 egid 0",
                "malloc: ok ok",
                "mmap: ok zero-filled yes",
                "mprotect read-only: 0",
                "munmap: 0",
                "mmap of stdin: -ENODEV",
                "mmap of write-only stdout: -EACCES",
                "mprotect of unmapped memory: -ENOMEM",
                "write to stdout: 0",
                "write to fd 7: -EBADF",
                "write from kernel memory: -EFAULT",
                "read into kernel memory: -EFAULT",
                "read from stdin: 0",
                "open: -ENOENT",
                "open with a kernel pointer: -EFAULT",
                "fstat stdout: 0",
                "stdout is a character device",
                "fstat into kernel memory: -EFAULT",
                "isatty: -ENOTTY",
                "lseek stdout: -ESPIPE",
                "readlink: 0",
                "nanosleep: 0",
                "monotonic clock advanced across the sleep: yes",
                "realtime after 2020: yes",
                "clock_gettime of a bad clock: -EINVAL",
                "stack limit: 8 MiB",
                "getrandom: 32",
                "random bytes are not all zero: yes",
                "an unknown system call: -ENOSYS",
                "arch_prctl with a kernel address: -EPERM",
                "rt_sigaction: 0",
                "rt_sigaction of SIGKILL: -EINVAL",
                "a 256 KiB stack array: ok")) {
            assertTrue(output.contains(expected), "missing '" + expected + "' in " + output);
        }
        assertTrue(run.serial().getLast().endsWith("), unimplemented 1: >=512 (x1)"),
                "only the deliberately unknown call is unimplemented: " + run.serial().getLast());
    }

    @Test
    void dynamicallyLinkedProgramsAreRefusedWithAReason(@TempDir Path dir) throws Exception {
        Path dynamic = dir.resolve("dynamic");
        ProcessRunner.Result gcc = ProcessRunner.of("gcc", "-o", dynamic.toString(), "src/test/c/hello.c").run();
        assertEquals(0, gcc.status(), gcc.output());
        MachineTest.Run run = MachineTest.boot("-- dynamic", 128L << 20, Duration.ofSeconds(60), Files.readAllBytes(dynamic));
        assertEquals(new RunResult.Exited(127), run.result().outcome());
        assertEquals("jvmm-kernel: cannot run the program: dynamically linked (it has a PT_INTERP); jvmm runs static "
                + "executables", run.serial().getLast());
    }
}
