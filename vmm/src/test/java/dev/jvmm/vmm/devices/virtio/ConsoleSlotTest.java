package dev.jvmm.vmm.devices.virtio;

import dev.jvmm.vmm.devices.MmioBus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console as the Machine wires it: on the MMIO bus at its window, its interrupt on a line,
 * the program's streams on its ports; driven through the bus as a vCPU's MMIO exits would.
 */
class ConsoleSlotTest {
    static final long FEATURES = VirtioMmio.VIRTIO_F_VERSION_1 | VirtioConsole.F_MULTIPORT;

    final MmioBus bus = new MmioBus();
    final Driver driver = new Driver();
    final List<Boolean> line = new ArrayList<>();
    final List<String> complaints = new ArrayList<>();

    VirtioMmio attach(InputStream stdin, OutputStream stdout, OutputStream stderr) {
        VirtioMmio transport = ConsoleSlot.attach(bus, driver.memory, new ConsoleSlot.Streams(stdin, stdout, stderr),
                line::add, complaints::add);
        driver.bus = bus;
        driver.base = ConsoleSlot.BASE;
        return transport;
    }

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void theKernelCommandLineNamesTheWindowAndTheInterrupt() {
        assertEquals("virtio_mmio.device=512@0xd0000000:5", ConsoleSlot.deviceWord());
        assertEquals("virtio_mmio.device=512@0xd0000000:5", ConsoleSlot.withDeviceWord(""));
        assertEquals("exit=3 virtio_mmio.device=512@0xd0000000:5", ConsoleSlot.withDeviceWord("exit=3"));
        assertTrue(ConsoleSlot.BASE >= 3L << 30 && ConsoleSlot.BASE + ConsoleSlot.SIZE <= 1L << 32,
                "in the MMIO hole, above the largest guest RAM (3 GiB)");
        assertTrue(ConsoleSlot.BASE + ConsoleSlot.SIZE <= 0xfec0_0000L, "below the IOAPIC and the local APIC");
    }

    @Test
    void programStreamsReachTheirHostStreamsThroughTheBusByteForByte() {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        attach(null, stdout, stderr);
        assertEquals(0x74726976, driver.read(VirtioMmio.MAGIC_VALUE), "the window answers at 0xd0000000");
        assertEquals(VirtioConsole.DEVICE_ID, driver.read(VirtioMmio.DEVICE_ID));
        driver.initialise(FEATURES, 6, 16);
        line.clear();       // the reset at the start of initialisation lowered it
        byte[] binary = new byte[5000];
        new Random(11).nextBytes(binary);
        driver.offer(1, new long[] {driver.buffer(binary)}, new int[] {binary.length}, new long[0], new int[0]);
        driver.notifyQueue(1);
        byte[] error = "no newline".getBytes(StandardCharsets.US_ASCII);
        driver.offer(5, new long[] {driver.buffer(error)}, new int[] {error.length}, new long[0], new int[0]);
        driver.notifyQueue(5);
        assertArrayEquals(binary, stdout.toByteArray());
        assertArrayEquals(error, stderr.toByteArray());
        assertEquals(List.of(true), dedup(line), "the line is raised for the used buffers");
        driver.write(VirtioMmio.INTERRUPT_ACK, VirtioMmio.INTERRUPT_USED_BUFFER);
        assertEquals(false, line.getLast(), "and lowered when the driver acknowledges them");
        assertEquals(0, bus.unclaimedAccesses());
        assertEquals(List.of(), complaints);
    }

    @Test
    void accessesOutsideTheWindowAreUnclaimed() {
        attach(null, OutputStream.nullOutputStream(), OutputStream.nullOutputStream());
        driver.base = ConsoleSlot.BASE + ConsoleSlot.SIZE;
        assertEquals(-1, driver.read(VirtioMmio.MAGIC_VALUE));
        driver.base = ConsoleSlot.BASE - 4;
        driver.write(0, 1);
        assertEquals(2, bus.unclaimedAccesses());
    }

    @Test
    void stdinStreamsIntoPort0AndItsEndClosesThePort() {
        byte[] input = new byte[3000];
        new Random(5).nextBytes(input);
        attach(new ByteArrayInputStream(input), OutputStream.nullOutputStream(), OutputStream.nullOutputStream());
        driver.initialise(FEATURES, 6, 16);
        driver.postControlBuffers(8);
        long receive = driver.emptyBuffer(4096);
        driver.offer(0, new long[0], new int[0], new long[] {receive}, new int[] {4096});
        driver.notifyQueue(0);
        driver.sendControl(-1, VirtioConsole.DEVICE_READY, 1);
        driver.sendControl(0, VirtioConsole.PORT_READY, 1);
        List<String> control = new ArrayList<>();
        List<int[]> used = new ArrayList<>();
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            while (used.isEmpty() || !control.contains("0:6:0")) {
                used.addAll(List.of(driver.takeUsed(0)));
                control.addAll(driver.receivedControl());
                Thread.sleep(2);
            }
        });
        assertEquals(input.length, used.getFirst()[1]);
        assertArrayEquals(input, driver.memory.read(receive, input.length));
        assertTrue(control.indexOf("0:6:0") > control.indexOf("0:4:1"), "end of input after the console port: " + control);
    }

    @Test
    void aHostStreamThatFailsRemovesItsPortAndTheDriverNeverWaits() {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        OutputStream closedPipe = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        attach(null, stdout, closedPipe);
        driver.initialise(FEATURES, 6, 16);
        driver.postControlBuffers(8);
        driver.sendControl(-1, VirtioConsole.DEVICE_READY, 1);
        driver.sendControl(1, VirtioConsole.PORT_READY, 1);
        assertEquals(List.of("0:1:0", "1:1:0", "1:6:1"), driver.receivedControl());
        for (int i = 0; i < 2; i++) {
            long buffer = driver.buffer("lost\n".getBytes(StandardCharsets.US_ASCII));
            driver.offer(5, new long[] {buffer}, new int[] {5}, new long[0], new int[0]);
            driver.notifyQueue(5);
            assertEquals(1, driver.takeUsed(5).length, "the buffer comes back all the same");
        }
        assertEquals(List.of("1:2:0"), driver.receivedControl(), "PORT_REMOVE for port 1, once");
        long out = driver.buffer("still here".getBytes(StandardCharsets.US_ASCII));
        driver.offer(1, new long[] {out}, new int[] {10}, new long[0], new int[0]);
        driver.notifyQueue(1);
        assertEquals("still here", stdout.toString(StandardCharsets.US_ASCII), "the other port goes on");
        assertEquals(0, driver.read(VirtioMmio.STATUS) & VirtioMmio.STATUS_NEEDS_RESET);
        driver.sendControl(1, VirtioConsole.PORT_READY, 1);
        assertEquals(List.of("1:6:1", "1:2:0"), driver.receivedControl(), "a driver that asks again hears it again");
    }

    /** The levels the line went through, repeats folded (the Machine's line calls KVM only on a change). */
    private static List<Boolean> dedup(List<Boolean> levels) {
        List<Boolean> changes = new ArrayList<>();
        for (Boolean level : levels) {
            if (changes.isEmpty() || changes.getLast() != level) {
                changes.add(level);
            }
        }
        return changes;
    }
}
