package dev.jvmm.vmm;

import dev.jvmm.junit.JvmmTest;
import dev.jvmm.process.ProcessRunner;
import dev.jvmm.vmm.GuestPrograms.Libc;
import dev.jvmm.vmm.Qemu.Environment;
import dev.jvmm.vmm.boot.ArgumentBlock;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * argv and envp reach the program byte for byte, through the argument block: the argv_env
 * program prints what it got (counts, a checksum of every byte, each string escaped), in the guest
 * under QEMU TCG as an Intel and an AMD CPU and on jvmm, and on the host, started with the same
 * bytes by exec_block (which reads the same block). The outputs must be the same.
 */
class ArgvEnvTest {
    @TempDir
    static Path dir;

    /** One set of arguments and environment; "--summary" as argv[1] prints only counts and checksum. */
    record Case(String name, List<byte[]> args, List<byte[]> envp) {
        @Override
        public String toString() {
            return name;
        }
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static List<byte[]> repeat(int count, String format) {
        List<byte[]> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(b(String.format(format, i)));
        }
        return list;
    }

    static List<byte[]> concat(List<byte[]> first, List<byte[]> second) {
        List<byte[]> list = new ArrayList<>(first);
        list.addAll(second);
        return list;
    }

    static Stream<Case> cases() {
        byte[] longest = b("x".repeat(ArgumentBlock.MAX_ARG_STRLEN - 1));
        return Stream.of(
                new Case("quotes, backslashes, spaces, newlines, empty strings",
                        List.of(b("say \"hi\""), b("back\\slash\\"), b("two words"), b(" "), b(""), b("line\nbreak\r\n"),
                                b("tab\there"), b("\""), b("--"), b("-- x"), b("")),
                        List.of(b("QUOTE=\"x\" 'y'"), b("EMPTY="), b("SPACES=a b  c"), b("NEWLINE=1\n2"), b("EQUALS=a=b=c"))),
                new Case("non-ASCII bytes",
                        List.of(b("héllo wörld"), b("日本語"), new byte[]{(byte) 0xff, (byte) 0xfe, (byte) 0x80},
                                new byte[]{1, 2, 0x7f, 0x1b, '[', 'm'}),
                        List.of(b("LANG=C.UTF-8"), new byte[]{'B', '=', (byte) 0xc3, (byte) 0x28, (byte) 0xa0})),
                new Case("one string of 128 KiB, the longest Linux takes", List.of(b("--summary"), longest), List.of(b("A=1"))),
                new Case("1,000 arguments", repeat(1000, "argument %d"), List.of()),
                new Case("a large environment", List.of(b("--summary")),
                        repeat(2000, "VARIABLE_%04d=" + "v".repeat(100))),
                new Case("1.5 MiB of arguments and environment",
                        concat(List.of(b("--summary")), repeat(8, "%d" + "a".repeat(100_000))),
                        repeat(6, "E%d=" + "e".repeat(120_000))));
    }

    static byte[] block(Path program, Case c) {
        List<byte[]> argv = new ArrayList<>(List.of(b(program.toAbsolutePath().toString())));
        argv.addAll(c.args());
        return ArgumentBlock.ofBytes(argv, c.envp()).bytes();
    }

    static byte[] module(Path program, Case c) throws IOException {
        List<byte[]> argv = new ArrayList<>(List.of(b(program.toAbsolutePath().toString())));
        argv.addAll(c.args());
        return ArgumentBlock.ofBytes(argv, c.envp()).module(Files.readAllBytes(program));
    }

    /** The program's own output on the host, started with exactly the block's argv and envp. */
    static List<String> onHost(Path program, Case c) throws Exception {
        Path block = Files.write(dir.resolve("block-" + Math.abs(c.name().hashCode())), block(program, c));
        Path launcher = GuestPrograms.build("exec_block", Libc.GLIBC);
        ProcessRunner.Result result = ProcessRunner.of(launcher.toString(), block.toString(), program.toAbsolutePath().toString())
                .errorIntoOutput().deadline(Duration.ofSeconds(60)).run();
        assertEquals(0, result.status(), result.out());
        return result.out().lines().toList();
    }

