package dev.jvmm.process;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Runs a command to a deadline. Standard output and standard error are drained at the same time,
 * each by its own thread, as the process writes them: a process that fills one pipe while the
 * other is being read cannot block, and the deadline is measured while the process runs, not
 * after its output ends. At the deadline the process and everything it started are killed and
 * {@link TimedOut} is thrown with what they had written. Standard input is {@code /dev/null}.
 * Options change the environment, join standard error to standard output, send standard output
 * to a file, or show each line of it as it comes.
 *
 * <pre>{@code
 * ProcessRunner.Result gcc = ProcessRunner.of("gcc", "-o", "hello", "hello.c").deadline(Duration.ofMinutes(2)).run();
 * }</pre>
 */
public final class ProcessRunner {
    /** What each stream keeps; more is read (so the process never blocks) but dropped. */
    static final int KEEP_LIMIT = 64 << 20;
    /** After a kill, how long the stream readers may take to see the pipes close. */
    private static final Duration DRAIN_AFTER_KILL = Duration.ofSeconds(5);

    private final List<String> command;
    private Path directory;
    private Duration deadline = Duration.ofMinutes(2);
    private Map<String, String> environment;
    private boolean errorIntoOutput;
    private Path outputFile;
    private BiConsumer<ProcessHandle, String> lineListener;

