package dev.jvmm.vmm;

import dev.jvmm.api.KernelReport;
import dev.jvmm.junit.JvmmTest;
import dev.jvmm.process.ProcessRunner;
import dev.jvmm.vmm.GuestPrograms.Libc;
import dev.jvmm.vmm.Qemu.Environment;
import dev.jvmm.vmm.boot.ArgumentBlock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The system calls of descriptors, polling and process information (vmm/src/test/c/fdcalls.c), and
 * real programs that make them at start-up (busybox applets, a g++ iostream program, Rust programs):
 * on QEMU TCG as an Intel and an AMD CPU and on jvmm, each compared line by line with the same
 * binary run on this host with stdin from /dev/null, stdout and stderr to pipes and an empty
 * environment (the console is not a terminal, as those pipes are not).
 *
 * <p>Where Linux's answer depends on the host (its CPU, groups, session, file system, or what
 * /dev/null does differently from the console) the expected lines are jvmm's own, written here.
 */
class SystemCallsTest {
    @TempDir
    static Path dir;

    private static final Path OUTPUT = Path.of("target/guest-programs");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** What a run of a program printed and how it ended. */
    record Outcome(int status, List<String> output, KernelReport report) {}

    // ---- fdcalls.c -------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.jvmm.vmm.Qemu#tcgAndLibc")
    void descriptorCallsAnswerAsOnTheHostOnQemu(Environment environment, Libc libc) throws Exception {
        Path program = GuestPrograms.build("fdcalls", libc);
        checkDescriptorCalls(host(program), qemu(environment, program, "fdcalls"));
    }

    @JvmmTest
    @ParameterizedTest
    @EnumSource(Libc.class)
    void descriptorCallsAnswerAsOnTheHostOnJvmm(Libc libc) throws Exception {
        Path program = GuestPrograms.build("fdcalls", libc);
        checkDescriptorCalls(host(program), jvmm(program, "fdcalls"));
    }

    private static void checkDescriptorCalls(Outcome host, Outcome guest) {
        assertEquals(0, host.status(), host.output().toString());
        assertEquals(host.output(), guest.output());
        assertEquals(0, guest.status());
        assertEquals(Map.of(), guest.report().unimplemented(), "every call it makes has a handler");
    }

    /** jvmm's console and its one process, where a host's answer is its own. */
    static final List<String> CONSOLE = List.of(
            "fstat stdout: 0",
            "stdout: mode 20620 rdev 0x440",
            "F_GETFL stdin: 32768",
            "F_GETFL stdout: 32769",
            "F_GETFL stderr: 32769",
            "FIOASYNC on: -ENOTTY",
            "FIONREAD stdin: -ENOTTY",
            "read stdin from unmapped memory: 0",
            "pread64 stdin: -ESPIPE",
            "lseek stdin: -ESPIPE",
            "sendfile stdin at an offset: -ESPIPE",
            "sendfile stdin to stdout: 0",
            "poll the console for everything: 3",
            "revents: 0x1 0x4 0x4",
            "select fd 100 (beyond the table's 64): 0",
            "dup2 1 100: 100",
            "select fd 100 now: 0",
            "close 100: 0",
            "getcpu: 0",
            "cpu 0 node 0, the vDSO's cpu 0",
            "sched_getaffinity len 16: 8",
            "mask 0x1 0",
            "sched_getaffinity pid 1: 8",
            "sched_setaffinity CPU 0: 0",
            "sched_setaffinity CPUs 0 and 1: 0",
            "sched_setaffinity len 1: 0",
            "sysinfo: uptime > 0 1, procs 1, loads 0, swap 0, RAM above 64 MiB 1",
            "umask at start: 18",
            "getgroups: 0",
            "setgroups 4: 0",
            "getgroups 2: -EINVAL",
            "getgroups 4: 4",
            "groups: 10 10 20 30",
            "getgroups into kernel memory: -EFAULT",
            "setgroups from kernel memory: -EFAULT",
            "setgroups 65537: -EINVAL",
            "setgroups 0: 0",
            "getgroups after 0: 0",
            "getpgrp: 1",
            "getpgid 0: 1",
            "getpgid 1: 1",
            "getsid 0: 1",
            "setsid: -EPERM",
            "setpgid 0 0: -EPERM",
            "getpriority: 20",
            "getpriority PRIO_PGRP 1: 20",
            "getpriority PRIO_USER 0: 20",
            "getpriority PRIO_USER 1000: -ESRCH",
            "setpriority nice -20: 0",
            "getpriority after nice -20: 40",
            "setrlimit NOFILE above 4096: -EPERM",
            "setrlimit NOFILE 4096: 0",
            "dup2 1 4095: 4095",
            "dup2 1 4096: -EBADF",
            "poll 4097 fds: -EINVAL",
            "init_module: -ENOSYS",
            "system call 335: -ENOSYS");

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.jvmm.vmm.Qemu#tcgAndLibc")
    void theConsoleIsACharacterDeviceThatIsNotATerminalOnQemu(Environment environment, Libc libc) throws Exception {
        checkConsole(qemu(environment, GuestPrograms.build("fdcalls", libc), "fdcalls", "console"));
    }

