package dev.jvmm.vmm;

import dev.jvmm.junit.JvmmTest;
import dev.jvmm.vmm.boot.ElfImage;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Boots the bundled kernel on /dev/kvm. These tests need KVM and fail without it: CI has it. */
@JvmmTest
class MachineTest {
    static final ElfImage IMAGE = ElfImage.parse("guest.img", BundledImage.bytes());

    record Run(RunResult result, List<String> serial) {}

    static Run boot(String cmdline, long memory, Duration timeout, byte[] program) {
        ByteArrayOutputStream serial = new ByteArrayOutputStream();
        RunResult result = Machine.run(new Machine.Config(IMAGE, memory, cmdline, program, timeout, serial));
        return new Run(result, serial.toString(StandardCharsets.UTF_8).lines().toList());
    }

    static Run boot(String cmdline) {
        return boot(cmdline, 128L << 20, Duration.ofSeconds(60), null);
    }

    static String entryLine(String vendor, String paths, String gate) {
        return "jvmm-kernel: entry cpu=" + vendor + " " + paths + " gate=" + gate;
    }

    @Test
    void bootsProbesTheEntryPathsAndStopsWithTheRequestedStatus() {
        Run run = boot("hello exit=7");
        assertEquals(new RunResult.Exited(7), run.result().outcome());
        assertEquals(List.of(
                "jvmm-kernel: booted in long mode (PVH start_info v1)",
                "jvmm-kernel: cpu " + HostCpu.vendor() + ", memory 127 MiB",
                "jvmm-kernel: cmdline \"hello exit=7\"",
                run.serial().get(3),
                entryLine(HostCpu.vendor(), HostCpu.kvmEntryPaths(), "syscall")), run.serial());
        // The kernel says what KVM_GET_CLOCK told the VMM. KVM's in-kernel local APIC: x2APIC, its
        // timer one-shot unless the command line asks for TSC-deadline mode, at the 1 GHz that
        // jvmm's timing leaf states (a rate measured on a loaded host is off, and always low).
        assertEquals("jvmm-kernel: clock kvm-clock" + (run.result().clock().tscStable() ? "" : " (TSC not stable: the vDSO makes system calls)")
                        + "; timer x2apic one-shot 1000000 kHz",
                run.serial().get(3));
        assertTrue(run.result().exits().unclaimedPorts().isEmpty(), "the kernel only touches jvmm's devices");
        // COM1 and the exit device; the page-discard device where the kernel gave frames back.
        Set<Integer> ports = run.result().exits().byPort().keySet();
        assertTrue(ports.containsAll(Set.of(0x3f8, 0x3f9, 0x3fa, 0x3fb, 0x3fc, 0x3fd, 0x501)), ports.toString());
        assertTrue(Set.of(0x3f8, 0x3f9, 0x3fa, 0x3fb, 0x3fc, 0x3fd, 0x501, 0x520).containsAll(ports), ports.toString());
    }

    /** timer=tsc-deadline chooses that mode where the host's KVM has it (jvmm then offers it in CPUID). */
    @Test
    void theTscDeadlineTimerIsUsedOnRequest() {
        Run run = boot("timer=tsc-deadline -- demo");
        assertEquals(new RunResult.Exited(0), run.result().outcome(), run.serial().toString());
        String clock = run.serial().get(3).replaceAll(" one-shot \\d+ kHz$", " one-shot");
        assertTrue(clock.endsWith("; timer x2apic " + (HostCpu.tscDeadlineTimer() ? "tsc-deadline" : "one-shot")), clock);
    }

    @Test
    void withoutAProgramTheDemoListsItsVdsoAndRunsThroughItsGate() {
        Run run = boot("-- demo one \"two words\"", 64L << 20, null, null);
        assertEquals(new RunResult.Exited(0), run.result().outcome());
        assertTrue(run.serial().get(1).endsWith(", memory 63 MiB"), run.serial().get(1));
        List<String> demo = run.serial().stream().filter(line -> line.startsWith("jvmm-demo: ")).toList();
        assertEquals("jvmm-demo: hello from user mode, through the vDSO's __kernel_vsyscall; pid 1", demo.get(0));
        assertTrue(demo.get(1).matches("jvmm-demo: linux-vdso\\.so\\.1 \\(0x00007ff[0-9a-f]{9}\\)"), demo.get(1));
        assertEquals(Set.of("clock_gettime", "__vdso_clock_gettime", "gettimeofday", "__vdso_gettimeofday",
                        "time", "__vdso_time", "clock_getres", "__vdso_clock_getres", "getcpu", "__vdso_getcpu",
                        "__kernel_vsyscall"),
                demo.subList(2, 13).stream().map(line -> line.replaceFirst("jvmm-demo: +(\\w+)@LINUX_2\\.6", "$1"))
                        .collect(Collectors.toSet()));
        assertEquals(List.of("jvmm-demo: argv[0] = demo", "jvmm-demo: argv[1] = one", "jvmm-demo: argv[2] = two words"),
                demo.subList(13, demo.size()));
        assertTrue(run.serial().contains("jvmm-kernel: exit 0"), run.serial().toString());
    }

    @Test
    void theVdsoMovesOnEveryBoot() {
        String first = vdsoLine(boot("-- demo"));
        String second = vdsoLine(boot("-- demo"));
        assertTrue(!first.equals(second), "two boots, one address: " + first);
    }

    private static String vdsoLine(Run run) {
        return run.serial().stream().filter(line -> line.contains("linux-vdso.so.1")).findFirst().orElseThrow();
    }

