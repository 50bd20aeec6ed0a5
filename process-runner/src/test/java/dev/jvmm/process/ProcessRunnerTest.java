package dev.jvmm.process;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcessRunnerTest {
    @TempDir
    Path dir;

    @Test
    void aProcessWritingALotToStderrBeforeItsStdoutDoesNotBlock() {
        // 4 MiB to stderr is far beyond a pipe's buffer: read stdout first, and this never ends.
        ProcessRunner.Result result = assertTimeoutPreemptively(Duration.ofSeconds(20), () ->
                ProcessRunner.of("sh", "-c", "head -c 4194304 /dev/zero | tr '\\0' e >&2; echo done; exit 3")
                        .deadline(Duration.ofSeconds(15)).run());
        assertEquals(3, result.status());
        assertEquals("done\n", result.out());
        assertEquals(4 << 20, result.err().length());
        assertTrue(result.err().chars().allMatch(c -> c == 'e'));
    }

    @Test
    void aProcessThatNeverExitsIsKilledAtTheDeadline() {
        long start = System.nanoTime();
        ProcessRunner.TimedOut e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(ProcessRunner.TimedOut.class,
                () -> ProcessRunner.of("sh", "-c", "echo started; exec sleep 600").deadline(Duration.ofMillis(500)).run()));
        long elapsed = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertTrue(elapsed >= 500 && elapsed < 5000, elapsed + " ms");
        assertEquals("started\n", e.partial().out());
        assertEquals(-1, e.partial().status());
        assertTrue(e.getMessage().startsWith("did not exit within PT0.5S, killed: sh -c echo started"), e.getMessage());
    }

    @Test
    void theChildrenOfAProcessAreKilledWithIt() throws Exception {
        // The background sleep holds both pipes open: unless it dies too, the readers never finish.
        Path pid = dir.resolve("pid");
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(ProcessRunner.TimedOut.class,
                () -> ProcessRunner.of("sh", "-c", "sleep 600 & echo $! > " + pid + "; wait").deadline(Duration.ofMillis(500)).run()));
        long child = Long.parseLong(Files.readString(pid).strip());
        ProcessHandle.of(child).ifPresent(handle -> handle.onExit().join());
        assertTrue(ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true), "child " + child + " still runs");
    }

    @Test
    void standardInputIsEmptyAndTheDirectoryIsUsed() {
        ProcessRunner.Result result = ProcessRunner.of("sh", "-c", "cat; pwd").directory(dir).run();
        assertEquals(0, result.status());
        assertEquals(dir + "\n", result.out());
        assertEquals("", result.err());
    }

    @Test
    void theEnvironmentReplacesThisProcesss() {
        assertEquals("A=1\n", ProcessRunner.of("/usr/bin/env").environment(Map.of("A", "1")).run().out());
        assertEquals("", ProcessRunner.of("/usr/bin/env").environment(Map.of()).run().out());
    }

    @Test
    void standardErrorMayJoinStandardOutputInTheOrderWritten() {
        ProcessRunner.Result result = ProcessRunner.of("sh", "-c", "echo 1; echo 2 >&2; echo 3").errorIntoOutput().run();
        assertEquals("1\n2\n3\n", result.out());
        assertEquals("", result.err());
    }

    @Test
    void standardOutputMayGoToAFile() throws Exception {
        Path file = dir.resolve("out");
        ProcessRunner.Result result = ProcessRunner.of("sh", "-c", "head -c 1048576 /dev/zero; echo err >&2").outputTo(file).run();
        assertEquals(0, result.status());
        assertEquals("", result.out());
        assertEquals("err\n", result.err());
        assertEquals(1 << 20, Files.size(file));
    }

    @Test
    void eachLineOfStandardOutputIsGivenAsItComesWithTheProcess() {
        // The script runs until it is stopped: only a line given while it runs can stop it.
        List<String> lines = new CopyOnWriteArrayList<>();
        ProcessRunner.Result result = ProcessRunner.of("sh", "-c", "trap 'printf stopped; exit 0' TERM; echo a; echo; while :; do sleep 0.1; done")
                .eachOutputLine((process, line) -> {
                    lines.add(line);
                    if (line.isEmpty()) {
                        process.destroy();
                    }
                })
                .deadline(Duration.ofSeconds(30)).run();
        assertEquals(List.of("a", "", "stopped"), lines, "the last line has no \\n");
        assertEquals("a\n\nstopped", result.out());
        assertEquals(0, result.status());
    }

    @Test
    void whatALineListenerThrowsIsThrownOnceTheProcessHasExited() {
        List<String> lines = new CopyOnWriteArrayList<>();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ProcessRunner.of("sh", "-c", "echo a; echo b")
                .eachOutputLine((process, line) -> {
                    lines.add(line);
                    throw new IllegalStateException("no " + line);
                }).run());
        assertEquals("no a", e.getMessage());
        assertEquals(List.of("a"), lines);
    }

    @Test
    void aCommandThatCannotStartSaysWhich() {
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> ProcessRunner.of("/nonexistent/tool").run());
        assertTrue(e.getMessage().startsWith("cannot run /nonexistent/tool: "), e.getMessage());
    }

    @Test
    void availableLooksOnThePath() {
        assertTrue(ProcessRunner.available("sh"));
        assertTrue(!ProcessRunner.available("no-such-program-anywhere"));
        assertTrue(ProcessRunner.available("/bin/sh"));
    }
}