    @JvmmTest
    @ParameterizedTest
    @EnumSource(Libc.class)
    void theConsoleIsACharacterDeviceThatIsNotATerminalOnJvmm(Libc libc) throws Exception {
        checkConsole(jvmm(GuestPrograms.build("fdcalls", libc), "fdcalls", "console"));
    }

    /** The console's lines, and the exit report naming the two calls without a handler. */
    private static void checkConsole(Outcome guest) {
        assertEquals(CONSOLE, guest.output());
        assertEquals(0, guest.status());
        assertEquals(Map.of(175, 1L, 335, 1L), guest.report().unimplemented());
        assertEquals(Map.of(175, "init_module"), guest.report().unimplementedNames(), "335 is not assigned");
    }

    // ---- fdfuzz.c: random arguments, the kernel lives ---------------------------------------------

    static final List<String> FUZZ_SEEDS = List.of("1", "0x5eed", "20261128");
    static final int FUZZ_CALLS = 20000;

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.jvmm.vmm.Qemu#tcgAndLibc")
    void randomArgumentsLeaveTheKernelAliveOnQemu(Environment environment, Libc libc) throws Exception {
        for (String seed : FUZZ_SEEDS) {
            checkFuzz(qemu(environment, GuestPrograms.build("fdfuzz", libc), "fdfuzz", seed, String.valueOf(FUZZ_CALLS)));
        }
    }

    @JvmmTest
    @ParameterizedTest
    @EnumSource(Libc.class)
    void randomArgumentsLeaveTheKernelAliveOnJvmm(Libc libc) throws Exception {
        for (String seed : FUZZ_SEEDS) {
            checkFuzz(jvmm(GuestPrograms.build("fdfuzz", libc), "fdfuzz", seed, String.valueOf(FUZZ_CALLS)));
        }
    }

    private static void checkFuzz(Outcome guest) {
        assertEquals(0, guest.status(), guest.output().toString());
        assertEquals(0, guest.report().exitStatus(), "the program exited, the kernel did not panic");
        assertTrue(guest.report().syscallsTotal() >= FUZZ_CALLS, guest.report().toString());
    }

    // ---- Real programs ---------------------------------------------------------------------------

    /** busybox applets that need no file: same output and status as on the host. */
    static final List<List<String>> APPLETS = List.of(
            List.of("printf", "%s-%d|%x\\n", "abc", "42", "255"),
            List.of("seq", "1", "10"),
            List.of("seq", "-s", ",", "5", "-2", "-5"),
            List.of("md5sum"),
            List.of("echo", "hello", "world"),
            List.of("cat"),
            List.of("wc"),
            List.of("sort"),
            List.of("basename", "/usr/lib/x.so", ".so"),
            List.of("expr", "6", "*", "7"),
            List.of("expr", "1", "=", "2"),
            List.of("env"),
            List.of("true"),
            List.of("false"),
            List.of("tty"),
            List.of("stty"),
            List.of("test", "-t", "1"),
            List.of("sha256sum"),
            List.of("od", "-c"),
            List.of("awk", "BEGIN{print(6*7,substr(1234,2,2))}"),
            List.of("sed", "-n", "p"),
            List.of("tr", "a-z", "A-Z"),
            List.of("sleep", "0.05"),
            List.of("uname", "-s", "-m"));

    static Stream<Arguments> qemuAndApplet() {
        return Qemu.tcgWith(APPLETS);
    }

