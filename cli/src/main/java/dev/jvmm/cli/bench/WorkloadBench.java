package dev.jvmm.cli.bench;

import dev.jvmm.api.MicroVm;
import dev.jvmm.api.VmResult;
import dev.jvmm.process.ProcessRunner;
import dev.jvmm.vmm.JvmmException;

import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a program notices, on jvmm and on QEMU with the same image, each pair in the same run:
 * <ul>
 * <li>memory: the bundled image's {@code jvmm-bench memory} (touch 100 MB after mmap, a 1 GiB
 *     PROT_NONE reservation, mmap/touch/munmap of 1 MiB in a loop), timed in the guest by the vDSO;</li>
 * <li>processes: {@code jvmm-bench processes} (fork+exit+wait, fork+exec+wait, fork of a process
 *     with 100 MB touched), timed the same way;</li>
 * <li>threads: {@code jvmm-bench threads} (a futex ping-pong between two threads, thread
 *     create+join, and the null system call for scale), timed the same way;</li>
 * <li>sleep: the host CPU time a second of guest {@code nanosleep} costs, from the VMM process's
 *     rusage (tools' peakrss), a run that sleeps minus one that does not;</li>
 * <li>console: MB/s of {@code jvmm-bench output} through jvmm's virtio console and its 16550, and
 *     through QEMU's virtio-serial and 16550 (into files: QEMU 7.2's virtconsole drops what a full
 *     pipe cannot take), timed in the guest;</li>
 * <li>shell: busybox sh running /bin/true in a loop, whole processes (the loop's wall time);</li>
 * <li>multiboot: boot to exit of the multiboot test kernel (guest-kernel/target/multiboot), whole
 *     processes, and in process through the API, with one vCPU and (the SMP test kernel) four.</li>
 * </ul>
 * Rows that run jvmm are skipped, with the reason, on a host without KVM; QEMU then runs under TCG.
 */
public final class WorkloadBench {
    private static final String SECTION = "workload";
    private static final Pattern SAMPLE = Pattern.compile("bench: (.+) \\d+ (\\d+)");
    private static final Pattern CPU = Pattern.compile("peakrss: \\d+ KiB, cpu (\\d+) us");
    /** QEMU's exit status for a guest status of 0 through isa-debug-exit: (0 << 1) | 1. */
    private static final int QEMU_EXIT_0 = 1;
    /** What the multiboot test kernel writes to port 0xf4 with no modules: 0x20. */
    private static final int MULTIBOOT_STATUS = 0x20;
    /** What the SMP test kernel writes to port 0xf4 when 4 vCPUs came up: 0x30 + 4. */
    private static final int SMP_STATUS_4 = 0x34;

    private WorkloadBench() {}

    /** Guest-timed memory workloads: ms to touch 100 MB, us per 1 GiB reservation, us per churn iteration. */
    public static List<Row> memory(Path guest, Peers peers, int churn, int rounds, IntConsumer progress) {
        GuestSamples samples = GuestSamples.of(guest, peers, "memory", churn, rounds, progress);
        Map<String, double[]> jvmm = samples.jvmm();
        Map<String, double[]> qemu = samples.qemu();
        List<Row> rows = new ArrayList<>();
        pair(rows, peers, "memory: touch 100 MB after mmap", "ms", 1e-6, jvmm.get("memory touch"), qemu.get("memory touch"),
                "one write per 4 KiB; goal <= 2 s on our hosts");
        pair(rows, peers, "memory: mmap 1 GiB PROT_NONE", "us", 1e-3, jvmm.get("memory reserve"), qemu.get("memory reserve"),
                "median of 9 calls; goal <= 10 ms");
        pair(rows, peers, "memory: 1 MiB mmap+touch+munmap", "us", 1e-3, jvmm.get("memory churn"),
                qemu.get("memory churn"), "per iteration of " + churn + ", 128 MiB guest");
        return rows;
    }

    /** Guest-timed processes: us per fork+exit+wait, per fork+exec+wait, per fork of a process with 100 MB touched. */
    public static List<Row> processes(Path guest, Peers peers, int forks, int rounds, IntConsumer progress) {
        GuestSamples samples = GuestSamples.of(guest, peers, "processes", forks, rounds, progress);
        Map<String, double[]> jvmm = samples.jvmm();
        Map<String, double[]> qemu = samples.qemu();
        List<Row> rows = new ArrayList<>();
        pair(rows, peers, "processes: fork+exit+wait", "us", 1e-3, jvmm.get("processes fork"), qemu.get("processes fork"),
                "per iteration of " + forks);
        pair(rows, peers, "processes: fork+exec+wait", "us", 1e-3, jvmm.get("processes exec"), qemu.get("processes exec"),
                "the child execs /proc/self/exe, a static program that exits");
        pair(rows, peers, "processes: fork with 100 MB touched", "us", 1e-3, jvmm.get("processes fork 100 MB"),
                qemu.get("processes fork 100 MB"), "copy-on-write: page tables only; median of 5");
        return rows;
    }

    /**
     * Guest-timed threads: us per futex ping-pong round trip between two threads and per thread
     * create+join, with the null system call (getppid) in the same unit for scale.
     */
    public static List<Row> threads(Path guest, Peers peers, int iterations, int rounds, IntConsumer progress) {
        GuestSamples samples = GuestSamples.of(guest, peers, "threads", iterations, rounds, progress);
        Map<String, double[]> jvmm = samples.jvmm();
        Map<String, double[]> qemu = samples.qemu();
        List<Row> rows = new ArrayList<>();
        pair(rows, peers, "threads: null system call", "us", 1e-3, jvmm.get("threads null"), qemu.get("threads null"),
                "getppid, for scale");
        pair(rows, peers, "threads: futex ping-pong", "us", 1e-3, jvmm.get("threads pingpong"), qemu.get("threads pingpong"),
                "round trip: each thread wakes the other; " + iterations + " of them");
        pair(rows, peers, "threads: create+join", "us", 1e-3, jvmm.get("threads create"), qemu.get("threads create"),
                "clone, the thread exits, join on its CLONE_CHILD_CLEARTID word");
        return rows;
    }

    /**
     * A shell script that runs a program {@code iterations} times (busybox sh, /bin/true a link to
     * busybox in an initramfs), whole processes on jvmm and on QEMU with the same image and module:
     * the wall time of the script minus that of the same script with no iterations, so that the
     * VMMs' own start-up cancels out.
     */
    public static List<Row> shell(Path guest, Peers peers, Path dir, int iterations, int rounds, IntConsumer progress) {
        String script = "for i in $(seq " + iterations + "); do /bin/true; done";
        String name = "shell: busybox sh, " + iterations + " x /bin/true";
        if (!Files.isRegularFile(BUSYBOX)) {
            return List.of(Row.skipped(SECTION, name + ": jvmm", "skipped: no " + BUSYBOX + " (apt-get install busybox-static)"));
        }
        Path archive = dir.resolve("shell.cpio");
        try (var out = new CpioArchiveOutputStream(Files.newOutputStream(archive), CpioConstants.FORMAT_NEW)) {
            putEntry(out, "bin", CpioConstants.C_ISDIR | 0755, new byte[0]);
            putEntry(out, "bin/true", CpioConstants.C_ISLNK | 0777, "busybox".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ShellScript loop = ShellScript.of(peers, guest, archive, dir, script);
        ShellScript empty = ShellScript.of(peers, guest, archive, dir, ":");
        boolean kvm = Peers.hasKvm();
        if (kvm) {
            checked(run(loop.jvmm), 0);                                 // warm: the page cache
        }
        double[] jvmm = new double[rounds];
        double[] qemu = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            progress.accept(r);
            if (kvm) {
                jvmm[r] = (checked(run(loop.jvmm), 0).nanos() - checked(run(empty.jvmm), 0).nanos()) / 1e6;
            }
            if (peers.qemu()) {
                qemu[r] = (checked(run(loop.qemu), QEMU_EXIT_0).nanos() - checked(run(empty.qemu), QEMU_EXIT_0).nanos()) / 1e6;
            }
        }
        List<Row> rows = new ArrayList<>();
        pair(rows, peers, name + ": jvmm", name + ": QEMU", "ms", kvm ? jvmm : null, peers.qemu() ? qemu : null,
                "sh -c '" + script + "': whole runs minus sh -c ':'", false);
        return rows;
    }

    private static final Path BUSYBOX = Path.of("/bin/busybox");

    /** {@code busybox sh -c SCRIPT} with the archive as the initramfs: jvmm's command, and QEMU's with the module jvmm writes. */
    private record ShellScript(List<String> jvmm, List<String> qemu) {
        static ShellScript of(Peers peers, Path guest, Path archive, Path dir, String script) {
            List<String> argv = List.of(BUSYBOX.toString(), "sh", "-c", script);
            Path module = dir.resolve("shell-" + Integer.toHexString(script.hashCode()));
            try {
                Files.write(module, MicroVm.builder().program(argv).initrd(archive).build().initrd());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            List<String> jvmm = new ArrayList<>(List.of("--initrd", archive.toString(), "--"));
            jvmm.addAll(argv);
            return new ShellScript(peers.jvmmRun(jvmm.toArray(String[]::new)), peers.qemuAnyAccel(guest, module, ""));
        }
    }

    private static void putEntry(CpioArchiveOutputStream out, String name, int mode, byte[] data) throws IOException {
        CpioArchiveEntry entry = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, name, data.length);
        entry.setMode(mode);
        out.putArchiveEntry(entry);
        out.write(data);
        out.closeArchiveEntry();
    }

    /** Samples of {@code jvmm-bench WORKLOAD ARGUMENT}, in ns by name, from rounds runs on jvmm (with KVM) and on QEMU. */
    private record GuestSamples(Map<String, double[]> jvmm, Map<String, double[]> qemu) {
        static GuestSamples of(Path guest, Peers peers, String workload, int argument, int rounds, IntConsumer progress) {
            GuestSamples samples = new GuestSamples(new LinkedHashMap<>(), new LinkedHashMap<>());
            for (int r = 0; r < rounds; r++) {
                progress.accept(r);
                if (Peers.hasKvm()) {
                    collect(samples.jvmm, samples(checked(run(peers.jvmmRun("--", "jvmm-bench", workload,
                            Integer.toString(argument))), 0)), r, rounds);
                }
                if (peers.qemu()) {
                    collect(samples.qemu, samples(checked(run(peers.qemuAnyAccel(guest, "-- jvmm-bench " + workload + " "
                            + argument)), QEMU_EXIT_0)), r, rounds);
                }
            }
            return samples;
        }
    }

    /** Host CPU time per second of guest sleep, in percent: (CPU of a run sleeping s seconds - CPU of a run sleeping 0) / s. */
    public static List<Row> sleep(Path guest, Peers peers, int seconds, int rounds, IntConsumer progress) {
        List<Row> rows = new ArrayList<>();
        String jvmmName = "sleep: host CPU per s of guest sleep: jvmm";
        String qemuName = "sleep: host CPU per s of guest sleep: QEMU";
        if (!peers.hasPeakrss()) {
            rows.add(Row.skipped(SECTION, jvmmName, "skipped: no tools/target/peakrss (build the tools module)"));
            return rows;
        }
        double[] jvmm = new double[rounds];
        double[] qemu = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            progress.accept(r);
            if (Peers.hasKvm()) {
                jvmm[r] = percent(cpuMicros(peers, peers.jvmmRun("--", "jvmm-bench", "sleep", Integer.toString(seconds)), 0)
                        - cpuMicros(peers, peers.jvmmRun("--", "jvmm-bench", "sleep", "0"), 0), seconds);
            }
            if (peers.qemu()) {
                qemu[r] = percent(cpuMicros(peers, peers.qemuAnyAccel(guest, "-- jvmm-bench sleep " + seconds), QEMU_EXIT_0)
                        - cpuMicros(peers, peers.qemuAnyAccel(guest, "-- jvmm-bench sleep 0"), QEMU_EXIT_0), seconds);
            }
        }
        String note = "nanosleep " + seconds + " s minus 0 s, VMM process rusage; goal < 5%";
        pair(rows, peers, jvmmName, qemuName, "%", Peers.hasKvm() ? jvmm : null, peers.qemu() ? qemu : null, note, false);
        return rows;
    }

    private static double percent(long cpuMicros, int seconds) {
        return cpuMicros / (seconds * 1e6) * 100;
    }

    /** Console throughput, MB/s (10^6 bytes per second of guest time). */
    public static List<Row> console(Path guest, Peers peers, Path dir, int virtioBytes, int serialBytes, int rounds,
                                    IntConsumer progress) {
        double[] jvmmVirtio = new double[rounds];
        double[] jvmmSerial = new double[rounds];
        double[] qemuVirtio = new double[rounds];
        double[] qemuSerial = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            progress.accept(r);
            if (Peers.hasKvm()) {
                jvmmVirtio[r] = mbPerSecond(virtioBytes, jvmmOutput(peers, "virtio", virtioBytes));
                jvmmSerial[r] = mbPerSecond(serialBytes, jvmmOutput(peers, "serial", serialBytes));
            }
            if (peers.qemu()) {
                qemuVirtio[r] = mbPerSecond(virtioBytes, qemuOutput(peers, guest, dir, true, virtioBytes));
                qemuSerial[r] = mbPerSecond(serialBytes, qemuOutput(peers, guest, dir, false, serialBytes));
            }
        }
        List<Row> rows = new ArrayList<>();
        boolean kvm = Peers.hasKvm();
        boolean qemu = peers.qemu();
        pair(rows, peers, "console: virtio, " + size(virtioBytes) + ": jvmm", "console: virtio-serial, " + size(virtioBytes) + ": QEMU",
                "MB/s", kvm ? jvmmVirtio : null, qemu ? qemuVirtio : null, "guest time of the writes; goal: 1 MiB in < 0.2 s", true);
        pair(rows, peers, "console: 16550, " + size(serialBytes) + ": jvmm", "console: 16550, " + size(serialBytes) + ": QEMU",
                "MB/s", kvm ? jvmmSerial : null, qemu ? qemuSerial : null, "guest time of the writes", true);
        return rows;
    }

    private static String size(int bytes) {
        return bytes % (1 << 20) == 0 ? bytes / (1 << 20) + " MiB" : bytes / 1024 + " KiB";
    }

    private static double mbPerSecond(int bytes, long nanos) {
        return bytes * 1e3 / nanos;
    }

    private static long jvmmOutput(Peers peers, String console, int bytes) {
        ProcessRunner.Result result = checked(run(peers.jvmmRun("--console", console, "--", "jvmm-bench", "output",
                Integer.toString(bytes))), 0);
        if (result.out().length() < bytes) {
            throw new JvmmException("jvmm --console " + console + " gave " + result.out().length() + " of " + bytes + " bytes");
        }
        return outputNanos(result.out() + result.err(), "jvmm --console " + console);
    }

    /**
     * QEMU's microvm with the program's stdout on a virtconsole into a file and stderr on a
     * virtserialport into another (virtio), or everything on COM1 into a file (16550).
     */
    private static long qemuOutput(Peers peers, Path guest, Path dir, boolean virtio, int bytes) {
        Path out = dir.resolve("console-out");
        Path com1 = dir.resolve("console-com1");
        List<String> command = new ArrayList<>(peers.qemuAnyAccel(guest, "-- jvmm-bench output " + bytes));
        int serial = command.indexOf("stdio");
        command.set(serial, "file:" + out);
        if (virtio) {
            command.set(serial, "file:" + com1);                   // COM1: the kernel's report only
            command.set(command.indexOf("microvm"), "microvm,acpi=off");
            command.addAll(List.of("-global", "virtio-mmio.force-legacy=false", "-device", "virtio-serial-device",
                    "-chardev", "file,id=out,path=" + out, "-device", "virtconsole,chardev=out,nr=0",
                    "-chardev", "file,id=err,path=" + dir.resolve("console-stderr"), "-device", "virtserialport,chardev=err,nr=1"));
        }
        checked(run(command), QEMU_EXIT_0);
        try {
            long received = Files.size(out);
            String text = Files.readString(virtio ? dir.resolve("console-stderr") : out, StandardCharsets.ISO_8859_1);
            if (received < bytes) {
                throw new JvmmException("QEMU's " + (virtio ? "virtio-serial" : "16550") + " gave " + received + " of " + bytes + " bytes");
            }
            return outputNanos(text, "QEMU " + (virtio ? "virtio-serial" : "16550"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long outputNanos(String text, String who) {
        Matcher m = Pattern.compile("bench: output \\d+ (\\d+)").matcher(text);
        if (!m.find()) {
            throw new JvmmException(who + ": the guest reported no output time");
        }
        return Long.parseLong(m.group(1));
    }

    /**
     * A Go hello world (golang-go, {@code CGO_ENABLED=0}: static), whole processes from start to
     * exit: {@code jvmm run -- hello} against QEMU with the same image and the program as its
     * module. The Go runtime starts threads, timers and its signal handling before main runs.
     */
    public static List<Row> goHello(Path guest, Peers peers, Path dir, int runs, IntConsumer progress) {
        String jvmmName = "go: hello world, boot to exit: jvmm run";
        String qemuName = "go: hello world, boot to exit: QEMU, same image";
        if (!ProcessRunner.available("go")) {
            return List.of(Row.skipped(SECTION, jvmmName, "skipped: no go on the PATH (apt-get install golang-go)"));
        }
        Path hello = dir.resolve("hello");
        try {
            Files.writeString(dir.resolve("hello.go"), GO_HELLO);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        checked(ProcessRunner.of("go", "build", "-o", hello.toString(), "hello.go").directory(dir)
                .environment(goEnvironment(dir)).deadline(Duration.ofMinutes(5)).run(), 0);
        double[][] ms = wholeRuns(peers, peers.jvmmRun("--", hello.toString()), 0,
                peers.qemuAnyAccel(guest, hello, "-- hello"), QEMU_EXIT_0, runs, progress);
        List<Row> rows = new ArrayList<>();
        pair(rows, peers, jvmmName, qemuName, "ms", ms[0], ms[1], "fmt.Println; goal: no slower than QEMU", false);
        return rows;
    }

    private static final String GO_HELLO = """
            package main

            import "fmt"

            func main() {
            	fmt.Println("hello, world")
            }
            """;

    /** go build's environment: static (no cgo), modules off, its caches in {@code dir} when there is no HOME. */
    private static Map<String, String> goEnvironment(Path dir) {
        Map<String, String> environment = new LinkedHashMap<>(System.getenv());
        environment.put("CGO_ENABLED", "0");
        environment.put("GO111MODULE", "off");
        environment.putIfAbsent("HOME", dir.toString());
        return environment;
    }

    /**
     * Boot to exit of a multiboot v1 kernel: whole processes, jvmm run IMAGE against QEMU -M microvm
     * -kernel IMAGE; then, where there is KVM, in this JVM through the API, the same kernel and
     * the SMP test kernel ({@code smp}, beside it) starting 4 vCPUs.
     */
    public static List<Row> multiboot(Path kernel, Peers peers, int runs, IntConsumer progress) {
        String jvmmName = "multiboot: boot to exit: jvmm run";
        String qemuName = "multiboot: boot to exit: QEMU, same image";
        if (!Files.isRegularFile(kernel)) {
            return List.of(Row.skipped(SECTION, jvmmName, "skipped: no " + kernel
                    + " (mvn -pl guest-kernel test-compile builds the multiboot test kernels)"));
        }
        List<String> qemuCommand = new ArrayList<>(peers.qemuAnyAccel(kernel, ""));
        int exitDevice = qemuCommand.indexOf("isa-debug-exit,iobase=0x501,iosize=1");
        qemuCommand.set(exitDevice, "isa-debug-exit,iobase=0xf4,iosize=4");
        qemuCommand.subList(qemuCommand.indexOf("-append"), qemuCommand.indexOf("-append") + 2).clear();
        double[][] ms = wholeRuns(peers, peers.jvmmRun(kernel.toString()), MULTIBOOT_STATUS,
                qemuCommand, MULTIBOOT_STATUS << 1 | 1, runs, progress);
        List<Row> rows = new ArrayList<>();
        pair(rows, peers, jvmmName, qemuName, "ms", ms[0], ms[1], kernel.getFileName() + ", exit through port 0xf4", false);
        String inProcess = "multiboot: boot to exit, in process (MicroVm)";
        String smpName = "multiboot: 4 vCPUs up, in process (MicroVm)";
        if (!Peers.hasKvm()) {
            rows.add(Row.skipped(SECTION, inProcess, Peers.noKvm()));
            rows.add(Row.skipped(SECTION, smpName, Peers.noKvm()));
            return rows;
        }
        Stats one = inProcessRuns(kernel, 1, MULTIBOOT_STATUS, runs);
        rows.add(Row.of(SECTION, inProcess, "ms", one, kernel.getFileName() + ", one vCPU; the JVM warm"));
        Path smp = kernel.resolveSibling("smp.img");
        rows.add(Row.of(SECTION, smpName, "ms", inProcessRuns(smp, 4, SMP_STATUS_4, runs),
                "smp.img: INIT and start-up IPIs to 3 application processors, each on its own thread"));
        return rows;
    }

    /** Median ms from building a VM to its end, in this JVM, after one untimed run; each run's status checked. */
    private static Stats inProcessRuns(Path kernel, int cpus, int status, int runs) {
        double[] ms = new double[runs];
        for (int i = -1; i < runs; i++) {
            long started = System.nanoTime();
            VmResult result = MicroVm.builder().image(kernel).cpus(cpus).timeout(Duration.ofMinutes(1)).build().run();
            if (result.exitStatus() != status) {
                throw new JvmmException(kernel + " with " + cpus + " vCPUs exited " + result.exitStatus() + ", not " + status
                        + ": " + result.outcome());
            }
            if (i >= 0) {
                ms[i] = (System.nanoTime() - started) / 1e6;
            }
        }
        return Stats.of(ms);
    }

    /**
     * {@code runs} whole processes of each, timed (ms) and checked for their exit statuses: jvmm's
     * (after one untimed run, which warms the page cache) where the host has KVM, else null;
     * QEMU's where it is installed, else null.
     */
    private static double[][] wholeRuns(Peers peers, List<String> jvmmCommand, int jvmmStatus, List<String> qemuCommand,
                                        int qemuStatus, int runs, IntConsumer progress) {
        boolean kvm = Peers.hasKvm();
        if (kvm) {
            checked(run(jvmmCommand), jvmmStatus);
        }
        double[] jvmm = new double[runs];
        double[] qemu = new double[runs];
        for (int r = 0; r < runs; r++) {
            progress.accept(r);
            if (kvm) {
                jvmm[r] = checked(run(jvmmCommand), jvmmStatus).nanos() / 1e6;
            }
            if (peers.qemu()) {
                qemu[r] = checked(run(qemuCommand), qemuStatus).nanos() / 1e6;
            }
        }
        return new double[][]{kvm ? jvmm : null, peers.qemu() ? qemu : null};
    }

    /** A jvmm row and a QEMU row from guest samples in ns, scaled to the unit; the QEMU row carries the ratio. */
    private static void pair(List<Row> rows, Peers peers, String name, String unit, double scale, double[] jvmm,
                             double[] qemu, String note) {
        pair(rows, peers, name + ": jvmm", name + ": QEMU", unit, scaled(jvmm, scale), scaled(qemu, scale), note, false);
    }

    private static double[] scaled(double[] samples, double scale) {
        if (samples == null) {
            return null;
        }
        double[] out = samples.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] *= scale;
        }
        return out;
    }

    /**
     * The jvmm row (or why it is skipped) and the QEMU row (if QEMU is installed) with jvmm / QEMU;
     * {@code throughput} says the ratio reads "higher is better".
     */
    private static void pair(List<Row> rows, Peers peers, String jvmmName, String qemuName, String unit, double[] jvmm,
                             double[] qemu, String note, boolean throughput) {
        Stats j = jvmm == null ? null : Stats.of(jvmm);
        rows.add(j == null ? Row.skipped(SECTION, jvmmName, Peers.noKvm() == null ? "skipped" : Peers.noKvm())
                : Row.of(SECTION, jvmmName, unit, j, note));
        if (qemu != null) {
            Stats q = Stats.of(qemu);
            String ratio = j == null ? "" : String.format("; jvmm / QEMU = %.2f%s", j.median() / q.median(),
                    throughput ? " (higher is faster)" : "");
            rows.add(Row.of(SECTION, qemuName, unit, q, peers.qemuName() + (j == null ? "; " + note : "") + ratio));
        }
    }

    /** A workload's samples: "bench: <name> <round> <ns>" lines, by name. */
    private static Map<String, Long> samples(ProcessRunner.Result result) {
        Map<String, Long> samples = new LinkedHashMap<>();
        for (String line : (result.out() + "\n" + result.err()).lines().toList()) {
            Matcher m = SAMPLE.matcher(line);
            if (m.matches()) {
                samples.put(m.group(1), Long.parseLong(m.group(2)));
            }
        }
        if (samples.isEmpty()) {
            throw new JvmmException("the guest reported no workload: " + result.output().strip());
        }
        return samples;
    }

    private static void collect(Map<String, double[]> into, Map<String, Long> samples, int round, int rounds) {
        samples.forEach((name, ns) -> into.computeIfAbsent(name, k -> new double[rounds])[round] = ns);
    }

    private static long cpuMicros(Peers peers, List<String> command, int expectedStatus) {
        List<String> measured = new ArrayList<>(List.of(peers.peakrss().toString()));
        measured.addAll(command);
        ProcessRunner.Result result = checked(run(measured), expectedStatus);
        Matcher m = CPU.matcher(result.err());
        if (!m.find()) {
            throw new JvmmException("no CPU time reported for " + command.getFirst() + ": " + result.err().strip());
        }
        return Long.parseLong(m.group(1));
    }

    private static ProcessRunner.Result run(List<String> command) {
        return VmmBench.run(command);
    }

    private static ProcessRunner.Result checked(ProcessRunner.Result result, int expectedStatus) {
        return VmmBench.checked(result, expectedStatus);
    }
}