    private ProcessRunner(List<String> command) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("an empty command");
        }
        this.command = List.copyOf(command);
    }

    public static ProcessRunner of(List<String> command) {
        return new ProcessRunner(command);
    }

    public static ProcessRunner of(String... command) {
        return new ProcessRunner(List.of(command));
    }

    /** The working directory (default: this process's). */
    public ProcessRunner directory(Path directory) {
        this.directory = directory;
        return this;
    }

    /** How long the process may run (default 2 minutes). */
    public ProcessRunner deadline(Duration deadline) {
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline " + deadline + " is not positive");
        }
        this.deadline = deadline;
        return this;
    }

    /** The process's whole environment, in place of this process's (an empty map: none at all). */
    public ProcessRunner environment(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
        return this;
    }

    /**
     * Standard error into standard output's pipe: {@link Result#out} holds both, interleaved as
     * the process wrote them, and {@link Result#err} is empty.
     */
    public ProcessRunner errorIntoOutput() {
        this.errorIntoOutput = true;
        return this;
    }

    /**
     * Standard output into {@code file} (created or truncated), for output too large to keep or
     * not text: {@link Result#out} is empty and no line reaches {@link #eachOutputLine}.
     */
    public ProcessRunner outputTo(Path file) {
        this.outputFile = file;
        return this;
    }

    /**
     * Gives each line of standard output, as it is read, to {@code listener} with the process (to
     * look at the process at that point of its output; lines read after its exit come too); the
     * line is without its {@code \n}, and is kept in {@link Result#out} as well. The listener runs
     * on the reader's thread, which reads nothing more until it returns. If it throws, it is not
     * called again, and {@link #run} throws the same once the process has exited.
     */
    public ProcessRunner eachOutputLine(BiConsumer<ProcessHandle, String> listener) {
        this.lineListener = listener;
        return this;
    }

    /**
     * What a command wrote and how it ended.
     *
     * @param nanos wall time from start to exit
     */
    public record Result(List<String> command, int status, String out, String err, long nanos) {
        /** Standard output, then standard error: for a message when the command failed. */
        public String output() {
            return out + err;
        }
    }

    /** The process outlived its deadline; it was killed, with its descendants. */
    public static final class TimedOut extends RuntimeException {
        private final transient Result partial;

        TimedOut(Duration deadline, Result partial) {
            super("did not exit within " + deadline + ", killed: " + String.join(" ", partial.command())
                    + (partial.output().isBlank() ? "" : "\n" + tail(partial.output())));
            this.partial = partial;
        }

        /** What the process had written before it was killed; status -1. */
        public Result partial() {
            return partial;
        }

        private static String tail(String text) {
            return text.length() <= 4096 ? text : "..." + text.substring(text.length() - 4096);
        }
    }

    /**
     * Runs the command to its exit or its deadline.
     *
     * @throws TimedOut when the deadline passes first
     * @throws RuntimeException what the {@link #eachOutputLine} listener threw (or the {@link Error} it threw)
     * @throws UncheckedIOException when the command cannot be started (not found, not executable)
     */
    public Result run() {
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        if (environment != null) {
            builder.environment().clear();
            builder.environment().putAll(environment);
        }
        builder.redirectErrorStream(errorIntoOutput);
        if (outputFile != null) {
            builder.redirectOutput(outputFile.toFile());
        }
        long start = System.nanoTime();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.getFirst() + ": " + e.getMessage(), e);
        }
        // A stream redirected to a file or into the other pipe reads as empty here.
        Drain out = new Drain(process.getInputStream(), "stdout of " + command.getFirst(), process.toHandle(), lineListener);
        Drain err = new Drain(process.getErrorStream(), "stderr of " + command.getFirst(), process.toHandle(), null);
        try {
            boolean exited = process.waitFor(deadline.toNanos(), TimeUnit.NANOSECONDS);
            long nanos = System.nanoTime() - start;
            if (!exited) {
                // Children first, so none is left holding the pipes open once the parent is gone.
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(DRAIN_AFTER_KILL.toMillis(), TimeUnit.MILLISECONDS);
                throw new TimedOut(deadline, new Result(command, -1, out.text(DRAIN_AFTER_KILL), err.text(DRAIN_AFTER_KILL), nanos));
            }
            // The process is gone, but a child it left running may still hold the pipes: bounded too.
            Duration rest = deadline.minusNanos(nanos);
            Duration drain = rest.compareTo(DRAIN_AFTER_KILL) > 0 ? rest : DRAIN_AFTER_KILL;
            Result result = new Result(command, process.exitValue(), out.text(drain), err.text(drain), nanos);
            switch (out.listenerFailure()) {
                case null -> { }
                case RuntimeException e -> throw e;
                case Error e -> throw e;
                case Throwable t -> throw new IllegalStateException(t);     // a BiConsumer throws no checked exception
            }
            return result;
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        }
    }

    /** Whether {@code program} can be run: an executable path, or a name found on PATH. */
    public static boolean available(String program) {
        if (program.contains("/")) {
            return new File(program).canExecute();
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(dir, program).canExecute()) {
                return true;
            }
        }
        return false;
    }

    /**
     * One stream read to its end by a daemon thread, keeping up to {@link #KEEP_LIMIT} bytes, and
     * giving each line to a listener if there is one.
     */
    private static final class Drain {
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final Thread thread;
        private volatile Throwable listenerFailure;

        Drain(InputStream in, String name, ProcessHandle process, BiConsumer<ProcessHandle, String> listener) {
            thread = Thread.ofPlatform().daemon().name(name).start(() -> {
                byte[] buffer = new byte[8192];
                ByteArrayOutputStream line = new ByteArrayOutputStream();
                try (in) {
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        synchronized (kept) {
                            kept.write(buffer, 0, Math.max(0, Math.min(n, KEEP_LIMIT - kept.size())));
                        }
                        for (int i = 0; i < n && listener != null && listenerFailure == null; i++) {
                            if (buffer[i] != '\n') {
                                line.write(buffer[i]);
                            } else {
                                give(listener, process, line);
                            }
                        }
                    }
                } catch (IOException e) {
                    // The stream was closed under the reader: what was read is kept.
                }
                if (listener != null && listenerFailure == null && line.size() > 0) {
                    give(listener, process, line);      // the last line, without a \n
                }
            });
        }

        private void give(BiConsumer<ProcessHandle, String> listener, ProcessHandle process, ByteArrayOutputStream line) {
            try {
                listener.accept(process, line.toString(StandardCharsets.UTF_8));
            } catch (Throwable t) {
                listenerFailure = t;
            }
            line.reset();
        }

        /** What was read, once the stream ended or {@code wait} passed, whichever is first. */
        String text(Duration wait) throws InterruptedException {
            thread.join(wait);
            synchronized (kept) {
                return kept.toString(StandardCharsets.UTF_8);
            }
        }

        /** What the line listener threw, or null. */
        Throwable listenerFailure() {
            return listenerFailure;
        }
    }
}
