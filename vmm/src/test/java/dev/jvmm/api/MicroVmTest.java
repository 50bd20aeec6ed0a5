package dev.jvmm.api;

import dev.jvmm.junit.Boot;
import dev.jvmm.junit.JvmmTest;
import dev.jvmm.vmm.GuestPrograms;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@JvmmTest
class MicroVmTest {

    @Test
    void runsAProgramAndReportsEverything() {
        Path hello = GuestPrograms.build("hello", GuestPrograms.Libc.GLIBC);
        List<String> streamed = new ArrayList<>();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        VmResult result = MicroVm.builder()
                .program(hello, "a", "b c")
                .entryPath(EntryPath.INT80)
                .memory(64L << 20)
                .timeout(Duration.ofSeconds(30))
                .onSerialLine(streamed::add)
                .serialOutput(bytes)
                .build()
                .run();
        assertEquals(2, result.exitStatus());
        assertEquals(new Outcome.Exited(2), result.outcome());
        assertEquals(result.serialLines(), streamed);
        assertEquals(result.serial(), bytes.toString(StandardCharsets.UTF_8));
        assertTrue(result.serialLines().stream().allMatch(line -> line.startsWith("jvmm-kernel: ")), "COM1: the kernel's report");
        assertEquals("hello from " + hello + "\nargv[1] = \"a\"\nargv[2] = \"b c\"\n", result.stdoutText(), "stdout: the program's");
        assertEquals(List.of("hello from " + hello, "argv[1] = \"a\"", "argv[2] = \"b c\""), result.programLines());
        KernelReport kernel = result.kernel();
        assertEquals("int80", kernel.gate());
        assertEquals(2, kernel.exitStatus());
        assertNull(kernel.killedBySignal());
        assertEquals(1, kernel.syscallCount(231), "exit_group, once");
        assertTrue(kernel.syscallsTotal() >= kernel.syscalls().values().stream().mapToLong(Long::longValue).sum());
        assertTrue(result.exits().total() > 0 && result.exits().byPort().containsKey(0x3f8));
    }

    @BeforeAll
    static void buildTheArgumentPrinter() {
        GuestPrograms.build("argv_env", GuestPrograms.Libc.MUSL);
    }

    @Test
    void theProgramGetsItsArgumentsAsGivenAndTheEnvironment() {
        VmResult result = MicroVm.builder()
                .program(GuestPrograms.build("argv_env", GuestPrograms.Libc.GLIBC), "say \"hi\"", "", "a\\b")
                .env("HOME", "/home/me")
                .env("LINES", "1\n2")
                .build()
                .run();
        assertEquals(0, result.exitStatus(), result.serial());
        String output = result.stdoutText();
        assertTrue(output.contains("argv[1] = \"say \\\"hi\\\"\"\nargv[2] = \"\"\nargv[3] = \"a\\\\b\"\n"
                + "envp[0] = \"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"\n"
                + "envp[1] = \"HOME=/home/me\"\nenvp[2] = \"LINES=1\\n2\"\n"), output);
    }

    @Test
    void bootTakesAnEnvironment(@Boot(program = "target/guest-programs/musl/argv_env", args = "x y", env = "ONLY=1",
            clearEnv = true) VmResult result) {
        assertEquals(0, result.exitStatus(), result.serial());
        assertTrue(result.stdoutText().contains("argv[1] = \"x y\"\nenvp[0] = \"ONLY=1\"\n"), result.stdoutText());
        assertTrue(result.programLines().stream().anyMatch(line -> line.startsWith("argc 2 envc 1 ")), result.stdoutText());
    }

    @Test
    void aDeadGuestIsAResultAndABadImageIsAnError() {
        VmResult died = MicroVm.builder().cmdline("test=triple-fault").build().run();
        assertEquals(126, died.exitStatus());
        assertInstanceOf(Outcome.GuestDied.class, died.outcome());
        JvmmException bad = assertThrows(JvmmException.class, () -> MicroVm.builder().image("junk", new byte[10]).build());
        assertTrue(bad.getMessage().startsWith("bad image junk: not an ELF file"), bad.getMessage());
        assertThrows(JvmmException.class, () -> MicroVm.builder().memory(1));
        assertThrows(IllegalArgumentException.class, () -> MicroVm.builder().builtInProgram("rogue"));
    }

    @Test
    void theCaptureIsBoundedButTheStreamIsNot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        VmResult result = MicroVm.builder().builtInProgram("demo").captureLimit(100).stdout(bytes).build().run();
        assertEquals(100, result.stdout().length);
        assertTrue(bytes.size() > 500, "streamed " + bytes.size() + " bytes: all of it, not just the 100 kept");
        assertArrayEquals(Arrays.copyOf(bytes.toByteArray(), 100), result.stdout());
    }
}
