package dev.jvmm.cli;

import dev.jvmm.junit.JvmmTest;
import dev.jvmm.vmm.GuestPrograms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code jvmm run} as a process whose streams are files and pipes, as a shell gives them: what
 * a {@code docker run} user expects of stdin, stdout and stderr.
 */
@JvmmTest(strict = true)
class ConsoleCommandTest {
    private static final long DEADLINE_SECONDS = 120;

    @TempDir
    Path dir;

    record Result(int status, byte[] out, String err) {}

    /** jvmm with stdin from {@code stdin} (or /dev/null), stdout and stderr into files. */
    Result jvmm(Path stdin, String... args) throws Exception {
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        int status = run(JvmmCommandTest.jvmmCommand(List.of(), args), stdin, out, err, DEADLINE_SECONDS);
        return new Result(status, Files.readAllBytes(out), Files.readString(err));
    }

    /** A command with stdin from {@code stdin} (or /dev/null), stdout and stderr into files: its status. */
    private static int run(List<String> command, Path stdin, Path out, Path err, long deadlineSeconds) throws Exception {
        Process process = new ProcessBuilder(command)
                .redirectInput(stdin == null ? ProcessBuilder.Redirect.from(new File("/dev/null")) : ProcessBuilder.Redirect.from(stdin.toFile()))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!process.waitFor(deadlineSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("did not finish: " + command);
        }
        return process.exitValue();
    }

    static String console() {
        return GuestPrograms.build("console", GuestPrograms.Libc.MUSL).toString();
    }

    @Test
    void stdinToStdoutByteForByteAndNothingElseOnEither() throws Exception {
        byte[] input = new byte[1 << 20];
        new Random(1).nextBytes(input);
        Path file = Files.write(dir.resolve("in"), input);
        Result result = jvmm(file, "run", "--", console(), "cat");
        assertEquals(0, result.status(), result.err());
        assertArrayEquals(input, result.out());
        assertEquals("cat 1048576\n", result.err());
    }

    /**
     * A stream of any size passes through in bounded memory: 100 MiB from stdin to stdout through
     * the program, byte for byte, with jvmm's peak RSS (tools' peakrss: wait4's ru_maxrss) within
     * 16 MiB of a 10 MiB stream's.
     */
    @Test
    void aHundredMebibyteStreamPassesThroughInBoundedMemory() throws Exception {
        long small = throughCat(10);
        long large = throughCat(100);
        assertTrue(large - small < 16 * 1024, "peak RSS " + small + " KiB with 10 MiB, " + large + " KiB with 100 MiB");
    }

    /** {@code mib} MiB of random bytes through the console program's cat, checked: jvmm's peak RSS in KiB. */
    private long throughCat(int mib) throws Exception {
        Path in = dir.resolve("stream-" + mib);
        byte[] block = new byte[1 << 20];
        Random random = new Random(mib);
        try (OutputStream file = Files.newOutputStream(in)) {
            for (int i = 0; i < mib; i++) {
                random.nextBytes(block);
                file.write(block);
            }
        }
        List<String> command = new ArrayList<>(List.of(Path.of("..", "tools", "target", "peakrss").toString()));
        command.addAll(JvmmCommandTest.jvmmCommand(List.of("-Xmx64m"), "run", "--", console(), "cat"));
        Path out = dir.resolve("stream-out");
        Path err = dir.resolve("stream-err");
        // 100 MiB took about two minutes in a loaded emulated machine (tools/kvm-in-qemu)
        int status = run(command, in, out, err, 5 * 60);
        String errText = Files.readString(err);
        assertEquals(0, status, errText);
        assertEquals(-1, Files.mismatch(in, out), "the stream came out changed");
        assertTrue(errText.startsWith("cat " + ((long) mib << 20) + "\n"), errText);
        Files.delete(in);
        return Long.parseLong(errText.replaceAll("(?s).*peakrss: (\\d+) KiB.*", "$1"));
    }

