package dev.jvmm.cli;

import dev.jvmm.junit.JvmmTest;
import dev.jvmm.process.ProcessRunner;
import dev.jvmm.vmm.BundledImage;
import dev.jvmm.vmm.GuestPrograms;
import dev.jvmm.vmm.HostCpu;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs {@code jvmm} as a separate process, as a user would, and checks streams and exit status,
 * for runs that boot a VM. Usage errors, which need no KVM, are checked in process by
 * {@link JvmmUsageTest}.
 */
@JvmmTest
public class JvmmCommandTest {
    @TempDir
    Path dir;

    public record Result(int status, String out, String err) {}

    /** The command that runs jvmm from this test class path, with extra JVM options, as its own process. */
    public static List<String> jvmmCommand(List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Jvmm.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /**
     * jvmm as its own process, stdin /dev/null, killed after 3 minutes ({@link ProcessRunner.TimedOut}).
     * A JVM that starts inside the emulated machine of tools/kvm-in-qemu, beside two more such
     * machines on two CPUs, took over 60 s to print its first lines: the deadline is for a hang.
     */
    public static Result jvmm(String... args) {
        ProcessRunner.Result result = ProcessRunner.of(jvmmCommand(List.of(), args)).deadline(Duration.ofMinutes(3)).run();
        return new Result(result.status(), result.out(), result.err());
    }

    /** Sends jvmm SIGINT, as Ctrl-C does, and waits up to 10 s for it to end: its exit status. */
    public static int interrupt(Process process) throws InterruptedException {
        ProcessRunner.of("kill", "-INT", Long.toString(process.pid())).deadline(Duration.ofSeconds(10)).run();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("SIGINT did not stop jvmm");
        }
        return process.exitValue();
    }

    @Test
    void runBootsTheBundledImage() throws Exception {
        Result result = jvmm("run");
        assertEquals(0, result.status(), result.err());
        assertTrue(result.out().startsWith("jvmm-demo: hello from user mode"), "stdout: the demo's alone: " + result.out());
        assertTrue(result.out().lines().allMatch(line -> line.startsWith("jvmm-demo: ")), result.out());
        assertEquals("", result.err(), "the kernel's report only with --verbose");
    }

    @Test
    void runBootsAnImageFromAPathAndReturnsTheGuestStatus() throws Exception {
        Result result = jvmm("run", "--memory", "32M", "--cmdline", "exit=9", BundledImage.file(dir).toString());
        assertEquals(9, result.status(), result.err());
        assertTrue(result.out().contains("memory 31 MiB"), result.out());
    }

    @Test
    void runPassesAProgramAndItsArgumentsAndReturnsItsStatus() throws Exception {
        Path hello = GuestPrograms.build("hello", GuestPrograms.Libc.MUSL);
        Result result = jvmm("run", "--entry-path", "INT80", "--", hello.toString(), "a b", "say \"hi\"");
        assertEquals(2, result.status(), result.err());
        assertEquals("hello from " + hello + "\nargv[1] = \"a b\"\nargv[2] = \"say \"hi\"\"\n", result.out());
        assertEquals("", result.err());
        Result verbose = jvmm("run", "-v", "--entry-path", "INT80", "--", hello.toString());
        assertTrue(verbose.err().contains(" gate=int80\n"), "the kernel's report on stderr: " + verbose.err());
        assertEquals("hello from " + hello + "\n", verbose.out());
    }

    @Test
    void runGivesTheProgramAnEnvironment() throws Exception {
        Path program = GuestPrograms.build("argv_env", GuestPrograms.Libc.MUSL);
        Result result = jvmm("run", "--env", "HOME=/home/user", "-e", "GREETING=a \"quoted\" value", "--", program.toString());
        assertEquals(0, result.status(), result.err());
        assertTrue(result.out().contains("envp[0] = \"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"\n"
                + "envp[1] = \"HOME=/home/user\"\nenvp[2] = \"GREETING=a \\\"quoted\\\" value\"\n"), result.out());
        Result cleared = jvmm("run", "--clear-env", "--env", "ONLY=1", "--", program.toString());
        assertTrue(cleared.out().contains("argc 1 envc 1 "), cleared.out());
        assertTrue(cleared.out().contains("envp[0] = \"ONLY=1\"\n"), cleared.out());
    }

