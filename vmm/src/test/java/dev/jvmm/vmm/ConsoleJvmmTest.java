package dev.jvmm.vmm;

import dev.jvmm.api.Console;
import dev.jvmm.api.MicroVm;
import dev.jvmm.api.Outcome;
import dev.jvmm.api.VmResult;
import dev.jvmm.junit.JvmmTest;
import dev.jvmm.vmm.GuestPrograms.Libc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The program's streams on the virtio console, and the in-kernel irqchip, on KVM: byte-exact
 * round trips, stdout and stderr apart, stdin to its end, a closed stdout, the serial fallback,
 * and the runs that must still end (a dead halt, a spinning or waiting guest at the timeout).
 * The program is {@code src/test/c/console.c}.
 */
@JvmmTest(strict = true)
class ConsoleJvmmTest {
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    static MicroVm.Builder console(Libc libc, String... args) {
        return MicroVm.builder().program(GuestPrograms.build("console", libc), args).timeout(TIMEOUT);
    }

    /** What {@code console emit N SEED} writes: xorshift64 from SEED | 1, the high word's low byte of each step. */
    static byte[] emitted(int n, long seed) {
        byte[] bytes = new byte[n];
        long x = seed | 1;
        for (int i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            bytes[i] = (byte) (x >>> 32);
        }
        return bytes;
    }

    /** COM1 carries the kernel's report and nothing of the program's. */
    static void assertOnlyTheKernelOnCom1(VmResult result) {
        assertTrue(result.serialLines().stream().allMatch(line -> line.startsWith("jvmm-kernel: ")), result.serial());
        assertEquals(0, result.kernel().exitStatus(), result.serial());
    }

    @ParameterizedTest
    @EnumSource(Libc.class)
    void aMebibyteOfBinaryStdinComesBackOnStdoutByteForByte(Libc libc) {
        byte[] input = new byte[1 << 20];
        new Random(42).nextBytes(input);
        input[input.length - 1] = 'x';        // no final newline
        VmResult result = console(libc, "cat").stdin(new ByteArrayInputStream(input)).build().run();
        assertEquals(0, result.exitStatus(), result.stderrText() + result.serial());
        assertEquals(Console.VIRTIO, result.console());
        assertArrayEquals(input, result.stdout());
        assertEquals("cat 1048576\n", result.stderrText());
        assertOnlyTheKernelOnCom1(result);
    }

    @ParameterizedTest
    @EnumSource(Libc.class)
    void writtenBytesArriveExactlyWithoutAFinalNewline(Libc libc) {
        VmResult big = console(libc, "emit", "1048576", "7").build().run();
        assertEquals(0, big.exitStatus(), big.stderrText() + big.serial());
        assertArrayEquals(emitted(1 << 20, 7), big.stdout());
        assertTrue(big.stderrText().startsWith("emit 1048576 ns "), big.stderrText());
        assertOnlyTheKernelOnCom1(big);
        VmResult chunks = console(libc, "chunks", "100000", "333", "9").build().run();
        assertArrayEquals(emitted(100000, 9), chunks.stdout(), "in writes of 333 bytes");
        VmResult small = console(libc, "emit", "10", "3").build().run();
        assertArrayEquals(emitted(10, 3), small.stdout());
        assertOnlyTheKernelOnCom1(small);
    }

    @ParameterizedTest
    @EnumSource(Libc.class)
    void stdoutAndStderrStayApart(Libc libc) {
        VmResult result = console(libc, "streams").build().run();
        assertEquals(0, result.exitStatus(), result.serial());
        assertEquals("out 0\nout 1\nout 2\nout writev\n", result.stdoutText());
        assertEquals("err 0\nerr 1\nerr 2\nerr writev\n", result.stderrText());
        assertEquals(List.of("out 0", "out 1", "out 2", "out writev"), result.programLines());
        assertOnlyTheKernelOnCom1(result);
    }