    @Test
    void verboseAddsTheKernelsReportToStderrOnly() throws Exception {
        Result result = jvmm(null, "run", "-v", "--", console(), "streams");
        assertEquals(0, result.status(), result.err());
        assertEquals("out 0\nout 1\nout 2\nout writev\n", new String(result.out(), StandardCharsets.UTF_8));
        List<String> err = result.err().lines().toList();
        assertEquals(List.of("err 0", "err 1", "err 2", "err writev"),
                err.stream().filter(line -> line.startsWith("err ")).toList());
        assertTrue(err.contains("jvmm-kernel: exit 0"), result.err());
        assertTrue(err.getLast().startsWith("jvmm: summary: exit status 0"), result.err());
    }

    @Test
    void theSerialConsoleIsCom1OnStdoutAsBefore() throws Exception {
        Result result = jvmm(null, "run", "--console", "serial", "--", console(), "streams");
        assertEquals(0, result.status(), result.err());
        String out = new String(result.out(), StandardCharsets.UTF_8);
        assertTrue(out.startsWith("jvmm-kernel: booted in long mode"), out);
        assertTrue(out.contains("\nout 0\nerr 0\nout 1\n"), out);
        assertEquals("", result.err());
    }

    @Test
    void aProgramThatCannotStartSaysWhyOnStderr() throws Exception {
        Path notElf = Files.writeString(dir.resolve("script"), "#!/bin/sh\necho hi\n");
        Result result = jvmm(null, "run", "--", notElf.toString());
        assertEquals(127, result.status(), result.err());
        assertEquals(0, result.out().length);
        assertTrue(result.err().startsWith("jvmm-kernel: cannot run the program: "), result.err());
    }

    /** {@code jvmm run -- prog | head -c 10}: the reader goes, the program dies of SIGPIPE, jvmm exits 141. */
    @Test
    void aClosedStdoutPipeEndsAWriterWithSigpipe() throws Exception {
        List<String> command = new ArrayList<>(JvmmCommandTest.jvmmCommand(List.of(), "run", "--", console(), "chunks",
                "16777216", "4096", "1"));
        Process process = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(dir.resolve("err").toFile())
                .start();
        // A jvmm that never wrote would keep readNBytes waiting for ever: it is killed at the deadline.
        Thread.ofVirtual().start(() -> {
            try {
                if (!process.waitFor(2 * DEADLINE_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (InputStream out = process.getInputStream()) {
            assertEquals(10, out.readNBytes(10).length, "jvmm's first bytes, before the deadline");
        }
        if (!process.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("jvmm went on writing into a closed pipe");
        }
        assertEquals(128 + 13, process.exitValue(), Files.readString(dir.resolve("err")));
    }

    @Test
    void theTimeoutStopsAProgramWaitingForStdinThatNeverComes() throws Exception {
        Process process = new ProcessBuilder(JvmmCommandTest.jvmmCommand(List.of(), "run", "--timeout", "1s", "--", console(), "cat"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(dir.resolve("err").toFile())
                .start();           // stdin: a pipe this test keeps open and never writes
        try {
            if (!process.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("--timeout did not stop the guest");
            }
            assertEquals(124, process.exitValue(), Files.readString(dir.resolve("err")));
            assertEquals("jvmm: timed out after 1s; the guest was stopped\n", Files.readString(dir.resolve("err")));
        } finally {
            process.getOutputStream().close();
        }
    }

    /** Ctrl-C ends jvmm while its guest halts waiting for stdin, as it ends any JVM: status 130. */
    @Test
    void ctrlCStopsAGuestThatWaits() throws Exception {
        Process process = new ProcessBuilder(JvmmCommandTest.jvmmCommand(List.of(), "run", "--", console(), "cat"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(dir.resolve("err").toFile())
                .start();           // stdin: a pipe this test keeps open and never writes
        try {
            Thread.sleep(3000);     // booted, and waiting in the program's read
            assertTrue(process.isAlive(), Files.readString(dir.resolve("err")));
            assertEquals(130, JvmmCommandTest.interrupt(process), Files.readString(dir.resolve("err")));
        } finally {
            process.getOutputStream().close();
        }
    }
}
