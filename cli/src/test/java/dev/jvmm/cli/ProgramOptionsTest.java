package dev.jvmm.cli;

import dev.jvmm.process.ProcessRunner;
import dev.jvmm.vmm.BundledImage;
import dev.jvmm.vmm.GuestPrograms;
import dev.jvmm.vmm.Qemu;
import dev.jvmm.vmm.boot.ArgumentBlock;
import dev.jvmm.vmm.boot.ArgumentBlockTest;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The program's arguments and environment on jvmm's command line: `jvmm run` refuses bad ones with
 * status 125 and one line before anything boots (no KVM needed), and `jvmm initrd` writes them
 * for QEMU, which then runs the program with them.
 */
class ProgramOptionsTest {
    @TempDir
    static Path dir;

    record Result(int status, String err) {}

    static Result jvmm(String... args) {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            return new Result(Jvmm.execute(args), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(saved);
        }
    }

    static void assertRefused(String message, String... args) {
        Result result = jvmm(args);
        assertEquals(new Result(Jvmm.JVMM_FAILED, message + "\n"), result);
    }

    @Test
    void badEnvironmentSettingsAreRefused() {
        assertRefused("jvmm: environment setting \"NOVALUE\" is not NAME=VALUE", "run", "--env", "NOVALUE", "--", "demo");
        assertRefused("jvmm: an environment variable's name may not be empty", "run", "-e", "=value", "--", "demo");
        assertRefused("jvmm: environment setting \"\" is not NAME=VALUE", "run", "--env", "", "--", "demo");
    }

    @Test
    void tooMuchIsRefusedAsExecveWould() {
        assertRefused("jvmm: argv[1] is 131073 bytes with its NUL; Linux's execve takes at most 131072 per string "
                + "(MAX_ARG_STRLEN): argument list too long", "run", "--", "demo", "x".repeat(ArgumentBlock.MAX_ARG_STRLEN));
        String[] args = new String[3 + 22];
        args[0] = "run";
        args[1] = "--";
        args[2] = "demo";
        for (int i = 3; i < args.length; i++) {
            args[i] = "y".repeat(100_000);
        }
        assertRefused("jvmm: argv and the environment take 2200304 bytes (23 arguments, 2 variables: their strings and "
                + "8-byte pointers); Linux's execve takes at most 2097152 (a quarter of the 8 MiB stack limit): argument list too long",
                args);
        assertRefused("jvmm: environment variable BIG is 131077 bytes with its NUL; Linux's execve takes at most 131072 per "
                + "string (MAX_ARG_STRLEN): argument list too long", "run", "--env", "BIG=" + "z".repeat(ArgumentBlock.MAX_ARG_STRLEN),
                "--", "demo");
    }

    @Test
    void initrdWritesTheBlockAndTheProgramForQemu() throws Exception {
        Path program = GuestPrograms.build("argv_env", GuestPrograms.Libc.MUSL);
        Path initrd = dir.resolve("initrd");
        assertEquals(new Result(0, ""), jvmm("initrd", "-e", "GREETING=a \"quoted\" value", "-o", initrd.toString(), "--",
                program.toString(), "say \"hi\"", "", "back\\slash"));
        Qemu.Run qemu = Qemu.run(Qemu.Environment.TCG_INTEL, BundledImage.file(dir), initrd, "");
        assertEquals(0, qemu.guestStatus(), qemu.serial().toString());
        List<String> output = qemu.serial().stream().filter(line -> !line.startsWith("jvmm-kernel: ")).toList();
        assertEquals(List.of(
                "argv[0] = \"" + program + "\"",
                "argv[1] = \"say \\\"hi\\\"\"",
                "argv[2] = \"\"",
                "argv[3] = \"back\\\\slash\"",
                "envp[0] = \"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"",
                "envp[1] = \"HOME=/root\"",
                "envp[2] = \"GREETING=a \\\"quoted\\\" value\""), output.subList(3, output.size()));
        assertTrue(output.getFirst().startsWith("argc 4 envc 3 "), output.toString());
    }

