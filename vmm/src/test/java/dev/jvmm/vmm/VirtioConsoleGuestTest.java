package dev.jvmm.vmm;

import dev.jvmm.vmm.GuestPrograms.Libc;
import dev.jvmm.vmm.Qemu.Environment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The guest kernel's virtio console (docs/console.md) on QEMU's microvm under TCG, as an Intel
 * and an AMD CPU: the bundled image finds the virtio-serial device through the
 * virtio_mmio.device word QEMU appends (which needs acpi=off), drives it as a version 2
 * virtio-mmio device, and the program's stdout, stderr and stdin travel byte-exact on its ports:
 * stdout and stdin on port 0 (a virtconsole on QEMU's stdio), stderr on port 1 (a virtserialport
 * into a file). COM1 goes to a file and carries only the kernel's report. Without a usable
 * device (none, or QEMU's default legacy interface) everything stays on COM1.
 *
 * <p>Two properties of QEMU 7.2's virtconsole shape the test: it drops the output its chardev
 * cannot take at once (virtio-console.c, flush_buf: console ports are not throttled), so QEMU's
 * stdin and stdout are files here, never pipes; and it never tells the guest that its chardev
 * ended (console ports get no chardev event handler), so stdin's end of file cannot be seen
 * there: the cat stops after the bytes it was given. jvmm's device blocks instead of dropping,
 * and reports the end of stdin (PORT_OPEN 0).
 */
class VirtioConsoleGuestTest {
    @TempDir
    static Path dir;

    private static final Pattern CONSOLE_LINE = Pattern.compile(
            "jvmm-kernel: console virtio-mmio at 0x[0-9a-f]+ irq \\d+, stdin and stdout on port 0, stderr on port ([01])");

    /** How QEMU is given the console. */
    enum Device {
        /** virtio-serial with port 0 on stdio and port 1 in a file, modern virtio-mmio. */
        TWO_PORTS,
        /** as TWO_PORTS, between two virtio-rng devices (QEMU appends a word for each of the three). */
        BETWEEN_RNGS,
        /** virtio-serial with port 0 only: stderr shares it. */
        ONE_PORT,
        /** the same device behind QEMU's default legacy (version 1) interface, which the kernel refuses. */
        LEGACY,
        /** no virtio device: the ISA serial port only. */
        NONE
    }

    /** A finished QEMU run; its stdout stays in its file (it may be 100 MiB). */
    record Run(int status, Path stdoutFile, byte[] stderr, List<String> serial) {
        byte[] stdout() {
            try {
                return Files.readAllBytes(stdoutFile);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        int guestStatus() {
            assertEquals(1, status & 1, "QEMU did not exit through isa-debug-exit: status " + status + ", COM1 " + serial);
            return status >> 1;
        }

        String stdoutText() {
            return new String(stdout(), StandardCharsets.ISO_8859_1);
        }

        String stderrText() {
            return new String(stderr, StandardCharsets.ISO_8859_1);
        }

        /** COM1's lines that are not the kernel's. */
        List<String> programLinesOnSerial() {
            return serial.stream().filter(line -> !line.startsWith("jvmm-kernel: ")).toList();
        }

        /** The port stderr is on, from the boot report's console line; -1 if there is none. */
        int stderrPort() {
            for (String line : serial) {
                Matcher m = CONSOLE_LINE.matcher(line);
                if (m.matches()) {
                    return Integer.parseInt(m.group(1));
                }
            }
            return -1;
        }
    }

    /** Something done to QEMU while the guest runs; it gets the run's directory (QMP at {@code qmp}). */
    interface WhileRunning {
        void accept(Path run) throws Exception;
    }

    static Run boot(Environment environment, Device device, Path program, byte[] stdin, String... args) throws Exception {
        return boot(environment, device, program, stdin, run -> { }, args);
    }

    static Run boot(Environment environment, Device device, Path program, byte[] stdin, WhileRunning during, String... args)
            throws Exception {
        Path run = Files.createTempDirectory(dir, "run");
        return boot(environment, device, program, Files.write(run.resolve("stdin"), stdin), run, during, args);
    }

    /** Runs QEMU in the directory {@code run}, stdin from the file {@code input}. */
    static Run boot(Environment environment, Device device, Path program, Path input, Path run, WhileRunning during,
            String... args) throws Exception {
        Path com1 = run.resolve("com1");
        Path stdout = run.resolve("stdout");
        Path stderr = run.resolve("stderr");
        List<String> command = new ArrayList<>(List.of("qemu-system-x86_64", "-M", "microvm,acpi=off",
                "-accel", environment.accel, "-cpu", environment.cpu, "-m", "128M", "-nodefaults", "-no-user-config",
                "-display", "none", "-serial", "file:" + com1, "-device", "isa-debug-exit,iobase=0x501,iosize=1",
                "-kernel", BundledImage.file(run).toString(), "-initrd", program.toString(),
                "-append", "-- " + String.join(" ", args), "-qmp", "unix:" + run.resolve("qmp") + ",server=on,wait=off"));
        if (device == Device.BETWEEN_RNGS) {
            command.addAll(List.of("-device", "virtio-rng-device"));
        }
        if (device != Device.NONE) {
            command.addAll(List.of("-global", "virtio-mmio.force-legacy=" + (device == Device.LEGACY),
                    "-device", "virtio-serial-device",
                    "-chardev", "stdio,id=out", "-device", "virtconsole,chardev=out,nr=0"));
        }
        if (device == Device.TWO_PORTS || device == Device.BETWEEN_RNGS) {
            command.addAll(List.of("-chardev", "file,id=err,path=" + stderr, "-device", "virtserialport,chardev=err,nr=1,id=stderr"));
        }
        if (device == Device.BETWEEN_RNGS) {
            command.addAll(List.of("-device", "virtio-rng-device"));
        }
        Process qemu = new ProcessBuilder(command).redirectInput(input.toFile()).redirectOutput(stdout.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        boolean exited;
        try {
            during.accept(run);
        } finally {
            exited = qemu.waitFor(120, TimeUnit.SECONDS);
            if (!exited) {
                qemu.destroyForcibly();
            }
        }
        if (!exited) {
            throw new AssertionError("QEMU did not exit: " + String.join(" ", command));
        }
        byte[] err = Files.exists(stderr) ? Files.readAllBytes(stderr) : new byte[0];
        List<String> serial = Files.readString(com1, StandardCharsets.ISO_8859_1).replace("\r", "").lines().toList();
        return new Run(qemu.exitValue(), stdout, err, serial);
    }

    /** Sends QMP commands to the QEMU of a run, one by one, each answered with a return. */
    static void qmp(Path run, String... commands) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(run.resolve("qmp")))) {
            BufferedReader in = new BufferedReader(Channels.newReader(channel, StandardCharsets.UTF_8));
            Writer out = Channels.newWriter(channel, StandardCharsets.UTF_8);
            in.readLine();                  // the greeting
            for (String command : List.of(commands)) {
                out.write(command + "\n");
                out.flush();
                String reply;
                do {
                    reply = in.readLine();  // events may come first
                } while (reply != null && !reply.contains("\"return\"") && !reply.contains("\"error\""));
                assertTrue(reply != null && reply.contains("\"return\""), command + ": " + reply);
            }
        }
    }

    /** Waits until a file has bytes (the guest has started writing it). */
    static void awaitBytes(Path file) throws Exception {
        for (int i = 0; i < 600 && (!Files.exists(file) || Files.size(file) == 0); i++) {
            Thread.sleep(100);
        }
    }

    /** The bytes console.c's fill() makes: xorshift64, the high half's low byte. */
    static byte[] xorshift(int n, long seed) {
        byte[] out = new byte[n];
        long x = seed | 1;
        for (int i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            out[i] = (byte) (x >>> 32);
        }
        return out;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.jvmm.vmm.Qemu#tcgAndLibc")
    void aMebibyteOfBinaryOutputIsStdoutByteForByteAndFast(Environment environment, Libc libc) throws Exception {
        Run run = boot(environment, Device.TWO_PORTS, GuestPrograms.build("console", libc), new byte[0],
                "console", "emit", "1048576", "12345");
        assertEquals(0, run.guestStatus(), run.serial().toString());
        assertArrayEquals(xorshift(1 << 20, 12345), run.stdout(), "stdout is the program's bytes, no more");
        Matcher emit = Pattern.compile("emit 1048576 ns (\\d+)\n").matcher(run.stderrText());
        assertTrue(emit.matches(), run.stderrText());
        long ns = Long.parseLong(emit.group(1));
        System.out.printf("virtio console, %s %s: 1 MiB in one write took %.3f ms of guest time%n", environment, libc, ns / 1e6);
        assertTrue(ns < 200_000_000L, "1 MiB took " + ns + " ns of guest time");
        assertEquals(List.of(), run.programLinesOnSerial(), "COM1 carries only the kernel's report");
        assertEquals(1, run.stderrPort());
        assertEquals("jvmm-kernel: exit 0", run.serial().get(run.serial().size() - 2));
    }

    @ParameterizedTest
    @EnumSource(value = Environment.class, names = {"TCG_INTEL", "TCG_AMD"})
    void writesOfAnySizeAndAlignmentArriveInOrder(Environment environment) throws Exception {
        Run run = boot(environment, Device.TWO_PORTS, GuestPrograms.build("console", Libc.MUSL), new byte[0],
                "console", "chunks", "300001", "4093", "7");
        assertEquals(0, run.guestStatus(), run.serial().toString());
        assertArrayEquals(xorshift(300001, 7), run.stdout());
    }

    @ParameterizedTest
    @EnumSource(value = Environment.class, names = {"TCG_INTEL", "TCG_AMD"})
    void moreWritesThanTheRingIndexCountsArriveInOrder(Environment environment) throws Exception {
        // 70,000 one-byte writes: the 16-bit available and used indexes wrap around
        Run run = boot(environment, Device.TWO_PORTS, GuestPrograms.build("console", Libc.MUSL), new byte[0],
                "console", "chunks", "70000", "1", "9");
        assertEquals(0, run.guestStatus(), run.serial().toString());
        assertArrayEquals(xorshift(70000, 9), run.stdout());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.jvmm.vmm.Qemu#tcgAndLibc")
    void stdoutAndStderrAreSeparateStreams(Environment environment, Libc libc) throws Exception {
        Run run = boot(environment, Device.TWO_PORTS, GuestPrograms.build("console", libc), new byte[0], "console", "streams");
        assertEquals(0, run.guestStatus(), run.serial().toString());
        assertEquals("out 0\nout 1\nout 2\nout writev\n", run.stdoutText());
        assertEquals("err 0\nerr 1\nerr 2\nerr writev\n", run.stderrText());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.jvmm.vmm.Qemu#tcgAndLibc")
    void stdinStreamsThroughCatByteForByte(Environment environment, Libc libc) throws Exception {
        byte[] input = new byte[3_000_001];
        new Random(42).nextBytes(input);
        input[input.length - 1] = 'x';      // no final newline
        Run run = boot(environment, Device.TWO_PORTS, GuestPrograms.build("console", libc), input,
                "console", "cat", Integer.toString(input.length));
        assertEquals(0, run.guestStatus(), run.serial().toString());
        assertArrayEquals(input, run.stdout());
        assertEquals("cat " + input.length + "\n", run.stderrText());
    }

    /**
     * 100 MiB through cat, in a guest of 128 MiB: the kernel streams stdin to stdout with bounded
     * buffers, never holding the stream. Compared by digest, the files never read whole.
     */
    @Test
    void aHundredMebibytesStreamThroughCatByteForByte() throws Exception {
        int size = 100 << 20;
        Path run = Files.createTempDirectory(dir, "run");
        Path input = run.resolve("stdin");
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(input), sent)) {
            Random random = new Random(100);
            byte[] chunk = new byte[1 << 20];
            for (int i = 0; i < size / chunk.length; i++) {
                random.nextBytes(chunk);
                out.write(chunk);
            }
        }
        Run result = boot(Environment.TCG_INTEL, Device.TWO_PORTS, GuestPrograms.build("console", Libc.MUSL), input, run,
                r -> { }, "console", "cat", Integer.toString(size));
        assertEquals(0, result.guestStatus(), result.serial().toString());
        assertEquals("cat " + size + "\n", result.stderrText());
        assertEquals(size, Files.size(result.stdoutFile()));
        MessageDigest received = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(result.stdoutFile()), received)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        assertArrayEquals(sent.digest(), received.digest(), "stdout is stdin, byte for byte");
    }

    @ParameterizedTest
    @EnumSource(value = Environment.class, names = {"TCG_INTEL", "TCG_AMD"})
    void withoutPortOneStderrSharesPortZero(Environment environment) throws Exception {
        Run run = boot(environment, Device.ONE_PORT, GuestPrograms.build("console", Libc.MUSL), new byte[0], "console", "streams");
        assertEquals(0, run.guestStatus(), run.serial().toString());
        assertEquals(0, run.stderrPort());
        assertEquals("out 0\nerr 0\nout 1\nerr 1\nout 2\nerr 2\nout writev\nerr writev\n", run.stdoutText());
    }

    @ParameterizedTest
    @EnumSource(value = Environment.class, names = {"TCG_INTEL", "TCG_AMD"})
    void aLegacyDeviceIsRefusedAndCom1CarriesEverything(Environment environment) throws Exception {
        Run run = boot(environment, Device.LEGACY, GuestPrograms.build("console", Libc.MUSL), new byte[0], "console", "streams");
        assertEquals(0, run.guestStatus(), run.serial().toString());
        assertTrue(run.serial().stream().anyMatch(line -> line.matches(
                "jvmm-kernel: virtio-mmio at 0x[0-9a-f]+: legacy virtio-mmio \\(version 1\\), not driven: console on COM1")), run.serial().toString());
        assertEquals(-1, run.stderrPort());
        assertEquals(List.of("out 0", "err 0", "out 1", "err 1", "out 2", "err 2", "out writev", "err writev"), run.programLinesOnSerial());
        assertEquals(0, run.stdout().length);
    }

    @ParameterizedTest
    @EnumSource(value = Environment.class, names = {"TCG_INTEL", "TCG_AMD"})
    void withoutVirtioCom1CarriesTheStreamsAndStdinIsAtItsEnd(Environment environment) throws Exception {
        Run run = boot(environment, Device.NONE, GuestPrograms.build("console", Libc.MUSL), "ignored".getBytes(StandardCharsets.US_ASCII),
                "console", "cat");
        assertEquals(0, run.guestStatus(), run.serial().toString());
        assertEquals(List.of("cat 0"), run.programLinesOnSerial());
        assertTrue(run.serial().stream().noneMatch(line -> line.contains("virtio")), run.serial().toString());
    }

    @ParameterizedTest
    @EnumSource(value = Environment.class, names = {"TCG_INTEL", "TCG_AMD"})
    void theVmmsWordsAfterTheProgramsAreNotItsArguments(Environment environment) throws Exception {
        Run run = boot(environment, Device.TWO_PORTS, GuestPrograms.build("hello", Libc.MUSL), new byte[0], "hello", "one", "two");
        assertTrue(run.serial().get(2).matches("jvmm-kernel: cmdline \"-- hello one two virtio_mmio\\.device=512@0x[0-9a-f]+:\\d+\""),
                run.serial().get(2));
        assertEquals("hello from hello\nargv[1] = \"one\"\nargv[2] = \"two\"\n", run.stdoutText());
        assertEquals(2, run.guestStatus());
    }

    @ParameterizedTest
    @EnumSource(value = Environment.class, names = {"TCG_INTEL", "TCG_AMD"})
    void otherVirtioDevicesArePassedOverAndAllTheVmmsWordsAreCut(Environment environment) throws Exception {
        Run run = boot(environment, Device.BETWEEN_RNGS, GuestPrograms.build("hello", Libc.MUSL), new byte[0], "hello", "one");
        assertEquals(1, run.guestStatus(), run.serial().toString());
        assertEquals(3, run.serial().get(2).split("virtio_mmio\\.device=").length - 1, run.serial().get(2));
        assertEquals(1, run.serial().stream().filter(line -> line.matches(
                "jvmm-kernel: virtio-mmio at 0x[0-9a-f]+: no virtio console there")).count(), run.serial().toString());
        assertEquals(1, run.stderrPort());
        assertEquals("hello from hello\nargv[1] = \"one\"\n", run.stdoutText());
    }

    @ParameterizedTest
    @EnumSource(value = Environment.class, names = {"TCG_INTEL", "TCG_AMD"})
    void aRemovedPortFailsTheProgramsWritesWithEpipe(Environment environment) throws Exception {
        // QEMU removes a port it unplugs (PORT_REMOVE), as jvmm does for a host stream that failed
        Run run = boot(environment, Device.TWO_PORTS, GuestPrograms.build("console", Libc.MUSL), new byte[0], dir -> {
            awaitBytes(dir.resolve("stderr"));
            qmp(dir, "{\"execute\": \"qmp_capabilities\"}", "{\"execute\": \"device_del\", \"arguments\": {\"id\": \"stderr\"}}");
        }, "console", "epipe");
        assertEquals(0, run.guestStatus(), run.serial().toString());
        assertEquals("stderr: EPIPE\n", run.stdoutText());
        assertTrue(run.stderrText().matches("(tick\n)+"), run.stderrText());
    }
}
