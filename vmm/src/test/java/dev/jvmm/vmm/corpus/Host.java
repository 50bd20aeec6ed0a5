package dev.jvmm.vmm.corpus;

import dev.jvmm.process.ProcessRunner;
import dev.jvmm.vmm.GuestPrograms;
import dev.jvmm.vmm.GuestPrograms.Libc;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The reference side: a case's binary run on the host as the guest kernel starts it: the same
 * argv (argv[0] included) and only {@link Corpus#ENVIRONMENT}, in its order, through a small exec
 * helper ({@code src/test/c/host/exec-exact.c}: a shell or ProcessBuilder would put the path in
 * argv[0] and order the environment as they like); stdin from /dev/null; stdout and stderr into
 * one pipe (the guest's console carries both, in order, and is no terminal either, so libc
 * buffers the same way). Each case runs once per test run.
 */
final class Host {
    private static final Map<Case, Outcome> RUNS = new ConcurrentHashMap<>();

    private Host() {}

    static Outcome run(Case c) {
        return RUNS.computeIfAbsent(c, Host::execute);
    }

    private static Outcome execute(Case c) {
        List<String> command = new ArrayList<>();
        command.add(GuestPrograms.build("host/exec-exact", Libc.GLIBC).toAbsolutePath().toString());
        command.add(c.program().path().toAbsolutePath().toString());
        command.addAll(Corpus.ENVIRONMENT);
        command.add("--");
        command.addAll(c.argv());
        ProcessRunner.Result result = ProcessRunner.of(command).errorIntoOutput().directory(Path.of("/"))
                .environment(Map.of()).deadline(Duration.ofSeconds(120)).run();
        return new Outcome(result.status(), result.out());
    }
}