    @Test
    void stdinStreamsAsItArrivesAndEndsWhenTheStreamCloses() throws Exception {
        PipedOutputStream host = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(host);
        Thread writer = Thread.ofPlatform().start(() -> {
            try (host) {
                host.write("first\n".getBytes(StandardCharsets.US_ASCII));
                host.flush();
                Thread.sleep(300);
                host.write("second".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException | InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        VmResult result = console(Libc.MUSL, "cat").stdin(stdin).build().run();
        writer.join();
        assertEquals(0, result.exitStatus(), result.serial());
        assertEquals("first\nsecond", result.stdoutText());
        assertEquals("cat 12\n", result.stderrText());
    }

    @Test
    void withoutStdinTheProgramReadsEndOfFileAtOnce() {
        VmResult result = console(Libc.MUSL, "cat").build().run();
        assertEquals(0, result.exitStatus(), result.serial());
        assertEquals(0, result.stdout().length);
        assertEquals("cat 0\n", result.stderrText());
    }

    /** A host stdout that closes (a pipe's reader gone): the program's next write gets EPIPE, and SIGPIPE kills it, as on Linux. */
    @ParameterizedTest
    @EnumSource(Libc.class)
    void aClosedStdoutKillsTheWriterWithSigpipe(Libc libc) {
        OutputStream closesAfter64KiB = new OutputStream() {
            long written;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                written += len;
                if (written > 64 << 10) {
                    throw new IOException("Broken pipe");
                }
            }
        };
        VmResult result = console(libc, "chunks", "16777216", "4096", "1").stdout(closesAfter64KiB).build().run();
        assertEquals(128 + 13, result.exitStatus(), result.stderrText() + result.serial());
        assertEquals(13, result.kernel().killedBySignal(), result.serial());
        assertEquals("", result.stderrText(), "killed by the signal, not told of the error");
    }

    @Test
    void theSerialConsoleCarriesTheProgramOnCom1AndGivesNoStdin() {
        VmResult streams = console(Libc.MUSL, "streams").console(Console.SERIAL).build().run();
        assertEquals(0, streams.exitStatus(), streams.serial());
        assertEquals(Console.SERIAL, streams.console());
        assertEquals(0, streams.stdout().length);
        assertEquals(List.of("out 0", "err 0", "out 1", "err 1", "out 2", "err 2", "out writev", "err writev"), streams.programLines());
        assertTrue(streams.serial().startsWith("jvmm-kernel: booted"), streams.serial());
        assertTrue(streams.serialLines().stream().noneMatch(line -> line.contains("virtio_mmio.device=")), "no device word");
        VmResult cat = console(Libc.MUSL, "cat").console(Console.SERIAL)
                .stdin(new ByteArrayInputStream("unread".getBytes(StandardCharsets.US_ASCII))).build().run();
        assertEquals(0, cat.exitStatus(), cat.serial());
        assertTrue(cat.programLines().contains("cat 0"), cat.serial());
    }

    @Test
    void aGuestHaltedWithInterruptsOffIsReportedAt126() {
        VmResult result = MicroVm.builder().cmdline("test=halt").timeout(TIMEOUT).build().run();
        Outcome.GuestDied died = assertInstanceOf(Outcome.GuestDied.class, result.outcome(), result.serial());
        assertEquals(126, result.exitStatus());
        assertTrue(died.reason().contains("HLT with interrupts disabled"), died.reason());
        Matcher rflags = Pattern.compile("rflags +([0-9a-f]{16})").matcher(died.registers());
        assertTrue(rflags.find(), died.registers());
        assertEquals(0, Long.parseUnsignedLong(rflags.group(1), 16) & (1 << 9), "RFLAGS.IF clear: " + died.registers());
        assertTrue(result.elapsed().compareTo(Duration.ofSeconds(5)) < 0, "found by the watchdog's probe, not the timeout: "
                + result.elapsed());
    }

    @Test
    void theTimeoutStopsASpinningGuestAndOneThatWaitsForever() throws Exception {
        Duration timeout = Duration.ofMillis(700);
        VmResult spin = MicroVm.builder().cmdline("test=spin").timeout(timeout).build().run();
        assertEquals(new Outcome.TimedOut(timeout), spin.outcome());
        assertTrue(spin.elapsed().compareTo(timeout.plusSeconds(2)) < 0, spin.elapsed().toString());
        try (PipedOutputStream neverWritten = new PipedOutputStream()) {
            VmResult waiting = console(Libc.MUSL, "cat").stdin(new PipedInputStream(neverWritten)).timeout(timeout).build().run();
            assertEquals(new Outcome.TimedOut(timeout), waiting.outcome(), waiting.serial());
            assertEquals(124, waiting.exitStatus());
            assertTrue(waiting.elapsed().compareTo(timeout.plusSeconds(2)) < 0, waiting.elapsed().toString());
        }
    }

    /**
     * The in-kernel local APIC is the guest's timer (TSC-deadline mode where the host has it), and
     * a second of guest sleep costs the vCPU thread, which KVM_RUN keeps while the guest halts,
     * almost no CPU time.
     */
    @Test
    void aSleepingGuestHaltsOnTheApicTimerAndCostsTheHostLittle() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long[] cpu = new long[2];
        long[] wall = new long[2];
        OutputStream stdout = new OutputStream() {
            private final StringBuilder line = new StringBuilder();

            @Override
            public void write(int b) {
                if (b != '\n') {
                    line.append((char) b);
                    return;
                }
                int mark = line.toString().startsWith("sleeping ") ? 0 : line.toString().startsWith("slept ") ? 1 : -1;
                if (mark >= 0) {
                    cpu[mark] = threads.getCurrentThreadCpuTime();     // the vCPU thread: the device writes on it
                    wall[mark] = System.nanoTime();
                }
                line.setLength(0);
            }
        };
        VmResult result = MicroVm.builder().program(GuestPrograms.build("sleep", Libc.MUSL), "1000").stdout(stdout)
                .timeout(TIMEOUT).build().run();
        assertEquals(0, result.exitStatus(), result.stdoutText() + result.serial());
        assertTrue(result.kernel().timer().startsWith("x2apic "), result.kernel().timer());
        assertTrue(wall[1] - wall[0] >= 1_000_000_000L, "slept a second: " + (wall[1] - wall[0]) + " ns");
        double share = (double) (cpu[1] - cpu[0]) / (wall[1] - wall[0]);
        assertTrue(share < 0.10, "the vCPU thread used " + (cpu[1] - cpu[0]) / 1_000_000 + " ms of CPU during "
                + (wall[1] - wall[0]) / 1_000_000 + " ms of guest sleep");
    }
}