    @Test
    void verboseReportsTheProtocolTheHostClockAndASummary() throws Exception {
        Result result = jvmm("run", "--verbose", "--cmdline", "exit=6");
        assertEquals(6, result.status(), result.err());
        List<String> lines = result.err().lines().filter(line -> line.startsWith("jvmm: ")).toList();
        assertEquals(3, lines.size(), result.err());
        assertTrue(result.err().contains("jvmm-kernel: booted in long mode"), "the kernel's report, with --verbose: " + result.err());
        assertTrue(result.err().contains("jvmm-kernel: cmdline \"exit=6 virtio_mmio.device=512@0xd0000000:5\"\n"), result.err());
        assertEquals("jvmm: (bundled guest.img): PVH (ELF64, Xen PHYS32_ENTRY note, entry 0x100000)", lines.get(0));
        assertTrue(lines.get(1).matches("jvmm: KVM clock: KVM_CAP_ADJUST_CLOCK 0x[0-9a-f]+ \\(.*\\), guest TSC \\d+ kHz, "
                + "(TSC-stable|not TSC-stable \\(no master clock on the host: the vDSO makes system calls\\))"), lines.get(1));
        assertTrue(lines.get(2).matches("jvmm: summary: exit status 6, \\d+ ms, \\d+ VM exits; KVM clock: .*"), lines.get(2));
    }

    @Test
    void jsonPrintsTheWholeResultAsOneObject() throws Exception {
        Result result = jvmm("run", "--json", "--", GuestPrograms.build("hello", GuestPrograms.Libc.MUSL).toString(), "x");
        assertEquals(1, result.status(), result.err());
        String json = result.out().strip();
        assertTrue(json.startsWith("{\"exit_status\":1,\"outcome\":\"exited\","), json);
        for (String part : List.of("\"serial\":\"jvmm-kernel: booted", "\"stdout\":\"hello from ", "argv[1] = \\\"x\\\"\\n\",\"stderr\":\"\",",
                "\"entry_paths\":{\"syscall\":", "\"program_exit_status\":1", "\"syscalls\":{\"16\":1,",
                "\"by_kind\":{\"io-out\":", "\"by_port\":{\"0x3f8\":", "\"tsc_khz\":")) {
            assertTrue(json.contains(part), part + " in " + json);
        }
        assertEquals(1, result.out().lines().count(), "one line: " + result.out());
    }

    @Test
    void traceExitsDescribesEveryExitThenCounts() throws Exception {
        Result result = jvmm("run", "--trace-exits", "--cmdline", "exit=2");
        assertEquals(2, result.status(), result.err());
        List<String> lines = result.err().lines().toList();
        assertEquals("jvmm: exit 1: io-out port 0x3f9 size 1 count 1 data 00", lines.getFirst());
        assertTrue(lines.contains("jvmm: kind                    exits"), result.err());
        assertTrue(lines.stream().anyMatch(line -> line.matches("jvmm: 0x501 +1")), result.err());
        long traced = lines.stream().filter(line -> line.matches("jvmm: exit \\d+: .*")).count();
        assertTrue(lines.contains(String.format("jvmm: %,d VM exits", traced)), result.err());
    }

    @Test
    void infoTellsWhatWillWork() throws Exception {
        Result text = jvmm("info");
        assertEquals(0, text.status(), text.err());
        assertTrue(text.out().contains("kvm_api_version: 12\n"), text.out());
        assertTrue(text.out().contains("  jvmm run: works"), text.out());
        Result json = jvmm("info", "--json");
        assertTrue(json.out().contains("\"KVM_CAP_USER_MEMORY\":1"), json.out());
        assertTrue(json.out().contains("\"software_hypervisor\":" + !HostCpu.hardwareVirtualization()), json.out());
    }

    @Test
    void timeoutStopsTheGuestWithStatus124() throws Exception {
        Result result = jvmm("run", "--timeout", "500ms", "--cmdline", "test=spin");
        assertEquals(124, result.status());
        assertEquals("jvmm: timed out after 500ms; the guest was stopped\n", result.err());
    }

    @Test
    void aDeadGuestGivesStatus126AndARegisterDump() throws Exception {
        Result result = jvmm("run", "--cmdline", "test=triple-fault");
        assertEquals(126, result.status());
        assertTrue(result.err().startsWith("jvmm: guest died: the guest shut down: triple fault"), result.err());
        assertTrue(result.err().contains("rip "), result.err());
    }
}