    @Test
    void aForcedEntryPathBecomesTheGate() {
        for (String path : List.of("syscall", "sysenter", "int80")) {
            Run run = boot("entry=" + path + " -- demo");
            assertEquals(new RunResult.Exited(0), run.result().outcome(), path);
            assertEquals(entryLine(HostCpu.vendor(), HostCpu.kvmEntryPaths(), path), run.serial().get(4));
            assertTrue(run.serial().contains("jvmm-demo: argv[0] = demo"), run.serial().toString());
        }
    }

    @Test
    void anUnknownEntryPathIsRefusedClearly() {
        Run run = boot("entry=teleport");
        assertEquals(new RunResult.Exited(4), run.result().outcome());
        assertEquals("jvmm-kernel: unknown entry path (entry=auto|syscall|sysenter|int80)", run.serial().getLast());
    }

    @Test
    void aSpinningKernelIsStoppedAtTheTimeout() {
        Duration timeout = Duration.ofMillis(300);
        Run run = boot("test=spin", 128L << 20, timeout, null);
        assertEquals(new RunResult.TimedOut(timeout), run.result().outcome());
        assertTrue(run.result().elapsed().compareTo(timeout.plusSeconds(2)) < 0, "stopped within 2 s of the deadline: " + run.result().elapsed());
        assertEquals(3, run.serial().size(), "the banner, then nothing: " + run.serial());
    }

    @Test
    void aTripleFaultIsReportedWithRegisters() {
        Run run = boot("test=triple-fault");
        RunResult.GuestDied died = assertInstanceOf(RunResult.GuestDied.class, run.result().outcome());
        assertTrue(died.reason().contains("triple fault"), died.reason());
        assertTrue(died.registers().contains("rip "), died.registers());
        if (died.reason().contains("registers are lost")) {
            assertEquals("AuthenticAMD", HostCpu.vendor(), "only KVM on AMD re-initialises a vCPU after a shutdown");
        } else {
            assertTrue(died.registers().contains("cr0    0000000080010033"), "paging, protection and SSE on: " + died.registers());
        }
        assertEquals(126, died.exitStatus());
    }

    /** On a host that emulates guest kernel code (PVM), an instruction KVM's emulator lacks ends the run. */
    @Test
    void aKvmInternalErrorIsReportedWithRegisters() {
        Run run = boot("test=unemulated exit=9");
        if (HostCpu.hardwareVirtualization()) {
            assertEquals(new RunResult.Exited(9), run.result().outcome(), "the CPU runs the instruction itself");
            return;
        }
        RunResult.GuestDied died = assertInstanceOf(RunResult.GuestDied.class, run.result().outcome());
        assertTrue(died.reason().startsWith("KVM internal error, suberror 1 (emulation failure)"), died.reason());
        assertTrue(died.registers().contains("rip "), died.registers());
        assertEquals(126, died.exitStatus());
    }

    /** The kernel's own unit tests (kunit.s), on jvmm; KernelUnitsQemuTest runs them under QEMU. */
    @Test
    void theKernelsUnitTestsPass() {
        Run run = boot("test=units");
        assertEquals(KernelUnitsQemuTest.UNITS, KernelUnitsQemuTest.units(run.serial()), run.serial().toString());
        assertEquals(new RunResult.Exited(0), run.result().outcome(), "the status is the number of failures");
    }

    @Test
    void aHaltWithNothingToWakeTheCpuIsReported() {
        Run run = boot("test=halt");
        RunResult.GuestDied died = assertInstanceOf(RunResult.GuestDied.class, run.result().outcome());
        assertTrue(died.reason().contains("HLT with interrupts disabled"), died.reason());
        assertTrue(run.result().elapsed().compareTo(Duration.ofSeconds(5)) < 0, "the watchdog's probe found it: " + run.result().elapsed());
    }

    /**
     * Creating a machine gives one owner of KVM, the VM, memory, the vCPU and the devices: it runs
     * once, on the thread that made it, and closing it (twice is harmless) releases every file
     * descriptor it opened.
     */
    @Test
    void aMachineOwnsItsPartsRunsOnceAndClosesThemAll() throws Exception {
        long before = openFileDescriptors();
        ByteArrayOutputStream serial = new ByteArrayOutputStream();
        Machine machine = Machine.create(new Machine.Config(IMAGE, 32L << 20, "exit=5", null, null, serial));
        assertTrue(openFileDescriptors() >= before + 3, "KVM, the VM and the vCPU are open before the run");
        assertTrue(serial.size() == 0, "nothing ran yet");
        AtomicReference<Throwable> fromOtherThread = new AtomicReference<>();
        Thread other = Thread.ofPlatform().start(() -> {
            try {
                machine.vcpu().run();
            } catch (Throwable e) {
                fromOtherThread.set(e);
            }
        });
        other.join();
        assertInstanceOf(WrongThreadException.class, fromOtherThread.get(), "the vCPU is its creator's");
        RunResult result = machine.run();
        assertEquals(new RunResult.Exited(5), result.outcome(), "the exit device's status ends the run");
        assertTrue(result.exits().byPort().containsKey(0x501));
        assertThrows(IllegalStateException.class, machine::run);
        machine.close();
        machine.close();
        assertEquals(before, openFileDescriptors());
    }

    @Test
    void bootingManyVmsLeavesNoFileDescriptorsBehind() throws IOException {
        boot("exit=1");
        long before = openFileDescriptors();
        for (int i = 0; i < 20; i++) {
            assertEquals(new RunResult.Exited(i), boot("exit=" + i).result().outcome());
        }
        assertEquals(before, openFileDescriptors());
    }

    static long openFileDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
