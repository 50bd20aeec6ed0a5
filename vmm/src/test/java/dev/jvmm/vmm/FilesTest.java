package dev.jvmm.vmm;

import dev.jvmm.api.MicroVm;
import dev.jvmm.api.VmResult;
import dev.jvmm.junit.JvmmTest;
import dev.jvmm.process.ProcessRunner;
import dev.jvmm.vmm.GuestPrograms.Libc;
import dev.jvmm.vmm.Qemu.Environment;
import dev.jvmm.vmm.boot.ArgumentBlock;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.LinkOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The in-memory file system and the initramfs (docs/kernel.md, "The file system";
 * docs/boot-protocol.md, "The initramfs"), on QEMU TCG as an Intel and an AMD CPU and on jvmm:
 *
 * <ul>
 * <li>files.c makes the file-system calls and prints their results and errnos; on the host it runs
 *     in an empty scratch directory, in the guest at the root: both work under "scratch" by
 *     relative paths only, so the lines must match.</li>
 * <li>busybox applets read and write files of an initramfs built here with Commons Compress; on
 *     the host the same busybox runs in a directory holding the same tree (extracted from the same
 *     archive, with the same times), given the same relative paths.</li>
 * <li>hostile: files that fill the memory (ENOSPC, then the memory comes back), a truncated and a
 *     garbage archive (the kernel says so and runs the program), and the kernel's cpio reader
 *     given 100,000 mutated archives in one boot under QEMU (2,000 on jvmm) (cpio-fuzz).</li>
 * </ul>
 */
class FilesTest {
    @TempDir
    static Path dir;

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    /** 2001-09-09T01:46:40Z, the members' mtime: ls -l prints it the same everywhere. */
    private static final long MTIME = 1_000_000_000L;
    private static final List<String> APPLETS = List.of("cat", "ls", "wc", "sort", "find", "mkdir", "rm", "cp", "tar", "md5sum", "readlink");
    private static final Map<String, String> FILES = Map.of(
            "etc/fruits", "banana\napple\ncherry\n",
            "data/words", "the\nquick\nbrown\nfox\njumps\nover\nthe\nlazy\ndog\n",
            "data/tree/a/b/c.txt", "deep\n",
            "data/tree/top.txt", "top\n");

    /** A script in the archive: its arguments, a pipeline, a command substitution, a status of its own. */
    private static final String GREET = "#!/bin/busybox sh\necho \"greeting $1 from $0\"\nsort etc/fruits | head -2\n"
            + "n=$(ls data | wc -l); echo \"$n entries\"\nexit 3\n";

    static byte[] busybox;
    static byte[] rootArchive;
    static int rootMembers;
    static Path hostRoot;

