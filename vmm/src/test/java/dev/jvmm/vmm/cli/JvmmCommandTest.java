package dev.jvmm.vmm.cli;

import dev.jvmm.junit.JvmmTest;
import dev.jvmm.vmm.BundledImage;
import dev.jvmm.vmm.GuestPrograms;
import dev.jvmm.vmm.HostCpu;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs {@code jvmm} as a separate process, as a user would, and checks streams and exit status. */
@JvmmTest
public class JvmmCommandTest {
    @TempDir
    Path dir;

    record Result(int status, String out, String err) {}

    /** The command that runs jvmm from this test class path, with extra JVM options, as its own process. */
    public static List<String> jvmmCommand(List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Jvmm.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    static Result jvmm(String... args) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(jvmmCommand(List.of(), args)).start();
        process.getOutputStream().close();
        var err = process.errorReader(StandardCharsets.UTF_8);
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String errText = err.lines().reduce("", (a, b) -> a + b + "\n");
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "jvmm did not exit");
        return new Result(process.exitValue(), out, errText);
    }

    @Test
    void runBootsTheBundledImage() throws Exception {
        Result result = jvmm("run");
        assertEquals(0, result.status(), result.err());
        assertTrue(result.out().startsWith("jvmm-kernel: booted in long mode"), result.out());
        assertTrue(result.out().contains("jvmm-demo: hello from user mode"), result.out());
        assertTrue(result.out().contains("\njvmm-kernel: exit 0\n"), result.out());
        assertEquals("", result.err());
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
        assertTrue(result.out().contains("gate=int80\nhello from " + hello + "\nargv[1] = \"a b\"\nargv[2] = \"say \"hi\"\"\n"),
                result.out());
        assertEquals("", result.err());
    }

    @Test
    void aProgramThatCannotBeReadIsAJvmmError() throws Exception {
        assertFailure(jvmm("run", "--", dir.resolve("nope").toString()), "jvmm: program " + dir.resolve("nope") + " does not exist");
        assertFailure(jvmm("run", "--", "x", "say \"hi\""), "jvmm: program x does not exist");
        assertFailure(jvmm("run", "--entry-path", "teleport"),
                "jvmm: Invalid value for option '--entry-path': expected one of [AUTO, SYSCALL, SYSENTER, INT80] (case-insensitive) but was 'teleport' (see 'jvmm run --help')");
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
        List<String> lines = result.err().lines().toList();
        assertEquals(3, lines.size(), result.err());
        assertEquals("jvmm: (bundled guest.img): PVH (ELF64, Xen PHYS32_ENTRY note, entry 0x100000)", lines.get(0));
        assertTrue(lines.get(1).matches("jvmm: KVM clock: KVM_CAP_ADJUST_CLOCK 0x[0-9a-f]+ \\(.*\\), guest TSC \\d+ kHz"), lines.get(1));
        assertTrue(lines.get(2).matches("jvmm: summary: exit status 6, \\d+ ms, \\d+ VM exits; KVM clock: .*"), lines.get(2));
    }

    @Test
    void jsonPrintsTheWholeResultAsOneObject() throws Exception {
        Result result = jvmm("run", "--json", "--", GuestPrograms.build("hello", GuestPrograms.Libc.MUSL).toString(), "x");
        assertEquals(1, result.status(), result.err());
        String json = result.out().strip();
        assertTrue(json.startsWith("{\"exit_status\":1,\"outcome\":\"exited\","), json);
        for (String part : List.of("\"serial\":\"jvmm-kernel: booted", "argv[1] = \\\"x\\\"\\n",
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

    @Test
    void badInputsGiveOneClearLineAndStatus125() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.txt"), "not a kernel\n");
        assertFailure(jvmm("run", dir.resolve("missing.img").toString()), "jvmm: image " + dir.resolve("missing.img") + " does not exist");
        assertFailure(jvmm("run", text.toString()), "jvmm: bad image " + text + ": not an ELF file (no \\x7fELF magic at offset 0)");
        assertFailure(jvmm("run", "--memory", "lots"),
                "jvmm: Invalid value for option '--memory': 'lots' is not a size (examples: 64M, 1G, 1048576) (see 'jvmm run --help')");
        assertFailure(jvmm("run", "--memory", "8G"), "jvmm: guest memory size 8589934592 bytes is not supported: use a multiple of 4 KiB between 2 MiB and 3072 MiB");
        assertFailure(jvmm("run", "--timeout", "soon"),
                "jvmm: Invalid value for option '--timeout': 'soon' is not a duration (examples: 500ms, 10s, 2m) (see 'jvmm run --help')");
        assertFailure(jvmm("run", "--frobnicate"), "jvmm: Unknown option: '--frobnicate' (see 'jvmm run --help')");
        assertFailure(jvmm(), "jvmm: missing command (try: jvmm run) (see 'jvmm --help')");
    }

    @Test
    void helpAndVersionDescribeTheCommand() throws Exception {
        Result help = jvmm("run", "--help");
        assertEquals(0, help.status());
        for (String option : List.of("--memory=SIZE", "--timeout=DURATION", "--cmdline=STRING", "--entry-path=PATH",
                "[IMAGE] [-- PROGRAM [ARGS...]]")) {
            assertTrue(help.out().contains(option), option + " in:\n" + help.out());
        }
        Result top = jvmm("--help");
        assertTrue(top.out().contains("124") && top.out().contains("125") && top.out().contains("126"), top.out());
        Result version = jvmm("--version");
        assertEquals(0, version.status());
        assertTrue(version.out().startsWith("jvmm "), version.out());
    }

    private static void assertFailure(Result result, String message) {
        assertEquals(125, result.status(), result.err());
        assertEquals(message + "\n", result.err());
        assertEquals("", result.out());
    }
}