    static Stream<Arguments> qemuRuns() {
        List<Arguments> runs = new ArrayList<>();
        cases().forEach(c -> {
            for (Environment environment : Qemu.TCG) {
                for (Libc libc : Libc.values()) {
                    runs.add(Arguments.of(environment, libc, c));
                }
            }
        });
        return runs.stream();
    }

    static void assertSameAsOnHost(Path program, Case c, int status, List<String> serial) throws Exception {
        assertEquals(0, status, serial.toString());
        List<String> guest = ProgramsTest.programOutput(serial);
        assertEquals(onHost(program, c), guest);
        assertTrue(guest.contains("strings back to back: yes") && guest.contains("AT_EXECFN is argv[0]: yes"), guest.toString());
    }

    @ParameterizedTest(name = "{0} {1}: {2}")
    @MethodSource("qemuRuns")
    void underQemuTcgTheProgramGetsWhatItGetsOnTheHost(Environment environment, Libc libc, Case c) throws Exception {
        Path program = GuestPrograms.build("argv_env", libc);
        Path initrd = Files.write(dir.resolve("initrd-" + libc), module(program, c));
        Qemu.Run qemu = Qemu.run(environment, BundledImage.file(dir), initrd, "");
        assertSameAsOnHost(program, c, qemu.guestStatus(), qemu.serial());
    }

    @Test
    void underQemuTheCommandLineFormStillCarriesABareProgramsArguments() throws Exception {
        Path program = GuestPrograms.build("argv_env", Libc.MUSL);
        Qemu.Run qemu = Qemu.run(Environment.TCG_AMD, BundledImage.file(dir), program, "entry=int80 -- prog \"two words\" \"\" x");
        assertEquals(0, qemu.guestStatus(), qemu.serial().toString());
        List<String> output = ProgramsTest.programOutput(qemu.serial());
        assertEquals(List.of("argv[0] = \"prog\"", "argv[1] = \"two words\"", "argv[2] = \"\"", "argv[3] = \"x\""),
                output.subList(3, output.size()));
        assertTrue(output.getFirst().startsWith("argc 4 envc 0 "), output.toString());
    }

    @Test
    void underQemuTheCommandLineFormTakesUpTo8KiB() throws Exception {
        Path program = GuestPrograms.build("argv_env", Libc.GLIBC);
        Qemu.Run many = Qemu.run(Environment.TCG_INTEL, BundledImage.file(dir), program,
                "-- prog --summary" + " x".repeat(4000));
        assertEquals(0, many.guestStatus(), many.serial().toString());
        assertTrue(ProgramsTest.programOutput(many.serial()).getFirst().startsWith("argc 4002 envc 0 bytes 8015 "),
                many.serial().toString());
        Qemu.Run tooLong = Qemu.run(Environment.TCG_INTEL, BundledImage.file(dir), program, "-- prog " + "a".repeat(8192));
        assertEquals(127, tooLong.guestStatus());
        assertTrue(tooLong.serial().contains("jvmm-kernel: cannot run the program: argument list too long (E2BIG)"),
                tooLong.serial().toString());
    }

    /** A block with no program after it: the kernel runs the built-in program argv[0] names. */
    static byte[] demoBlock() {
        return ArgumentBlock.of(List.of("demo", "say \"hi\"", ""), List.of("A=1")).bytes();
    }

    static void assertDemoRan(int status, List<String> serial) {
        assertEquals(0, status, serial.toString());
        int argv0 = serial.indexOf("jvmm-demo: argv[0] = demo");
        assertTrue(argv0 > 0, serial.toString());
        assertEquals(List.of("jvmm-demo: argv[1] = say \"hi\"", "jvmm-demo: argv[2] = "), serial.subList(argv0 + 1, argv0 + 3));
    }

