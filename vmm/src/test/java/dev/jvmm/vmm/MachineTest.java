package dev.jvmm.vmm;

import dev.jvmm.vmm.boot.ElfImage;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Boots the bundled kernel on /dev/kvm. These tests need KVM and fail without it: CI has it. */
class MachineTest {
    static final ElfImage IMAGE = ElfImage.parse("guest.img", BundledImage.bytes());

    record Run(RunResult result, List<String> serial) {}

    static Run boot(String cmdline, long memory, Duration timeout) {
        ByteArrayOutputStream serial = new ByteArrayOutputStream();
        RunResult result = Machine.run(new Machine.Config(IMAGE, memory, cmdline, timeout, serial));
        return new Run(result, serial.toString(StandardCharsets.UTF_8).lines().toList());
    }

    static Run boot(String cmdline) {
        return boot(cmdline, 128L << 20, Duration.ofSeconds(30));
    }

    @Test
    void bootsToLongModeAndExitsWithTheStatusTheKernelChose() throws IOException {
        Run run = boot("hello exit=7");
        assertEquals(new RunResult.Exited(7), run.result().outcome());
        assertEquals(List.of(
                "jvmm-kernel: booted in long mode (PVH start_info v1)",
                "jvmm-kernel: cpu " + hostCpuVendor() + ", memory 127 MiB",
                "jvmm-kernel: cmdline \"hello exit=7\"",
                "jvmm-kernel: exit 7"), run.serial());
        assertTrue(run.result().unclaimedPorts().isEmpty(), "the kernel only touches COM1 and the exit device");
    }

    @Test
    void theGuestSeesTheMemorySizeAndStatusZeroByDefault() {
        Run run = boot("", 64L << 20, null);
        assertEquals(new RunResult.Exited(0), run.result().outcome());
        assertTrue(run.serial().get(1).endsWith(", memory 63 MiB"), run.serial().get(1));
        assertEquals("jvmm-kernel: cmdline \"\"", run.serial().get(2));
    }

    @Test
    void aSpinningKernelIsStoppedAtTheTimeout() {
        Duration timeout = Duration.ofMillis(300);
        Run run = boot("test=spin", 128L << 20, timeout);
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
        assertTrue(died.registers().contains("cr0    0000000080010011"), "paging and protection on: " + died.registers());
        assertEquals(126, died.exitStatus());
    }

    @Test
    void aHaltWithNothingToWakeTheCpuIsReported() {
        RunResult.GuestDied died = assertInstanceOf(RunResult.GuestDied.class, boot("test=halt").result().outcome());
        assertTrue(died.reason().contains("HLT"), died.reason());
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

    static String hostCpuVendor() throws IOException {
        return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                .filter(line -> line.startsWith("vendor_id"))
                .map(line -> line.substring(line.indexOf(':') + 1).strip())
                .findFirst().orElseThrow();
    }
}