    @BeforeAll
    static void buildTheArchive() throws IOException {
        busybox = Files.readAllBytes(Path.of("/bin/busybox"));
        Archive archive = new Archive();
        archive.directory("bin", 0755);
        archive.file("bin/busybox", 0755, busybox);
        for (String applet : APPLETS) {
            archive.symlink("bin/" + applet, "busybox");
        }
        archive.directory("etc", 0755);
        archive.directory("data", 0755);
        archive.directory("data/tree", 0755);
        archive.directory("data/tree/a", 0700);
        archive.directory("data/tree/a/b", 0755);
        archive.directory("tmp", 01777);
        FILES.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> archive.file(e.getKey(), 0644, e.getValue().getBytes(StandardCharsets.UTF_8)));
        archive.symlink("data/tree/link", "top.txt");
        archive.file("etc/greet.sh", 0755, GREET.getBytes(StandardCharsets.UTF_8));
        rootArchive = archive.finish();
        rootMembers = archive.members.size();
        hostRoot = archive.extract(dir.resolve("host-root"));
    }

    /** A newc archive written with Commons Compress, remembered to be extracted on the host alike. */
    static final class Archive {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CpioArchiveOutputStream out = new CpioArchiveOutputStream(bytes, CpioConstants.FORMAT_NEW);
        private final List<Object[]> members = new ArrayList<>();

        void directory(String name, int mode) {
            put(name, CpioConstants.C_ISDIR | mode, new byte[0]);
        }

        void file(String name, int mode, byte[] data) {
            put(name, CpioConstants.C_ISREG | mode, data);
        }

        void symlink(String name, String target) {
            put(name, CpioConstants.C_ISLNK | 0777, target.getBytes(StandardCharsets.UTF_8));
        }

        private void put(String name, int mode, byte[] data) {
            try {
                CpioArchiveEntry entry = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, name, data.length);
                entry.setMode(mode);
                entry.setTime(MTIME);
                entry.setNumberOfLinks((mode & CpioConstants.S_IFMT) == CpioConstants.C_ISDIR ? 2 : 1);
                out.putArchiveEntry(entry);
                out.write(data);
                out.closeArchiveEntry();
                members.add(new Object[]{name, mode, data});
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        byte[] finish() throws IOException {
            out.finish();
            return bytes.toByteArray();
        }

        /** The same tree on the host, times included (directories' last, as members change them). */
        Path extract(Path root) throws IOException {
            Files.createDirectories(root);
            List<Path> directories = new ArrayList<>();
            for (Object[] member : members) {
                Path path = root.resolve((String) member[0]);
                int mode = (Integer) member[1];
                byte[] data = (byte[]) member[2];
                switch (mode & CpioConstants.S_IFMT) {
                    case CpioConstants.C_ISDIR -> {
                        Files.createDirectories(path);
                        directories.add(path);
                    }
                    case CpioConstants.C_ISLNK -> Files.createSymbolicLink(path, Path.of(new String(data, StandardCharsets.UTF_8)));
                    default -> Files.write(path, data);
                }
                if ((mode & CpioConstants.S_IFMT) != CpioConstants.C_ISLNK) {
                    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(rwx(mode)));
                }
            }
            FileTime time = FileTime.fromMillis(MTIME * 1000);
            for (Object[] member : members.reversed()) {
                Files.getFileAttributeView(root.resolve((String) member[0]), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .setTimes(time, time, null);
            }
            return root;
        }

        private static String rwx(int mode) {
            StringBuilder s = new StringBuilder();
            for (int shift = 6; shift >= 0; shift -= 3) {
                s.append((mode >> shift & 4) != 0 ? 'r' : '-').append((mode >> shift & 2) != 0 ? 'w' : '-')
                        .append((mode >> shift & 1) != 0 ? 'x' : '-');
            }
            return s.toString();
        }
    }

    /** What a run printed (the program's lines; the kernel's own lines apart) and its status. */
    record Outcome(int status, List<String> output, List<String> kernel) {}

    static Outcome qemu(Environment environment, byte[] module, String append) throws IOException {
        Path initrd = Files.write(Files.createTempFile(dir, "initrd", ""), module);
        Qemu.Run run = Qemu.run(environment, BundledImage.file(dir), initrd, append);
        return outcome(run.guestStatus(), run.serial());
    }

    static Outcome jvmm(byte[] module, String cmdline) {
        MachineTest.Run run = MachineTest.boot(cmdline, 128L << 20, TIMEOUT, module);
        return outcome(((RunResult.Exited) run.result().outcome()).status(), run.serial());
    }

    private static Outcome outcome(int status, List<String> serial) {
        return new Outcome(status, ProgramsTest.programOutput(serial),
                serial.stream().filter(line -> line.startsWith("jvmm-kernel: ")).toList());
    }

    static Outcome host(List<String> command, Path directory) {
        ProcessRunner.Result result = ProcessRunner.of(command).directory(directory).deadline(TIMEOUT).run();
        List<String> output = new ArrayList<>(result.out().lines().toList());
        output.addAll(result.err().lines().toList());
        return new Outcome(result.status(), output, List.of());
    }

    // ---- files.c ---------------------------------------------------------------------------------

    /** files.c as the guest's program, at /files, without an initramfs. */
    static byte[] filesModule(Libc libc) throws IOException {
        return ArgumentBlock.of(List.of("/files"), List.of()).module(GuestPrograms.bytes("files", libc));
    }

    static Outcome filesOnHost(Libc libc) throws IOException {
        Path scratch = Files.createTempDirectory(dir, "files-" + libc);
        return host(List.of(GuestPrograms.build("files", libc).toAbsolutePath().toString()), scratch);
    }

    static void checkSameAsHost(Outcome host, Outcome guest) {
        assertEquals(0, host.status(), () -> "on the host: " + host.output());
        assertTrue(host.output().size() > 150, () -> "the host printed too little: " + host.output());
        assertEquals(host.output(), guest.output());
        assertEquals(host.status(), guest.status());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.jvmm.vmm.Qemu#tcgAndLibc")
    void fileSystemCallsAnswerAsOnTheHostOnQemu(Environment environment, Libc libc) throws Exception {
        checkSameAsHost(filesOnHost(libc), qemu(environment, filesModule(libc), ""));
    }

    @JvmmTest
    @ParameterizedTest
    @EnumSource(Libc.class)
    void fileSystemCallsAnswerAsOnTheHostOnJvmm(Libc libc) throws Exception {
        checkSameAsHost(filesOnHost(libc), jvmm(filesModule(libc), ""));
    }

    // ---- busybox applets on the initramfs ------------------------------------------------------

    /** An applet's arguments, all paths relative (the guest's working directory is /), and whether its lines' order is readdir's. */
    record Applet(List<String> args, boolean anyOrder) {
        @Override
        public String toString() {
            return String.join(" ", args);
        }
    }

    static Stream<Applet> applets() {
        return Stream.of(
                new Applet(List.of("cat", "etc/fruits", "data/words", "data/tree/link"), false),
                new Applet(List.of("ls", "-ln", "etc", "data/tree/a/b", "bin/busybox", "data/tree/link"), false),
                new Applet(List.of("ls", "-lnL", "data/tree/link"), false),
                new Applet(List.of("wc", "etc/fruits", "data/words"), false),
                new Applet(List.of("sort", "data/words", "etc/fruits"), false),
                new Applet(List.of("find", "data", "etc", "-type", "f"), true),
                new Applet(List.of("md5sum", "bin/busybox", "etc/fruits"), false),
                new Applet(List.of("mkdir", "-pv", "tmp/x/y/z"), false),
                new Applet(List.of("cp", "-rv", "data", "tmp/copy"), true),
                new Applet(List.of("tar", "-cvf", "tmp/all.tar", "etc", "data"), true),
                new Applet(List.of("rm", "-rv", "data"), true),
                new Applet(List.of("sh", "etc/greet.sh", "one"), false),
                new Applet(List.of("sh", "-c", "./etc/greet.sh two; echo status $?"), false));
    }

    static List<String> busyboxCommand(Applet applet) {
        List<String> argv = new ArrayList<>(List.of("/bin/busybox"));
        argv.addAll(applet.args());
        return argv;
    }

    static byte[] appletModule(Applet applet) {
        return ArgumentBlock.of(busyboxCommand(applet), List.of("TZ=UTC0")).module(busybox, rootArchive);
    }

    static Outcome appletOnHost(Applet applet) throws IOException {
        Path copy = Files.createTempDirectory(dir, "host-applet");
        assertEquals(0, ProcessRunner.of("cp", "-a", hostRoot + "/.", copy.toString()).run().status());
        ProcessRunner.Result result = ProcessRunner.of(busyboxCommand(applet)).directory(copy).deadline(TIMEOUT).run();
        List<String> output = new ArrayList<>(result.out().lines().toList());
        output.addAll(result.err().lines().toList());
        return new Outcome(result.status(), output, List.of());
    }

    static void checkApplet(Applet applet, Outcome host, Outcome guest) {
        assertTrue(guest.kernel().contains("jvmm-kernel: initramfs " + rootMembers + " members"), () -> guest.kernel().toString());
        List<String> expected = host.output();
        List<String> actual = guest.output();
        if (applet.anyOrder()) {
            expected = expected.stream().sorted().toList();
            actual = actual.stream().sorted().toList();
        }
        assertTrue(!expected.isEmpty(), applet + " printed nothing on the host");
        assertEquals(expected, actual, applet.toString());
        assertEquals(host.status(), guest.status(), applet.toString());
    }

    static Stream<Arguments> qemuAndApplet() {
        return Stream.of(Environment.TCG_INTEL, Environment.TCG_AMD)
                .flatMap(environment -> applets().map(applet -> Arguments.of(environment, applet)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("qemuAndApplet")
    void busyboxAppletsWorkOnTheInitramfsAsOnTheHostOnQemu(Environment environment, Applet applet) throws Exception {
        checkApplet(applet, appletOnHost(applet), qemu(environment, appletModule(applet), ""));
    }

    @JvmmTest
    @ParameterizedTest
    @MethodSource("applets")
    void busyboxAppletsWorkOnTheInitramfsAsOnTheHostOnJvmm(Applet applet, MicroVm.Builder vm) throws Exception {
        Path archive = Files.write(dir.resolve("root.cpio"), rootArchive);
        VmResult result = vm.initrd(archive).program(busyboxCommand(applet)).env("TZ", "UTC0")
                .console(dev.jvmm.api.Console.SERIAL).timeout(TIMEOUT).build().run();
        checkApplet(applet, appletOnHost(applet), outcome(result.exitStatus(), result.serialLines()));
    }

    static final List<String> ARCHIVE_WRITE = List.of("etc/fruits after O_TRUNC: 0 bytes", "etc/fruits: 5 kiwi",
            "bin/busybox changed in the middle: yes", "bin/busybox size kept: yes", "bin/busybox grew by: 4097",
            "data/words untouched: the", "quick");

    static byte[] archiveWriteModule() throws IOException {
        return ArgumentBlock.of(List.of("/archive_write"), List.of()).module(GuestPrograms.bytes("archive_write", Libc.MUSL), rootArchive);
    }

    @ParameterizedTest
    @EnumSource(value = Environment.class, names = {"TCG_INTEL", "TCG_AMD"})
    void archiveFilesAreCopiedAtTheirFirstChangeOnQemu(Environment environment) throws Exception {
        assertEquals(new Outcome(0, ARCHIVE_WRITE, List.of()), withoutKernelLines(qemu(environment, archiveWriteModule(), "")));
    }

    @JvmmTest
    @Test
    void archiveFilesAreCopiedAtTheirFirstChangeOnJvmm() throws Exception {
        assertEquals(new Outcome(0, ARCHIVE_WRITE, List.of()), withoutKernelLines(jvmm(archiveWriteModule(), "")));
    }

    /** Started as /bin/readlink, a symlink to busybox: /proc/self/exe names busybox, as on Linux. */
    static byte[] exeModule() {
        return ArgumentBlock.of(List.of("/bin/readlink", "/proc/self/exe"), List.of()).module(busybox, rootArchive);
    }

    @ParameterizedTest
    @EnumSource(value = Environment.class, names = {"TCG_INTEL", "TCG_AMD"})
    void procSelfExeNamesTheProgramsFileOnQemu(Environment environment) throws Exception {
        assertEquals(new Outcome(0, List.of("/bin/busybox"), List.of()), withoutKernelLines(qemu(environment, exeModule(), "")));
    }

    @JvmmTest
    @Test
    void procSelfExeNamesTheProgramsFileOnJvmm() {
        assertEquals(new Outcome(0, List.of("/bin/busybox"), List.of()), withoutKernelLines(jvmm(exeModule(), "")));
    }

    static Outcome withoutKernelLines(Outcome outcome) {
        return new Outcome(outcome.status(), outcome.output(), List.of());
    }

    // ---- /proc --------------------------------------------------------------------------------------

    static byte[] procModule() {
        return ArgumentBlock.of(List.of("/bin/busybox", "cat", "/proc/uptime", "/proc/meminfo", "/proc/cpuinfo"),
                List.of()).module(busybox);
    }

    /** The generated files have Linux's formats (what busybox free, uptime and top parse). */
    static void checkProc(Outcome guest, String vendor) {
        List<String> lines = guest.output();
        assertTrue(lines.getFirst().matches("\\d+\\.\\d\\d 0\\.00"), lines.getFirst());
        List<String> labels = List.of("MemTotal", "MemFree", "MemAvailable", "Buffers", "Cached", "SwapTotal", "SwapFree", "Shmem");
        for (int i = 0; i < labels.size(); i++) {
            String line = lines.get(1 + i);
            assertTrue(line.matches(labels.get(i) + ":\\s+\\d+ kB") && line.length() == 27, line);
        }
        long total = Long.parseLong(lines.get(1).replaceAll("\\D", ""));
        assertTrue(total > 100_000 && total < 131_072, lines.get(1));
        assertEquals(List.of("processor\t: 0", "vendor_id\t: " + vendor, "cpu cores\t: 1", ""), lines.subList(9, 13));
        assertEquals(13, lines.size(), lines::toString);
        assertEquals(0, guest.status());
    }

    @ParameterizedTest
    @EnumSource(value = Environment.class, names = {"TCG_INTEL", "TCG_AMD"})
    void procFilesHaveLinuxsFormatsOnQemu(Environment environment) throws Exception {
        checkProc(qemu(environment, procModule(), ""), environment == Environment.TCG_INTEL ? "GenuineIntel" : "AuthenticAMD");
    }

    @JvmmTest
    @Test
    void procFilesHaveLinuxsFormatsOnJvmm() {
        checkProc(jvmm(procModule(), ""), HostCpu.vendor());
    }

    /**
     * A shell with a job: /proc lists every process, busybox ps reads them, a reaped one is gone,
     * /proc/self's files are the reader's, and exe names each process's program (a program with a
     * longer path than the first one's got the first one's length of it).
     */
    static final String PROCESSES_SCRIPT = String.join("\n",
            "sleep 5 &",
            "ps -o pid,ppid,stat,comm,args",
            "read -r pid comm state ppid rest < /proc/$!/stat; echo \"stat: $pid $comm $state $ppid\"",
            "tr '\\0' ' ' < /proc/$!/cmdline; echo",
            "grep -E '^(Name|PPid|Threads)' /proc/$$/status",
            "kill $!; wait $!; echo \"killed: $?\"",
            "cat /proc/$!/stat 2>/dev/null || echo gone",
            "cut -d' ' -f2-4 /proc/self/stat",
            "readlink /proc/1/exe",
            "mkdir -p /tmp/a/longer/path && cp /bin/busybox /tmp/a/longer/path/busybox",
            "/tmp/a/longer/path/busybox readlink /proc/self/exe",
            "cat /proc/self/comm");

    static byte[] processesModule() {
        return ArgumentBlock.of(List.of("/bin/busybox", "sh", "-c", PROCESSES_SCRIPT), List.of()).module(busybox, rootArchive);
    }

    static void checkProcesses(Outcome guest) {
        List<String> lines = guest.output();
        assertEquals(16, lines.size(), lines::toString);
        assertEquals("PID   PPID  STAT COMMAND          COMMAND", lines.get(0));
        assertTrue(lines.get(1).matches(" +1 +0 [RS] +busybox +/bin/busybox sh -c sleep 5 & ps .*"), lines.get(1));
        // The job is "exe" once the shell ran it as busybox does, by exec of /proc/self/exe (Linux
        // names a process after the file it exec'd), "sleep" while it is the shell's fork.
        assertTrue(lines.get(2).matches(" +2 +1 [RS] +(sleep +sleep 5|exe +\\{exe} sleep 5)"), lines.get(2));
        assertTrue(lines.get(3).matches(" +3 +1 R +ps +\\{ps} /bin/busybox sh -c sleep 5 & .*"), lines.get(3));
        assertTrue(lines.get(4).matches("stat: 2 \\((sleep|exe)\\) [RS] 1"), lines.get(4));
        assertEquals(List.of("sleep 5 ", "Name:\tbusybox", "PPid:\t0", "Threads:\t1", "Terminated", "killed: 143", "gone",
                "(cut) R 1", "/bin/busybox", "/tmp/a/longer/path/busybox", "cat"), lines.subList(5, 16));
        assertEquals(0, guest.status());
    }

    @ParameterizedTest
    @EnumSource(value = Environment.class, names = {"TCG_INTEL", "TCG_AMD"})
    void procListsEveryProcessForPsOnQemu(Environment environment) throws Exception {
        checkProcesses(qemu(environment, processesModule(), ""));
    }

    @JvmmTest
    @Test
    void procListsEveryProcessForPsOnJvmm() {
        checkProcesses(jvmm(processesModule(), ""));
    }

    /**
     * A user's first look around the guest: busybox top, df and mount read /proc/stat,
     * /proc/loadavg and /proc/mounts and statfs what they list; a file written to the root shows
     * in df; /proc is a file system of its own (its own st_dev, as df and find -xdev tell them apart).
     */
    static final String SYSTEM_SCRIPT = String.join("\n",
            "top -bn1 | head -4",
            "df",
            "df /proc | tail -1",
            "mount",
            "head -c 1048576 /dev/zero > /tmp/one-mebibyte && df / | tail -1",
            "head -1 /proc/stat",
            "grep -E '^(ctxt|btime|processes|procs_running|procs_blocked) ' /proc/stat",
            "cat /proc/loadavg",
            "stat -c '%d %n' / /proc /proc/self/stat");

    static byte[] systemModule() {
        return ArgumentBlock.of(List.of("/bin/busybox", "sh", "-c", SYSTEM_SCRIPT), List.of()).module(busybox, rootArchive);
    }

    static void checkSystem(Outcome guest) {
        List<String> lines = guest.output();
        List<String> patterns = List.of(
                "Mem: \\d+K used, \\d+K free, 0K shrd, 0K buff, \\d+K cached",
                "CPU: +\\d+% usr +0% sys +0% nic +\\d+% idle +0% io +0% irq +0% sirq",
                "Load average: 0\\.00 0\\.00 0\\.00 [1-9]\\d*/[1-9]\\d* \\d+",
                " +PID +PPID USER +STAT +VSZ %VSZ %CPU COMMAND",
                "Filesystem +1K-blocks +Used Available Use% Mounted on",
                "tmpfs +\\d{5,6} +0 +\\d{5,6} +0% /",
                "proc +0 +0 +0 +0% /proc",
                "tmpfs on / type tmpfs \\(rw,relatime\\)",
                "proc on /proc type proc \\(rw,nosuid,nodev,noexec,relatime\\)",
                "tmpfs +\\d{5,6} +10[2-9]\\d +\\d{5,6} +1% /",
                "cpu  \\d+ 0 0 \\d+ 0 0 0 0 0 0",
                "ctxt \\d+",
                "btime 1[7-9]\\d{8}",
                "processes ([5-9]|\\d\\d+)",
                "procs_running [1-9]\\d*",
                "procs_blocked 0",
                "0\\.00 0\\.00 0\\.00 [1-9]\\d*/[1-9]\\d* \\d+",
                "21 /",
                "20 /proc",
                "20 /proc/self/stat");
        assertEquals(patterns.size(), lines.size(), lines::toString);
        for (int i = 0; i < patterns.size(); i++) {
            assertTrue(lines.get(i).matches(patterns.get(i)), i + ": " + lines.get(i));
        }
        assertEquals(0, guest.status());
    }

    @ParameterizedTest
    @EnumSource(value = Environment.class, names = {"TCG_INTEL", "TCG_AMD"})
    void topDfAndMountShowTheGuestOnQemu(Environment environment) throws Exception {
        checkSystem(qemu(environment, systemModule(), ""));
    }

    @JvmmTest
    @Test
    void topDfAndMountShowTheGuestOnJvmm() {
        checkSystem(jvmm(systemModule(), ""));
    }

    // ---- hostile ---------------------------------------------------------------------------------

    static final List<String> FILL = List.of("write: ENOSPC", "filled: more than 16 MiB", "malloc after fill: ok",
            "mkdir when full: ok", "unlink: 0", "write: ENOSPC", "refilled the same: yes", "small write after: 2");

    static byte[] fillModule() throws IOException {
        return ArgumentBlock.of(List.of("/fill"), List.of()).module(GuestPrograms.bytes("fill", Libc.MUSL));
    }

    @ParameterizedTest
    @EnumSource(value = Environment.class, names = {"TCG_INTEL", "TCG_AMD"})
    void filesThatFillTheMemoryGetEnospcAndTheKernelLivesOnQemu(Environment environment) throws Exception {
        Outcome guest = qemu(environment, fillModule(), "");
        assertEquals(FILL, guest.output());
        assertEquals(0, guest.status());
    }

    @JvmmTest
    @Test
    void filesThatFillTheMemoryGetEnospcAndTheKernelLivesOnJvmm() throws Exception {
        Outcome guest = jvmm(fillModule(), "");
        assertEquals(FILL, guest.output());
        assertEquals(0, guest.status());
    }

    /** busybox cat after an archive cut inside busybox's member: what came before it is there. */
    static byte[] truncatedModule() {
        byte[] cut = Arrays.copyOf(rootArchive, rootArchive.length / 2);
        return ArgumentBlock.of(List.of("/bin/busybox", "cat", "bin/../etc/fruits"), List.of()).module(busybox, cut);
    }

    static byte[] garbageModule() {
        byte[] garbage = new byte[3000];
        new java.util.Random(12).nextBytes(garbage);
        return ArgumentBlock.of(List.of("/bin/busybox", "ls", "/"), List.of()).module(busybox, garbage);
    }

    static void checkBadArchives(Outcome truncated, Outcome garbage) {
        assertTrue(truncated.kernel().stream().anyMatch(line -> line.matches(
                "jvmm-kernel: initramfs: truncated member at byte \\d+; the members before it are unpacked")), truncated.kernel()::toString);
        assertEquals(List.of("cat: can't open 'bin/../etc/fruits': No such file or directory"), truncated.output());
        assertEquals(1, truncated.status());
        assertTrue(garbage.kernel().contains("jvmm-kernel: initramfs: not a newc cpio member (magic 070701) at byte 0; "
                + "the members before it are unpacked"), garbage.kernel()::toString);
        assertEquals(List.of("bin", "dev", "proc", "tmp"), garbage.output());
        assertEquals(0, garbage.status());
    }

    @ParameterizedTest
    @EnumSource(value = Environment.class, names = {"TCG_INTEL", "TCG_AMD"})
    void aBadArchiveIsReportedAndTheProgramStillRunsOnQemu(Environment environment) throws Exception {
        checkBadArchives(qemu(environment, truncatedModule(), ""), qemu(environment, garbageModule(), ""));
    }

    @JvmmTest
    @Test
    void aBadArchiveIsReportedAndTheProgramStillRunsOnJvmm() {
        checkBadArchives(jvmm(truncatedModule(), ""), jvmm(garbageModule(), ""));
    }

    static void checkBareArchive(Outcome guest) {
        assertTrue(guest.kernel().contains("jvmm-kernel: cannot run the program: the module is a cpio archive, not a program; "
                + "put both in one with jvmm initrd --initrd ARCHIVE -o FILE -- PROGRAM [ARGS...]"), guest.kernel()::toString);
        assertEquals(127, guest.status());
    }

    @ParameterizedTest
    @EnumSource(value = Environment.class, names = {"TCG_INTEL", "TCG_AMD"})
    void aBareArchiveAsTheModuleIsExplainedOnQemu(Environment environment) throws Exception {
        checkBareArchive(qemu(environment, rootArchive, "-- /bin/busybox ls"));
    }

    @JvmmTest
    @Test
    void aBareArchiveAsTheModuleIsExplainedOnJvmm() {
        checkBareArchive(jvmm(rootArchive, "-- /bin/busybox ls"));
    }

    /** A small archive of every kind of member the reader makes, for the fuzzing boot. */
    static byte[] fuzzModule() throws IOException {
        Archive archive = new Archive();
        archive.directory("d", 0755);
        archive.directory("d/e", 0700);
        archive.file("d/f", 0644, "hello\n".getBytes(StandardCharsets.UTF_8));
        archive.symlink("d/e/l", "../f");
        archive.symlink("loop", "loop");
        archive.file("./g", 0600, new byte[100]);
        archive.file("/h", 0600, new byte[5]);
        return ArgumentBlock.of(List.of("/bin/busybox"), List.of()).module(busybox, archive.finish());
    }

    /**
     * Archives per boot: 100,000 under QEMU TCG, which runs the kernel at native speed; 2,000 on
     * jvmm, whose hosts emulate every kernel instruction (about 1 us each: some 5,000 per archive).
     */
    static final int FUZZ_CASES_QEMU = 100_000;
    static final int FUZZ_CASES_JVMM = 2_000;

    static void checkFuzz(Outcome guest, int cases) {
        List<String> lines = guest.kernel().stream().filter(line -> line.startsWith("jvmm-kernel: cpio-fuzz")).toList();
        assertEquals(1, lines.size(), guest.kernel()::toString);
        var m = java.util.regex.Pattern.compile("jvmm-kernel: cpio-fuzz " + cases + " archives: (\\d+) unpacked, (\\d+) refused")
                .matcher(lines.getFirst());
        assertTrue(m.matches(), lines.getFirst());
        long unpacked = Long.parseLong(m.group(1));
        assertTrue(unpacked > cases / 100 && unpacked < cases - cases / 100, "both outcomes are exercised: " + lines.getFirst());
        assertEquals(0, guest.status());
    }

    @ParameterizedTest
    @EnumSource(value = Environment.class, names = {"TCG_INTEL", "TCG_AMD"})
    void theKernelsCpioReaderSurvivesMutatedArchivesOnQemu(Environment environment) throws Exception {
        checkFuzz(qemu(environment, fuzzModule(), "cpio-fuzz=" + FUZZ_CASES_QEMU), FUZZ_CASES_QEMU);
    }

    @JvmmTest
    @Test
    void theKernelsCpioReaderSurvivesMutatedArchivesOnJvmm() throws Exception {
        checkFuzz(jvmm(fuzzModule(), "cpio-fuzz=" + FUZZ_CASES_JVMM), FUZZ_CASES_JVMM);
    }
}