    @ParameterizedTest(name = "{0} busybox {1}")
    @MethodSource("qemuAndApplet")
    void busyboxAppletsBehaveAsOnTheHostOnQemu(Environment environment, List<String> applet) throws Exception {
        checkSameAsHost(busybox(applet), qemu(environment, BUSYBOX, busyboxArgv(applet)));
    }

    @JvmmTest
    @ParameterizedTest(name = "busybox {0}")
    @MethodSource("applets")
    void busyboxAppletsBehaveAsOnTheHostOnJvmm(List<String> applet) throws Exception {
        checkSameAsHost(busybox(applet), jvmm(BUSYBOX, busyboxArgv(applet)));
    }

    static Stream<List<String>> applets() {
        return APPLETS.stream();
    }

    /**
     * Applets whose answer is the guest's own: id and whoami read /etc/passwd and /etc/group, which
     * the guest does not have (yet); one CPU; the host name uname gives.
     */
    static final Map<List<String>, Outcome> GUEST_APPLETS = Map.of(
            List.of("id"), new Outcome(0, List.of("uid=0 gid=0"), null),
            List.of("id", "-G"), new Outcome(0, List.of("0"), null),
            List.of("whoami"), new Outcome(1, List.of("whoami: unknown uid 0"), null),
            List.of("nproc"), new Outcome(0, List.of("1"), null),
            List.of("hostname"), new Outcome(0, List.of("jvmm"), null));

    @ParameterizedTest
    @EnumSource(value = Environment.class, names = {"TCG_INTEL", "TCG_AMD"})
    void busyboxAppletsThatAnswerForTheGuestOnQemu(Environment environment) throws Exception {
        for (Map.Entry<List<String>, Outcome> applet : GUEST_APPLETS.entrySet()) {
            checkGuestApplet(applet.getValue(), qemu(environment, BUSYBOX, busyboxArgv(applet.getKey())));
        }
    }

    @JvmmTest
    @Test
    void busyboxAppletsThatAnswerForTheGuestOnJvmm() throws Exception {
        for (Map.Entry<List<String>, Outcome> applet : GUEST_APPLETS.entrySet()) {
            checkGuestApplet(applet.getValue(), jvmm(BUSYBOX, busyboxArgv(applet.getKey())));
        }
    }

    private static void checkGuestApplet(Outcome expected, Outcome guest) {
        assertEquals(expected.status(), guest.status(), guest.output().toString());
        assertEquals(expected.output(), guest.output());
        assertEquals(Map.of(), guest.report().unimplemented(), "every call it makes has a handler");
    }

    static final List<String> CXX_ARGS = List.of("12", "x", "7");

    @ParameterizedTest
    @EnumSource(value = Environment.class, names = {"TCG_INTEL", "TCG_AMD"})
    void aStaticCxxProgramWithIostreamAndExceptionsOnQemu(Environment environment) throws Exception {
        Path program = cxx("exceptions");
        checkSameAsHost(host(program, CXX_ARGS), qemu(environment, program, argv("exceptions", CXX_ARGS)));
    }

    @JvmmTest
    @Test
    void aStaticCxxProgramWithIostreamAndExceptionsOnJvmm() throws Exception {
        Path program = cxx("exceptions");
        checkSameAsHost(host(program, CXX_ARGS), jvmm(program, argv("exceptions", CXX_ARGS)));
    }

    static final List<String> RUST_ARGS = List.of("one", "two");

    @ParameterizedTest
    @EnumSource(value = Environment.class, names = {"TCG_INTEL", "TCG_AMD"})
    void rustProgramsOnQemu(Environment environment) throws Exception {
        for (String name : List.of("hello", "files")) {
            Path program = rust(name);
            checkRust(host(program, RUST_ARGS), qemu(environment, program, argv(name, RUST_ARGS)));
        }
    }

    @JvmmTest
    @Test
    void rustProgramsOnJvmm() throws Exception {
        for (String name : List.of("hello", "files")) {
            Path program = rust(name);
            checkRust(host(program, RUST_ARGS), jvmm(program, argv(name, RUST_ARGS)));
        }
    }

    /** Rust's runtime installs a signal stack (sigaltstack: the signals' part); all else has handlers. */
    private static void checkRust(Outcome host, Outcome guest) {
        assertEquals(host.status(), guest.status(), guest.output().toString());
        assertEquals(host.output(), guest.output());
        Map<Integer, Long> unimplemented = new TreeMap<>(guest.report().unimplemented());
        unimplemented.remove(131);
        assertEquals(Map.of(), unimplemented, guest.report().toString());
    }