    @Test
    void bytesThatAreNotTextReachTheBlockAsGivenInAnyLocale() throws Exception {
        for (String locale : List.of("C", "C.UTF-8")) {
            Path initrd = dir.resolve("initrd-" + locale);
            List<String> command = new ArrayList<>(List.of("bash", "-c",
                    "exec \"$@\" -e $'B=\\xfe\\xc3\\xa9' --env=$'C=\\xff' -- demo $'\\xff' $'h\\xc3\\xa9llo' ''", "bash"));
            command.addAll(JvmmCommandTest.jvmmCommand(List.of(), "initrd", "--clear-env", "-o", initrd.toString()));
            Map<String, String> environment = new HashMap<>(System.getenv());
            environment.put("LC_ALL", locale);
            ProcessRunner.Result result = ProcessRunner.of(command).environment(environment).deadline(Duration.ofSeconds(60)).run();
            assertEquals(0, result.status(), result.output());
            byte[] block = Files.readAllBytes(initrd);
            ByteArrayOutputStream strings = new ByteArrayOutputStream();
            strings.writeBytes(new byte[]{'d', 'e', 'm', 'o', 0, (byte) 0xff, 0, 'h', (byte) 0xc3, (byte) 0xa9, 'l', 'l', 'o', 0, 0,
                    'B', '=', (byte) 0xfe, (byte) 0xc3, (byte) 0xa9, 0, 'C', '=', (byte) 0xff, 0});
            int area = 32 + 4 * 6;
            assertArrayEquals(strings.toByteArray(), Arrays.copyOfRange(block, area, area + strings.size()), locale);
        }
    }

    /**
     * jvmm's rule for PROGRAM: the name of a built-in program runs it, unless the current directory
     * has a file of that name, or an initramfs is given; then the file (the module carries it).
     */
    @Test
    void aBuiltInProgramsNameIsAFileWhenTheCurrentDirectoryHasOne() throws Exception {
        Path builtIn = dir.resolve("built-in");
        assertEquals(new Result(0, ""), jvmm("initrd", "-o", builtIn.toString(), "--", "demo", "x"));
        assertEquals(Files.size(builtIn), ArgumentBlockTest.decode(Files.readAllBytes(builtIn)).programOffset(), "no program after the block");
        Path cwd = Files.createDirectories(dir.resolve("cwd"));
        Files.writeString(cwd.resolve("demo"), "a file named demo");
        Path file = dir.resolve("file");
        ProcessRunner.Result result = ProcessRunner.of(JvmmCommandTest.jvmmCommand(List.of(), "initrd", "-o", file.toString(), "--", "demo", "x"))
                .directory(cwd).deadline(Duration.ofSeconds(60)).run();
        assertEquals(0, result.status(), result.output());
        byte[] module = Files.readAllBytes(file);
        int offset = ArgumentBlockTest.decode(module).programOffset();
        assertEquals("a file named demo", new String(module, offset, module.length - offset, StandardCharsets.UTF_8));
        Path archive = dir.resolve("etc.cpio");
        try (CpioArchiveOutputStream out = new CpioArchiveOutputStream(Files.newOutputStream(archive), CpioConstants.FORMAT_NEW)) {
            InitrdOptionTest.put(out, "etc", CpioConstants.C_ISDIR | 0755, new byte[0]);
        }
        assertRefused("jvmm: program demo does not exist", "initrd", "--initrd", archive.toString(), "-o", dir.resolve("x").toString(),
                "--", "demo");
    }

    @Test
    void initrdNeedsAProgramAndAnOutput() {
        assertRefused("jvmm: jvmm initrd needs a program: jvmm initrd -o FILE -- PROGRAM [ARGS...]",
                "initrd", "-o", dir.resolve("x").toString());
        assertEquals(Jvmm.JVMM_FAILED, jvmm("initrd", "--", "demo").status());
    }

    @Test
    void theKernelCommandLineMayNotCarryArgvBesideAProgram() {
        assertRefused("jvmm: the kernel command line may not hold the word \"--\" when a program is given: jvmm passes the "
                + "program's argv itself (give the arguments after the program)", "run", "--cmdline", "-- demo x");
    }
}