    @Test
    void underQemuABlockWithoutAProgramRunsTheBuiltInArgv0Names() throws Exception {
        Qemu.Run qemu = Qemu.run(Environment.TCG_AMD, BundledImage.file(dir), Files.write(dir.resolve("demo"), demoBlock()), "");
        assertDemoRan(qemu.guestStatus(), qemu.serial());
    }

    static Stream<Arguments> jvmmRuns() {
        List<Arguments> runs = new ArrayList<>();
        cases().forEach(c -> {
            for (Libc libc : Libc.values()) {
                runs.add(Arguments.of(libc, c));
            }
        });
        return runs.stream();
    }

    /** A block the VMM would never write: argv[0] of {@code length} bytes, declared as {@code strings} bytes. */
    static byte[] handMadeBlock(int length, int strings) {
        int size = (32 + 4 + length + 1 + 4095) & -4096;
        ByteBuffer block = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        block.put(b("JVMMARGS")).putInt(1).putInt(1).putInt(0).putInt(strings).putInt(size).putInt(0).putInt(0);
        block.put(b("a".repeat(length)));
        return block.array();
    }

    static Stream<Arguments> refusedBlocks() {
        return Stream.of(
                Arguments.of("strings past the block", handMadeBlock(10, 1 << 20), "malformed argument block"),
                Arguments.of("strings without a final NUL", handMadeBlock(10, 10), "malformed argument block"),
                Arguments.of("more than execve takes", handMadeBlock(ArgumentBlock.ARG_MAX, ArgumentBlock.ARG_MAX + 1),
                        "argument list too long (E2BIG)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedBlocks")
    void underQemuABadBlockIsRefusedByTheKernel(String name, byte[] block, String reason) throws Exception {
        Qemu.Run qemu = Qemu.run(Environment.TCG_INTEL, BundledImage.file(dir), Files.write(dir.resolve("bad"), block), "");
        assertEquals(127, qemu.guestStatus());
        assertTrue(qemu.serial().contains("jvmm-kernel: cannot run the program: " + reason), qemu.serial().toString());
    }

    /** The same cases, the same bytes, on jvmm. */
    @Nested
    @JvmmTest
    class OnJvmm {
        @ParameterizedTest(name = "{0}: {1}")
        @MethodSource("dev.jvmm.vmm.ArgvEnvTest#jvmmRuns")
        void theProgramGetsWhatItGetsOnTheHost(Libc libc, Case c) throws Exception {
            Path program = GuestPrograms.build("argv_env", libc);
            MachineTest.Run run = MachineTest.boot("", 128L << 20, Duration.ofSeconds(60), module(program, c));
            assertSameAsOnHost(program, c, ((RunResult.Exited) run.result().outcome()).status(), run.serial());
        }

        @Test
        void aBlockWithoutAProgramRunsTheBuiltInArgv0Names() {
            MachineTest.Run run = MachineTest.boot("", 128L << 20, Duration.ofSeconds(60), demoBlock());
            assertDemoRan(((RunResult.Exited) run.result().outcome()).status(), run.serial());
        }

        @Test
        void theCommandLineFormStillCarriesABareProgramsArguments() {
            MachineTest.Run run = MachineTest.boot("entry=int80 -- prog \"two words\" \"\" x", 128L << 20, Duration.ofSeconds(60),
                    GuestPrograms.bytes("argv_env", Libc.MUSL));
            assertEquals(new RunResult.Exited(0), run.result().outcome(), run.serial().toString());
            List<String> output = ProgramsTest.programOutput(run.serial());
            assertEquals(List.of("argv[0] = \"prog\"", "argv[1] = \"two words\"", "argv[2] = \"\"", "argv[3] = \"x\""),
                    output.subList(3, output.size()));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.jvmm.vmm.ArgvEnvTest#refusedBlocks")
        void aBadBlockIsRefusedByTheKernel(String name, byte[] block, String reason) {
            MachineTest.Run run = MachineTest.boot("", 128L << 20, Duration.ofSeconds(60), block);
            assertEquals(new RunResult.Exited(127), run.result().outcome());
            assertTrue(run.serial().contains("jvmm-kernel: cannot run the program: " + reason), run.serial().toString());
        }
    }
}
