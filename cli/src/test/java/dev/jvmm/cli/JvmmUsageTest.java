package dev.jvmm.cli;

import dev.jvmm.process.ProcessRunner;
import dev.jvmm.vmm.GuestPrograms;
import dev.jvmm.vmm.boot.ArgumentBlock;
import dev.jvmm.vmm.boot.PvhBoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What jvmm says about wrong command lines: one line on stderr, nothing on stdout, status 125.
 * None of this needs KVM, so it runs in this JVM through picocli (a JVM start per case cost the
 * suite 40 s); two cases run as real processes, for the path from {@code main} to the exit status.
 */
class JvmmUsageTest {
    @TempDir
    Path dir;

    record Result(int status, String out, String err) {}

    static Result jvmm(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Jvmm.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(status, out.toString(), err.toString());
    }

    private static void assertFailure(Result result, String message) {
        assertEquals(125, result.status(), result.err());
        assertEquals(message + "\n", result.err());
        assertEquals("", result.out());
    }

    @Test
    void aProgramThatCannotBeReadIsAJvmmError() {
        assertFailure(jvmm("run", "--", dir.resolve("nope").toString()), "jvmm: program " + dir.resolve("nope") + " does not exist");
        assertFailure(jvmm("run", "--", "x", "say \"hi\""), "jvmm: program x does not exist");
        assertFailure(jvmm("run", "--entry-path", "teleport"),
                "jvmm: Invalid value for option '--entry-path': expected one of [AUTO, SYSCALL, SYSENTER, INT80] (case-insensitive) but was 'teleport' (see 'jvmm run --help')");
    }

