package dev.jvmm.cli;

import dev.jvmm.junit.JvmmTest;
import dev.jvmm.process.ProcessRunner;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code jvmm bench --quick} runs every measurement once with a tiny count: proof that the
 * benchmark works, in CI. It asserts what is reported, never how fast anything was.
 */
@JvmmTest
class BenchCommandTest {
    @Test
    void quickBenchReportsEveryMeasurementAsJson() throws Exception {
        Path repository = Path.of("").toAbsolutePath().getParent();
        List<String> command = JvmmCommandTest.jvmmCommand(List.of("-Djvmm.home=" + repository), "bench", "--quick", "--json");
        ProcessRunner.Result bench = ProcessRunner.of(command).deadline(Duration.ofMinutes(20)).run();     // a hang guard: emulated, it takes 8 min
        String json = bench.out();
        String progress = bench.err();
        assertEquals(0, bench.status(), progress);
        assertTrue(progress.contains("jvmm bench: [6/6]"), progress);
        assertTrue(json.startsWith("{\"header\":{\"cpu\":"), json);
        for (String name : List.of("syscall: null system call (getppid)", "syscall: floor: entry and return (-ENOSYS)",
                "sysenter: clock_gettime system call",
                "int80: null system call (getppid)", "vDSO clock_gettime monotonic", "vDSO clock_gettime tai",
                "vDSO clock_gettime (through FFM)", "null system call getppid (through FFM)",
                "exit round trip: jvmm (FFM)", "exit round trip: C reference VMM", "exit round trip: QEMU microvm (KVM)",
                "start-up: jvmm run (bundled image, boot to exit)", "start-up: QEMU microvm, same image",
                "peak RSS: jvmm run", "peak RSS: QEMU microvm", "start-up: java -version (the JVM alone)",
                "start-up: jvmm --version", "start-up: jvmm run --help", "run phase: main", "run phase: cli parsed",
                "run phase: vm created", "run phase: memory mapped", "run phase: guest loaded", "run phase: first kvm run",
                "run phase: guest exit", "run phase: kernel long", "run phase: kernel tables", "run phase: kernel clock",
                "run phase: kernel probe",
                "run phase: kernel user", "memory: touch 100 MB after mmap: jvmm", "memory: touch 100 MB after mmap: QEMU",
                "memory: mmap 1 GiB PROT_NONE: jvmm", "memory: mmap 1 GiB PROT_NONE: QEMU",
                "memory: 1 MiB mmap+touch+munmap: jvmm", "memory: 1 MiB mmap+touch+munmap: QEMU",
                "processes: fork+exit+wait: jvmm", "processes: fork+exit+wait: QEMU",
                "processes: fork+exec+wait: jvmm", "processes: fork+exec+wait: QEMU",
                "processes: fork with 100 MB touched: jvmm", "processes: fork with 100 MB touched: QEMU",
                "threads: null system call: jvmm", "threads: null system call: QEMU",
                "threads: futex ping-pong: jvmm", "threads: futex ping-pong: QEMU",
                "threads: create+join: jvmm", "threads: create+join: QEMU",
                "shell: busybox sh, 100 x /bin/true: jvmm", "shell: busybox sh, 100 x /bin/true: QEMU",
                "go: hello world, boot to exit: jvmm run", "go: hello world, boot to exit: QEMU, same image",
                "sleep: host CPU per s of guest sleep: jvmm", "sleep: host CPU per s of guest sleep: QEMU",
                "console: virtio, 1 MiB: jvmm", "console: virtio-serial, 1 MiB: QEMU", "console: 16550, 256 KiB: jvmm",
                "console: 16550, 256 KiB: QEMU", "multiboot: boot to exit: jvmm run", "multiboot: boot to exit: QEMU, same image",
                "multiboot: boot to exit, in process (MicroVm)", "multiboot: 4 vCPUs up, in process (MicroVm)")) {
            assertTrue(json.contains("\"name\":\"" + name + "\""), name + " in " + json);
        }
        assertTrue(json.strip().matches(".*\"name\":\"vDSO clock_gettime monotonic\",\"unit\":\"ns\",\"median\":[0-9.E]+,.*"), json);
        assertTrue(json.strip().matches(".*\"name\":\"console: virtio, 1 MiB: jvmm\",\"unit\":\"MB/s\",\"median\":[0-9.E]+,.*"), json);
        assertTrue(json.strip().matches(".*\"name\":\"console: virtio-serial, 1 MiB: QEMU\",\"unit\":\"MB/s\",\"median\":[0-9.E]+,"
                + "[^}]*\"note\":\"QEMU microvm \\(KVM\\); jvmm / QEMU = [0-9.]+ \\(higher is faster\\)\".*"), json);
        assertFalse(json.contains("\"skipped\""), "a host with KVM measures every row: " + json);
    }
}
