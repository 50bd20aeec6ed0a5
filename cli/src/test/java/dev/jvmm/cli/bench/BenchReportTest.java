package dev.jvmm.cli.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A row that could not be measured on this host says why, in the table and in the JSON, and has no value. */
class BenchReportTest {
    private final BenchReport report = new BenchReport(Map.of("runs", "1 rounds"), List.of(
            Row.skipped("workload", "console: virtio, 1 MiB: jvmm", "skipped: no /dev/kvm on this host (jvmm needs KVM)"),
            Row.of("workload", "console: virtio-serial, 1 MiB: QEMU", "MB/s", Stats.of(300, 320, 340), "QEMU microvm (TCG)")));

    @Test
    void theTableShowsASkippedRowWithItsReason() {
        String table = report.table();
        assertTrue(table.contains("Workloads in the guest, jvmm against QEMU"), table);
        assertTrue(table.matches("(?s).*console: virtio, 1 MiB: jvmm +- +skipped: no /dev/kvm on this host \\(jvmm needs KVM\\)\n.*"), table);
        assertTrue(table.matches("(?s).*console: virtio-serial, 1 MiB: QEMU +320 MB/s +300\\.\\.340 +QEMU microvm \\(TCG\\)\n.*"), table);
    }

    @Test
    void theJsonGivesASkippedRowTheReasonAndNoMedian() {
        String json = report.json();
        assertTrue(json.contains("{\"section\":\"workload\",\"name\":\"console: virtio, 1 MiB: jvmm\","
                + "\"skipped\":\"skipped: no /dev/kvm on this host (jvmm needs KVM)\"}"), json);
        assertTrue(json.contains("\"name\":\"console: virtio-serial, 1 MiB: QEMU\",\"unit\":\"MB/s\",\"median\":320.0,"), json);
    }
}