    private static void checkSameAsHost(Outcome host, Outcome guest) {
        assertEquals(host.status(), guest.status(), guest.output().toString());
        assertEquals(host.output(), guest.output());
        assertEquals(Map.of(), guest.report().unimplemented(), "every call it makes has a handler");
    }

    // ---- Running ---------------------------------------------------------------------------------

    static final Path BUSYBOX = Path.of("/bin/busybox");

    static List<String> busyboxArgv(List<String> applet) {
        return argv("busybox", applet);
    }

    static Outcome busybox(List<String> applet) throws Exception {
        return host(BUSYBOX, applet);
    }

    static List<String> argv(String name, List<String> args) {
        List<String> argv = new ArrayList<>(List.of(name));
        argv.addAll(args);
        return argv;
    }

    /**
     * The program on this host: stdin /dev/null, stdout and stderr on pipes of their own, no
     * environment; its output is its stdout's lines, then its stderr's (the programs here do not
     * interleave them).
     */
    static Outcome host(Path program, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of(program.toAbsolutePath().toString()));
        command.addAll(args);
        ProcessRunner.Result result = ProcessRunner.of(command).environment(Map.of()).deadline(TIMEOUT).run();
        List<String> output = new ArrayList<>(result.out().lines().toList());
        output.addAll(result.err().lines().toList());
        return new Outcome(result.status(), output, null);
    }

    static Outcome host(Path program) throws Exception {
        return host(program, List.of());
    }

    static Outcome qemu(Environment environment, Path program, String... argv) throws Exception {
        return qemu(environment, program, List.of(argv));
    }

    static Outcome qemu(Environment environment, Path program, List<String> argv) throws Exception {
        Path initrd = Files.write(dir.resolve("initrd-" + program.getFileName()), module(program, argv));
        Qemu.Run run = Qemu.run(environment, BundledImage.file(dir), initrd, "");
        return outcome(run.guestStatus(), run.serial());
    }

    static Outcome jvmm(Path program, String... argv) throws IOException {
        return jvmm(program, List.of(argv));
    }

    static Outcome jvmm(Path program, List<String> argv) throws IOException {
        MachineTest.Run run = MachineTest.boot("", 128L << 20, TIMEOUT, module(program, argv));
        return outcome(((RunResult.Exited) run.result().outcome()).status(), run.serial());
    }

    /** The program after an argument block with its argv, as jvmm passes it. */
    private static byte[] module(Path program, List<String> argv) throws IOException {
        return ArgumentBlock.of(argv, List.of()).module(Files.readAllBytes(program));
    }

    private static Outcome outcome(int status, List<String> serial) {
        return new Outcome(status, ProgramsTest.programOutput(serial), KernelReport.parse(serial));
    }

    // ---- Building --------------------------------------------------------------------------------

    /** {@code src/test/cxx/<name>.cc}, built with g++ -static. */
    static Path cxx(String name) {
        Path source = Path.of("src/test/cxx", name + ".cc");
        return compile(source, OUTPUT.resolve("cxx/" + name),
                List.of("g++", "-static", "-O2", "-Wall", "-Werror", "-o", "%o", source.toString()));
    }

    /**
     * {@code src/test/rust/<name>.rs}, built with Debian's rustc as a static executable; non-PIE
     * (relocation-model=static) until the kernel loads static-pie programs.
     */
    static Path rust(String name) {
        Path source = Path.of("src/test/rust", name + ".rs");
        return compile(source, OUTPUT.resolve("rust/" + name), List.of("/usr/bin/rustc", "-O", "-C",
                "target-feature=+crt-static", "-C", "relocation-model=static", "-o", "%o", source.toString()));
    }

    private static synchronized Path compile(Path source, Path binary, List<String> template) {
        try {
            if (Files.exists(binary) && Files.getLastModifiedTime(binary).compareTo(Files.getLastModifiedTime(source)) > 0) {
                return binary;
            }
            Files.createDirectories(binary.getParent());
            List<String> command = template.stream().map(word -> word.equals("%o") ? binary.toString() : word).toList();
            ProcessRunner.Result result = ProcessRunner.of(command).deadline(Duration.ofSeconds(300)).run();
            if (result.status() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + result.output());
            }
            return binary;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
