package dev.jvmm.api;

import dev.jvmm.vmm.Json;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The result of one run.
 *
 * @param exitStatus what {@code jvmm run} would exit with: the guest's status, 124 for a
 *                   timeout, 126 when the guest kernel died
 * @param outcome    how the run ended, in detail (the register dump of a dead guest included)
 * @param console    the console the run had: {@link Console#VIRTIO} or {@link Console#SERIAL}
 * @param serial     everything the guest wrote to COM1 (up to the builder's capture limit): with
 *                   the virtio console the kernel's report alone, with the serial console the
 *                   program's output too
 * @param stdout     the program's stdout on the virtio console, byte for byte (up to the limit);
 *                   empty with the serial console
 * @param stderr     the program's stderr on the virtio console, likewise
 * @param kernel     what jvmm's kernel reported: entry paths, gate, system-call counts, ...
 * @param exits      the VM exits, by kind and by port
 * @param elapsed    from the VM's creation to the guest's end
 * @param clock      the paravirtual clock the host offered the guest
 * @param copiedOut  what each {@link MicroVm.Builder#copyOut} directory received, in the order given
 */
public record VmResult(int exitStatus, Outcome outcome, Console console, String serial, byte[] stdout, byte[] stderr,
                       KernelReport kernel, ExitStatistics exits, Duration elapsed, HostClock clock,
                       List<CopiedDirectory> copiedOut) {

    /** Every line the guest wrote to COM1 (with the serial console, the kernel's report and the program's output interleaved). */
    public List<String> serialLines() {
        return serial.lines().toList();
    }

    /** The program's stdout as UTF-8 text (bytes that are not UTF-8 become U+FFFD). */
    public String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    /** The program's stderr as UTF-8 text. */
    public String stderrText() {
        return new String(stderr, StandardCharsets.UTF_8);
    }

    /**
     * The program's output lines. With the virtio console, the lines of its stdout. With the
     * serial console, where both its streams share COM1 with the kernel: COM1's lines without
     * those of jvmm's kernel (its boot and exit report, each line beginning
     * {@value KernelReport#LINE_PREFIX}); when the program's last line had no newline, the
     * kernel's exit report follows it on the same line, and that part is dropped.
     */
    public List<String> programLines() {
        if (console == Console.VIRTIO) {
            return stdoutText().lines().toList();
        }
        List<String> lines = new ArrayList<>();
        for (String line : serial.lines().toList()) {
            if (!line.startsWith(KernelReport.LINE_PREFIX)) {
                int report = KernelReport.gluedReport(line);
                lines.add(report < 0 ? line : line.substring(0, report));
            }
        }
        return lines;
    }

    /** The result as one JSON object (what {@code jvmm run --json} prints). */
    public String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("exit_status", exitStatus);
        json.put("outcome", switch (outcome) {
            case Outcome.Exited _ -> "exited";
            case Outcome.TimedOut _ -> "timed_out";
            case Outcome.GuestDied _ -> "guest_died";
        });
        if (outcome instanceof Outcome.GuestDied(String reason, String registers)) {
            json.put("reason", reason);
            json.put("registers", registers);
        }
        json.put("elapsed_ms", elapsed.toMillis());
        json.put("console", console.name().toLowerCase(Locale.ROOT));
        json.put("stdout", stdoutText());
        json.put("stderr", stderrText());
        json.put("serial", serial);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("cpu_vendor", kernel.cpuVendor());
        report.put("clock", kernel.clock());
        report.put("timer", kernel.timer());
        report.put("entry_paths", kernel.entryPaths());
        report.put("gate", kernel.gate());
        report.put("program_exit_status", kernel.exitStatus());
        report.put("killed_by_signal", kernel.killedBySignal());
        report.put("syscalls_total", kernel.syscallsTotal());
        report.put("syscalls", kernel.syscalls());
        report.put("unimplemented_syscalls", kernel.unimplemented());
        json.put("kernel", report);
        Map<String, Object> exitStats = new LinkedHashMap<>();
        exitStats.put("total", exits.total());
        exitStats.put("by_kind", exits.byKind());
        Map<String, Long> byPort = new LinkedHashMap<>();
        exits.byPort().forEach((port, count) -> byPort.put(String.format("0x%x", port), count));
        exitStats.put("by_port", byPort);
        Map<String, Long> unclaimed = new LinkedHashMap<>();
        exits.unclaimedPorts().forEach((port, count) -> unclaimed.put(String.format("0x%x", port), count));
        exitStats.put("unclaimed_ports", unclaimed);
        exitStats.put("unclaimed_mmio", exits.unclaimedMmio());
        json.put("exits", exitStats);
        json.put("host_clock", Map.of("adjust_clock_flags", clock.adjustClockFlags(), "tsc_khz", clock.tscKhz()));
        List<Map<String, Object>> copies = new ArrayList<>();
        for (CopiedDirectory copied : copiedOut) {
            Map<String, Object> copy = new LinkedHashMap<>();
            copy.put("guest_directory", copied.guestDirectory());
            copy.put("host_directory", copied.hostDirectory().toString());
            copy.put("members", copied.members());
            copy.put("bytes", copied.bytes());
            copy.put("problem", copied.problem());
            copies.add(copy);
        }
        json.put("copied_out", copies);
        return Json.write(json);
    }
}
