package dev.jvmm.vmm.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Running a peer (QEMU, the C reference VMM, jvmm itself) as a process, timed from outside. */
final class Processes {
    private Processes() {}

    /** What a command printed, its status and its wall time from start to exit. */
    record Result(int status, String out, String err, long nanos) {}

    static Result run(List<String> command) {
        try {
            long start = System.nanoTime();
            Process process = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            StringBuilder errText = new StringBuilder();
            Thread errReader = Thread.ofVirtual().start(() -> {
                try {
                    errText.append(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    errText.append(e.getMessage());
                }
            });
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            errReader.join();
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            return new Result(process.exitValue(), out, errText.toString(), System.nanoTime() - start);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.getFirst() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static boolean available(String program) {
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
}
