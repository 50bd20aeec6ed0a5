package dev.jvmm.cli;

import dev.jvmm.api.MicroVm;
import dev.jvmm.cli.bench.BenchReport;
import dev.jvmm.cli.bench.GuestBench;
import dev.jvmm.cli.bench.HostBench;
import dev.jvmm.cli.bench.HostInfo;
import dev.jvmm.cli.bench.Peers;
import dev.jvmm.cli.bench.Row;
import dev.jvmm.cli.bench.VmmBench;
import dev.jvmm.cli.bench.WorkloadBench;
import dev.jvmm.vmm.boot.ElfImage;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code jvmm bench}: jvmm's costs on this host against the host itself, a C reference VMM and QEMU. */
final class BenchCommand implements Callable<Integer> {
    static final Jvmm.Subcommand SUBCOMMAND = new Jvmm.Subcommand("bench", new String[] {
            "Measure what system calls and the vDSO cost in the guest on this CPU, the same on the host,"
                    + " jvmm's own costs (VM exit, start-up, memory) against a C reference VMM and QEMU, and workloads"
                    + " (memory, sleep, console output, a multiboot kernel) on jvmm and on QEMU with the same image.",
            "Without /dev/kvm the rows that run jvmm are skipped (with the reason) and QEMU runs under TCG.",
            "Progress goes to standard error; the report (a table, or --json) to standard output."},
            jvmm -> new BenchCommand().spec);

    private final OptionSpec json = Specs.flag("--json").description("Print the report as one JSON object.").build();

    private final OptionSpec quick = Specs.flag("--quick")
            .description("Few calls and one round of each: a check that everything runs, not a measurement.").build();

    private final OptionSpec rounds = Specs.option(int.class, "--rounds").paramLabel("N").defaultValue("5")
            .description("Rounds of each measurement (default: ${DEFAULT-VALUE}).").build();

    private final OptionSpec exits = Specs.option(int.class, "--exits").paramLabel("N").defaultValue("100000")
            .description("VM exits per exit-path run (default: ${DEFAULT-VALUE}).").build();

    /** bench's whole model. */
    final CommandSpec spec;

    BenchCommand() {
        spec = Specs.standardHelpOptions(Specs.command(this, SUBCOMMAND))
                .addOption(json).addOption(quick).addOption(rounds).addOption(exits);
    }

    @Override
    public Integer call() throws IOException {
        boolean quick = this.quick.getValue();
        boolean json = this.json.getValue();
        int rounds = this.rounds.getValue();
        int exits = this.exits.getValue();
        int r = quick ? 1 : rounds;
        int exitCount = quick ? 2000 : exits;
        PrintStream err = System.err;
        Path dir = Files.createTempDirectory("jvmm-bench");
        try {
            byte[] guestBytes = resource("guest.img");
            ElfImage guest = ElfImage.parse("(bundled guest.img)", guestBytes);
            Path guestFile = Files.write(dir.resolve("guest.img"), guestBytes);
            byte[] exitloopBytes = resource("exitloop.img");
            ElfImage exitloop = ElfImage.parse("exitloop.img", exitloopBytes);
            Path exitloopFile = Files.write(dir.resolve("exitloop.img"), exitloopBytes);
            Peers peers = Peers.find();

            List<Row> rows = new ArrayList<>();
            String noKvm = Peers.noKvm();
            err.println("jvmm bench: [1/6] the guest: system calls through each entry path, the vDSO");
            if (noKvm == null) {
                rows.addAll(GuestBench.run(guest, quick ? 5 : 50, quick ? 1000 : 100_000, r));
            } else {
                rows.add(Row.skipped("guest", "system calls and the vDSO in the guest (jvmm-bench)", noKvm));
            }
            err.println("jvmm bench: [2/6] the host: its vDSO and a system call");
            rows.addAll(HostBench.run(quick ? 10_000 : 1_000_000, r));
            err.println("jvmm bench: [3/6] VM exits: jvmm, the C reference VMM, QEMU (" + exitCount + " exits a run)");
            if (noKvm == null) {
                rows.addAll(VmmBench.exitPath(exitloop, exitloopFile, peers, exitCount, r,
                        round -> err.println("jvmm bench:       round " + (round + 1) + " of " + r)));
            } else {
                rows.add(Row.skipped("vmm", "exit round trip: jvmm, C reference VMM, QEMU (KVM)", noKvm));
            }
            err.println("jvmm bench: [4/6] start-up and memory: jvmm run and QEMU, jvmm --version and java -version, whole processes");
            if (noKvm == null) {
                rows.addAll(VmmBench.startupAndMemory(guestFile, peers, quick ? 1 : Math.max(r, 10), round -> { }));
            } else {
                rows.add(Row.skipped("vmm", "start-up and peak RSS: jvmm run, QEMU microvm (KVM)", noKvm));
            }
            rows.addAll(VmmBench.commandLine(peers, quick ? 1 : Math.max(r, 10), round -> { }));
            err.println("jvmm bench: [5/6] workloads: memory, processes, threads, a shell loop, a Go program, sleep, console output on jvmm and " + peers.qemuName());
            rows.addAll(WorkloadBench.memory(guestFile, peers, quick ? 100 : 2000, r, round -> { }));
            rows.addAll(WorkloadBench.processes(guestFile, peers, quick ? 20 : 200, r, round -> { }));
            rows.addAll(WorkloadBench.threads(guestFile, peers, quick ? 100 : 2000, r, round -> { }));
            rows.addAll(WorkloadBench.shell(guestFile, peers, dir, 100, r, round -> { }));
            rows.addAll(WorkloadBench.goHello(guestFile, peers, dir, r, round -> { }));
            rows.addAll(WorkloadBench.sleep(guestFile, peers, quick ? 1 : 5, quick ? 1 : Math.min(r, 3), round -> { }));
            rows.addAll(WorkloadBench.console(guestFile, peers, dir, 1 << 20, 256 << 10,
                    quick ? 1 : Math.min(r, 3), round -> { }));
            err.println("jvmm bench: [6/6] a multiboot kernel, boot to exit: jvmm and " + peers.qemuName());
            rows.addAll(WorkloadBench.multiboot(Path.of(System.getProperty("jvmm.home", "."), "guest-kernel", "target",
                    "multiboot", "mbinfo-elf32.img"), peers, quick ? 1 : Math.max(r, 10), round -> { }));

            Map<String, String> header = new LinkedHashMap<>();
            header.put("cpu", HostInfo.cpu());
            header.put("hypervisor", HostInfo.hypervisor());
            header.put("jvm", "Java " + Runtime.version());
            header.put("peers", (peers.qemu() ? peers.qemuName() : "no QEMU") + ", "
                    + (peers.hasRefvmm() ? "C reference VMM" : "no C reference VMM (build tools/)"));
            header.put("runs", r + " rounds" + (quick ? " (--quick: a smoke test, not a measurement)" : ""));
            BenchReport report = new BenchReport(header, rows);
            System.out.println(json ? report.json() : report.table());
            return 0;
        } finally {
            try (var files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(dir);
        }
    }

    private static byte[] resource(String name) {
        return MicroVm.bundledFile(name);
    }
}
