package dev.jvmm.vmm;

import dev.jvmm.junit.JvmmTest;
import dev.jvmm.process.ProcessRunner;
import dev.jvmm.vmm.GuestPrograms.Libc;
import dev.jvmm.vmm.LanguagePrograms.Language;
import dev.jvmm.vmm.Qemu.Environment;
import dev.jvmm.vmm.SignalsTest.Outcome;
import dev.jvmm.vmm.boot.ArgumentBlock;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Threads (src/test/c/threads.c with musl and glibc, and C++, Rust and Go programs built from
 * Debian's toolchains): each program's output and status under QEMU's TCG (Intel and AMD models)
 * and on jvmm against the same binary run on this host; jvmm's own limits (256 threads, a wait
 * nothing can end) against their documented result. The jvmm tests need /dev/kvm and a timer
 * (KVM's in-kernel irqchip): without one, threads switch only when they block, and the spinning
 * thread of threads.c would starve the sleeping one.
 */
class ThreadsTest {
    @TempDir
    static Path dir;

    /** The documented thread limit (sched.s THREAD_MAX): the first thread and 255 more. */
    static final int THREAD_MAX = 256;

    static Outcome onHost(Path binary, String... args) {
        return SignalsTest.onHost(binary, Duration.ofSeconds(60), args);
    }

    static Qemu.Run qemu(Environment environment, Path binary, String... args) throws Exception {
        String append = "-- " + binary.getFileName() + (args.length == 0 ? "" : " " + String.join(" ", args));
        return Qemu.run(environment, BundledImage.file(dir), binary, append);
    }

    static Outcome underQemu(Environment environment, Path binary, String... args) throws Exception {
        Qemu.Run run = qemu(environment, binary, args);
        SignalsTest.assertKernelReported(run.serial());
        return new Outcome(run.guestStatus(), ProgramsTest.programOutput(run.serial()));
    }

    static MachineTest.Run jvmm(byte[] program, String name, String... args) {
        List<String> argv = new ArrayList<>(List.of(name));
        argv.addAll(List.of(args));
        return MachineTest.boot("", 256L << 20, Duration.ofSeconds(120), ArgumentBlock.of(argv, List.of()).module(program));
    }

    static Outcome onJvmm(byte[] program, String name, String... args) {
        MachineTest.Run run = jvmm(program, name, args);
        RunResult.Exited exited = assertInstanceOf(RunResult.Exited.class, run.result().outcome(), run.serial().toString());
        SignalsTest.assertKernelReported(run.serial());
        return new Outcome(exited.status(), ProgramsTest.programOutput(run.serial()));
    }

    static Stream<Arguments> qemuAndLanguage() {
        return Qemu.tcgWith(List.of(Language.values()));
    }

    // ---- pthreads: mutexes, condition variables, TLS, tids, futexes, signals, a spinner ------------

    static Outcome hostAll(Libc libc) throws Exception {
        Outcome host = onHost(GuestPrograms.build("threads", libc), "all");
        assertEquals(0, host.status(), host.output().toString());
        assertEquals("done", host.output().getLast());
        return host;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.jvmm.vmm.Qemu#tcgAndLibc")
    void underQemuPthreadProgramsBehaveAsOnLinux(Environment environment, Libc libc) throws Exception {
        assertEquals(hostAll(libc), underQemu(environment, GuestPrograms.build("threads", libc), "all"));
    }

    @JvmmTest
    @ParameterizedTest
    @EnumSource(Libc.class)
    void onJvmmPthreadProgramsBehaveAsOnLinux(Libc libc) throws Exception {
        assertEquals(hostAll(libc), onJvmm(GuestPrograms.bytes("threads", libc), "threads", "all"));
    }

    // ---- C++, Rust, Go ----------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("qemuAndLanguage")
    void underQemuThreadedCppRustAndGoProgramsBehaveAsOnLinux(Environment environment, Language language) throws Exception {
        Path binary = LanguagePrograms.build("threads", language);
        Outcome host = onHost(binary);
        assertEquals(0, host.status(), host.output().toString());
        assertEquals(host, underQemu(environment, binary));
    }

    @JvmmTest
    @ParameterizedTest
    @EnumSource(Language.class)
    void onJvmmThreadedCppRustAndGoProgramsBehaveAsOnLinux(Language language) throws Exception {
        Path binary = LanguagePrograms.build("threads", language);
        assertEquals(onHost(binary), onJvmm(LanguagePrograms.bytes("threads", language), "threads"));
    }

    // ---- Ends: a thread's exit(), a child with a bad stack or TLS --------------------------------

    static Stream<Arguments> ends() {
        List<Arguments> cases = new ArrayList<>();
        for (String mode : List.of("exit-thread", "bad-stack", "bad-tls")) {
            for (Environment environment : Qemu.TCG) {
                for (Libc libc : Libc.values()) {
                    cases.add(Arguments.of(mode, environment, libc));
                }
            }
        }
        return cases.stream();
    }

    /** exit() in a thread ends the process with its status; a child thread that faults kills it (SIGSEGV), the kernel lives. */
    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("ends")
    void underQemuTheProcessEndsAsOnLinux(String mode, Environment environment, Libc libc) throws Exception {
        Path binary = GuestPrograms.build("threads", libc);
        int expected = mode.equals("exit-thread") ? 7 : 128 + 11;
        assertEquals(expected, onHost(binary, mode).status());
        Qemu.Run run = qemu(environment, binary, mode);
        SignalsTest.assertKernelReported(run.serial());
        // QEMU's exit status keeps 7 bits of the guest's: 139 comes back as 11
        assertEquals(expected, expected == 7 ? run.guestStatus() : 0x80 | run.guestStatus(), run.serial().toString());
        if (expected != 7) {
            assertTrue(run.serial().get(run.serial().size() - 2).startsWith("jvmm-kernel: killed by signal 11 (SIGSEGV)"), run.serial().toString());
        }
    }

    @JvmmTest
    @ParameterizedTest
    @EnumSource(Libc.class)
    void onJvmmTheProcessEndsAsOnLinux(Libc libc) throws Exception {
        for (String mode : List.of("exit-thread", "bad-stack", "bad-tls")) {
            int expected = mode.equals("exit-thread") ? 7 : 128 + 11;
            assertEquals(expected, onHost(GuestPrograms.build("threads", libc), mode).status());
            MachineTest.Run run = jvmm(GuestPrograms.bytes("threads", libc), "threads", mode);
            assertEquals(new RunResult.Exited(expected), run.result().outcome(), run.serial().toString());
            SignalsTest.assertKernelReported(run.serial());
        }
    }

    // ---- Hostile: a thread bomb, a deadlock ----------------------------------------------------------

    static final String BOMB = "EAGAIN after " + (THREAD_MAX - 1) + " threads";

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.jvmm.vmm.Qemu#tcgAndLibc")
    void underQemuAThreadBombGetsEagainAtTheLimit(Environment environment, Libc libc) throws Exception {
        assertEquals(new Outcome(0, List.of(BOMB)), underQemu(environment, GuestPrograms.build("threads", libc), "bomb"));
    }

    @JvmmTest
    @ParameterizedTest
    @EnumSource(Libc.class)
    void onJvmmAThreadBombGetsEagainAtTheLimit(Libc libc) {
        assertEquals(new Outcome(0, List.of(BOMB)), onJvmm(GuestPrograms.bytes("threads", libc), "threads", "bomb"));
    }

    static final String DEADLOCK = "jvmm-kernel: every thread waits and nothing can wake one: halting";

    /** Every thread waits on a futex, no timer is armed: the kernel says so and halts; QEMU idles until its time limit. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.jvmm.vmm.Qemu#tcgAndLibc")
    void underQemuADeadlockIsReportedAndStoppedByTheTimeLimit(Environment environment, Libc libc) throws Exception {
        Path binary = GuestPrograms.build("threads", libc);
        Path image = BundledImage.file(dir);
        ProcessRunner.TimedOut timedOut = assertThrows(ProcessRunner.TimedOut.class,
                () -> Qemu.run(environment, image, binary, "-- threads deadlock", Duration.ofSeconds(20)));
        List<String> serial = timedOut.partial().out().replace("\r", "").lines().toList();
        assertEquals(List.of("deadlocking", DEADLOCK), serial.subList(serial.size() - 2, serial.size()), serial.toString());
    }

    @JvmmTest
    @ParameterizedTest
    @EnumSource(Libc.class)
    void onJvmmADeadlockHaltsTheVm(Libc libc) {
        MachineTest.Run run = jvmm(GuestPrograms.bytes("threads", libc), "threads", "deadlock");
        assertInstanceOf(RunResult.GuestDied.class, run.result().outcome(), run.serial().toString());
        assertEquals(DEADLOCK, run.serial().getLast());
    }
}