    @Test
    void badInputsGiveOneClearLineAndStatus125() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.txt"), "not a kernel\n");
        assertFailure(jvmm("run", dir.resolve("missing.img").toString()), "jvmm: image " + dir.resolve("missing.img") + " does not exist");
        assertFailure(jvmm("run", text.toString()), "jvmm: bad image " + text + ": not an ELF file (no \\x7fELF magic at offset 0)");
        assertFailure(jvmm("run", "--memory", "lots"),
                "jvmm: Invalid value for option '--memory': 'lots' is not a size (examples: 64M, 1G, 1048576) (see 'jvmm run --help')");
        assertFailure(jvmm("run", "--timeout", "soon"),
                "jvmm: Invalid value for option '--timeout': 'soon' is not a duration (examples: 500ms, 10s, 2m) (see 'jvmm run --help')");
        assertFailure(jvmm("run", "--frobnicate"), "jvmm: Unknown option: '--frobnicate' (see 'jvmm run --help')");
        assertFailure(jvmm(), "jvmm: missing command (try: jvmm run) (see 'jvmm --help')");
    }

    @Test
    void memoryOutsideTheRangeSaysTheRange() {
        for (String size : List.of("0", "1T", "8G", "1M")) {
            assertFailure(jvmm("run", "--memory", size), "jvmm: Invalid value for option '--memory': '" + size
                    + "' is out of range: guest memory is 2M to 3G, a multiple of 4K (see 'jvmm run --help')");
        }
    }

    @Test
    void cpusOutsideTheRangeSaysTheRange() {
        for (String count : List.of("0", "65", "-1")) {
            assertFailure(jvmm("run", "--cpus", count), "jvmm: Invalid value for option '--cpus': '" + count
                    + "' is out of range: a VM has 1 to 64 vCPUs (see 'jvmm run --help')");
        }
        assertFailure(jvmm("run", "--cpus", "two"),
                "jvmm: Invalid value for option '--cpus': 'two' is not a number of vCPUs (examples: 1, 4) (see 'jvmm run --help')");
    }

    @Test
    void aLinuxProgramGivenAsTheImageGetsTheCommandThatRunsIt() {
        // The "--" forgotten: a static program (ET_EXEC without a PVH note) and a PIE (ET_DYN).
        Path hello = GuestPrograms.build("hello", GuestPrograms.Libc.MUSL);
        assertFailure(jvmm("run", hello.toString()), "jvmm: bad image " + hello + ": no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY) "
                + "and no multiboot header in the first 8 KiB: jvmm boots PVH and multiboot v1 images, as QEMU's -kernel does. "
                + "It is a Linux program, not a kernel: to run it, use jvmm run -- " + hello);
        Path pie = Path.of("/bin/true");
        Result result = jvmm("run", pie.toString(), "--", "a", "b");
        assertEquals(125, result.status(), result.err());
        assertTrue(result.err().startsWith("jvmm: bad image /bin/true: e_type is 3 (ET_DYN"), result.err());
        assertTrue(result.err().endsWith(". It is a Linux program, not a kernel: to run it, use jvmm run -- /bin/true a b\n"), result.err());
    }

    @Test
    void copyOutSaysWhatItTakes() {
        assertFailure(jvmm("run", "--copy-out", "results"), "jvmm: --copy-out results: expected GUEST_DIR:HOST_DIR, e.g. /out:results");
        assertFailure(jvmm("run", "--copy-out", "/out:"), "jvmm: --copy-out /out:: expected GUEST_DIR:HOST_DIR, e.g. /out:results");
        for (String guest : List.of("out", "/my out", "/a,b")) {
            assertFailure(jvmm("run", "--copy-out", guest + ":" + dir), "jvmm: copy-out directory \"" + guest + "\": the guest "
                    + "directory is an absolute path without spaces, commas or control characters, shorter than 4096 bytes");
        }
        Path kernel = Path.of("").toAbsolutePath().getParent().resolve("guest-kernel/target/multiboot/mbinfo-elf32.img");
        assertFailure(jvmm("run", "--copy-out", "/out:" + dir, kernel.toString()),
                "jvmm: copy-out is the bundled kernel's; another image has no copy-out device driver");
    }

    @Test
    void theBundledKernelsWordsAreChecked() {
        assertFailure(jvmm("run", "--cmdline", "exit=300"),
                "jvmm: kernel command line word exit=300: the exit status is a number from 0 to 255 (the exit device carries one byte)");
        assertFailure(jvmm("run", "--cmdline", "exit=abc"),
                "jvmm: kernel command line word exit=abc: the exit status is a number from 0 to 255 (the exit device carries one byte)");
        assertFailure(jvmm("run", "--cmdline", "test=bogus"),
                "jvmm: kernel command line word test=bogus: the bundled kernel knows test=spin, test=halt, test=triple-fault, test=unemulated, test=units");
        assertFailure(jvmm("run", "--cmdline", "quiet entry=warp"),
                "jvmm: kernel command line word entry=warp: the entry paths are auto, syscall, sysenter, int80 (or use --entry-path)");
    }

    @Test
    void overLongArgumentsSayWhatIsTooLong() {
        String big = "x".repeat(ArgumentBlock.MAX_ARG_STRLEN);
        Result program = jvmm("run", "--", "demo", big);
        assertEquals(125, program.status(), program.err());
        assertTrue(program.err().contains(" is " + (big.length() + 1) + " bytes with its NUL; Linux's execve takes at most "
                + ArgumentBlock.MAX_ARG_STRLEN + " per string (MAX_ARG_STRLEN): argument list too long"), program.err());
        String kernelWords = "x".repeat(PvhBoot.CMDLINE_MAX);
        assertFailure(jvmm("run", "--cmdline", kernelWords + "y"), "jvmm: the guest kernel's command line would be "
                + (kernelWords.length() + 1) + " bytes, and at most " + PvhBoot.CMDLINE_MAX + " fit: --cmdline is too long");
    }

    @Test
    void helpAndVersionDescribeTheCommand() {
        Result help = jvmm("run", "--help");
        assertEquals(0, help.status());
        String synopsis = help.out().replaceAll("\\s+", " ");    // however picocli wraps it
        for (String option : List.of("--memory=SIZE", "--cpus=N", "--timeout=DURATION", "--cmdline=STRING", "--entry-path=PATH",
                "--console=KIND", "--timings", "[IMAGE] [-- PROGRAM [ARGS...]]")) {
            assertTrue(synopsis.contains(option), option + " in:\n" + help.out());
        }
        Result top = jvmm("--help");
        assertTrue(top.out().contains("124") && top.out().contains("125") && top.out().contains("126"), top.out());
        Result version = jvmm("--version");
        assertEquals(0, version.status());
        assertTrue(version.out().startsWith("jvmm "), version.out());
    }

    @Test
    void infoExitsNonZeroWhenItsVerdictIsThatRunWillNotWork() {
        // Runs here with or without KVM: the status must agree with the verdict printed.
        Result info = jvmm("info");
        boolean works = info.out().contains("\n  jvmm run: works");
        boolean willNotWork = info.out().contains("\n  jvmm run: will not work: ");
        assertTrue(works != willNotWork, info.out());
        assertEquals(works ? 0 : InfoCommand.WILL_NOT_WORK, info.status(), info.out());
        assertEquals(works ? 0 : 1, jvmm("info", "--json").status());
    }

    @Test
    void theCiGuideListsInfosExitStatuses() throws Exception {
        String guide = Files.readString(Path.of("").toAbsolutePath().getParent().resolve("docs/ci.md"));
        String[] statuses = new InfoCommand().spec.usageMessage().exitCodeList()
                .entrySet().stream().map(e -> "| " + e.getKey() + " | " + e.getValue() + " |").toArray(String[]::new);
        assertEquals(3, statuses.length);
        for (String row : statuses) {
            assertTrue(guide.contains(row + "\n"), "docs/ci.md must have the row " + row);
        }
    }

    @Test
    void asARealProcessTheStatusAndStreamsAreTheSame() {
        ProcessRunner.Result none = ProcessRunner.of(JvmmCommandTest.jvmmCommand(List.of())).deadline(Duration.ofSeconds(60)).run();
        assertEquals(125, none.status());
        assertEquals("jvmm: missing command (try: jvmm run) (see 'jvmm --help')\n", none.err());
        assertEquals("", none.out());
        ProcessRunner.Result version = ProcessRunner.of(JvmmCommandTest.jvmmCommand(List.of(), "--version"))
                .deadline(Duration.ofSeconds(60)).run();
        assertEquals(0, version.status(), version.err());
        assertTrue(version.out().startsWith("jvmm "), version.out());
    }
}
