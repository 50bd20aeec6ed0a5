package dev.jvmm.vmm.devices.virtio;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The virtio console and its MMIO transport, driven as a guest driver would drive them. */
class VirtioConsoleTest {
    static final long VERSION_1 = VirtioMmio.VIRTIO_F_VERSION_1;
    static final long MULTIPORT = VirtioConsole.F_MULTIPORT;

    final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    final List<Boolean> line = new ArrayList<>();
    final List<String> complaints = new ArrayList<>();
    final Driver driver = new Driver();

    void attach(InputStream stdin) {
        VirtioConsole console = new VirtioConsole(stdin, stdout, stderr);
        driver.transport = new VirtioMmio(console, driver.memory, line::add, complaints::add);
    }

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void identifiesItselfAsAVersion2ConsoleOfferingMultiport() {
        attach(null);
        assertEquals(0x74726976, driver.read(VirtioMmio.MAGIC_VALUE));
        assertEquals(2, driver.read(VirtioMmio.VERSION));
        assertEquals(3, driver.read(VirtioMmio.DEVICE_ID));
        driver.write(VirtioMmio.DEVICE_FEATURES_SEL, 0);
        assertEquals(MULTIPORT, driver.read(VirtioMmio.DEVICE_FEATURES));
        driver.write(VirtioMmio.DEVICE_FEATURES_SEL, 1);
        assertEquals(1, driver.read(VirtioMmio.DEVICE_FEATURES), "VIRTIO_F_VERSION_1 is bit 32");
        assertEquals(2, driver.read(VirtioMmio.CONFIG + 4), "max_nr_ports: stdout/stdin and stderr");
        driver.write(VirtioMmio.QUEUE_SEL, 0);
        assertEquals(VirtioConsole.QUEUE_SIZE, driver.read(VirtioMmio.QUEUE_NUM_MAX));
        driver.write(VirtioMmio.QUEUE_SEL, 6);
        assertEquals(0, driver.read(VirtioMmio.QUEUE_NUM_MAX), "a queue the device does not have");
    }

    @Test
    void refusesFeaturesItDidNotOfferAndDriversWithoutVersion1() {
        attach(null);
        for (long features : new long[] {MULTIPORT, VERSION_1 | (1L << 5)}) {
            driver.write(VirtioMmio.STATUS, 0);
            driver.write(VirtioMmio.STATUS, VirtioMmio.STATUS_ACKNOWLEDGE | VirtioMmio.STATUS_DRIVER);
            driver.negotiate(features);
            assertEquals(0, driver.read(VirtioMmio.STATUS) & VirtioMmio.STATUS_FEATURES_OK, Long.toHexString(features));
        }
        driver.write(VirtioMmio.STATUS, 0);
        driver.write(VirtioMmio.STATUS, VirtioMmio.STATUS_ACKNOWLEDGE | VirtioMmio.STATUS_DRIVER);
        driver.negotiate(VERSION_1 | MULTIPORT);
        assertTrue((driver.read(VirtioMmio.STATUS) & VirtioMmio.STATUS_FEATURES_OK) != 0);
    }

    @Test
    void transmitsEveryByteOfEveryBufferInOrderAndRaisesTheInterrupt() {
        attach(null);
        driver.initialise(VERSION_1, 2, 8);
        byte[] binary = new byte[70_000];
        new Random(7).nextBytes(binary);
        byte[] tail = "no newline".getBytes(StandardCharsets.US_ASCII);
        long first = driver.buffer(binary);
        long second = driver.buffer(tail);
        driver.offer(1, new long[] {first, second}, new int[] {binary.length, tail.length}, new long[0], new int[0]);
        driver.offer(1, new long[] {second}, new int[] {3}, new long[0], new int[0]);
        driver.notifyQueue(1);
        byte[] expected = new byte[binary.length + tail.length + 3];
        System.arraycopy(binary, 0, expected, 0, binary.length);
        System.arraycopy(tail, 0, expected, binary.length, tail.length);
        System.arraycopy(tail, 0, expected, binary.length + tail.length, 3);
        assertArrayEquals(expected, stdout.toByteArray());
        assertEquals(2, driver.takeUsed(1).length);
        assertEquals(true, line.getLast(), "the interrupt is raised");
        assertEquals(VirtioMmio.INTERRUPT_USED_BUFFER, driver.read(VirtioMmio.INTERRUPT_STATUS));
        driver.write(VirtioMmio.INTERRUPT_ACK, VirtioMmio.INTERRUPT_USED_BUFFER);
        assertEquals(0, driver.read(VirtioMmio.INTERRUPT_STATUS));
        assertEquals(false, line.getLast());
    }

    @Test
    void multiportAddsBothPortsNamesTheConsoleAndSendsStderrToItsOwnStream() {
        attach(null);
        driver.initialise(VERSION_1 | MULTIPORT, 6, 16);
        for (int i = 0; i < 8; i++) {
            long buffer = driver.emptyBuffer(8);
            driver.offer(VirtioConsole.CONTROL_RX, new long[0], new int[0], new long[] {buffer}, new int[] {8});
        }
        driver.sendControl(-1, VirtioConsole.DEVICE_READY, 1);
        assertEquals(List.of("0:1:0", "1:1:0"), driver.receivedControl());
        driver.sendControl(0, VirtioConsole.PORT_READY, 1);
        driver.sendControl(1, VirtioConsole.PORT_READY, 1);
        assertEquals(List.of("0:4:1", "0:6:0", "1:6:1"), driver.receivedControl(),
                "console port, then port 0 opened and closed at once (no stdin), port 1 opened");
        long err = driver.buffer("oops\n".getBytes(StandardCharsets.US_ASCII));
        driver.offer(5, new long[] {err}, new int[] {5}, new long[0], new int[0]);
        driver.notifyQueue(5);
        long out = driver.buffer("fine\n".getBytes(StandardCharsets.US_ASCII));
        driver.offer(1, new long[] {out}, new int[] {5}, new long[0], new int[0]);
        driver.notifyQueue(1);
        assertEquals("fine\n", stdout.toString(StandardCharsets.US_ASCII));
        assertEquals("oops\n", stderr.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void stdinArrivesInPostedBuffersAndItsEndIsAPortClose() throws Exception {
        PipedOutputStream host = new PipedOutputStream();
        attach(new PipedInputStream(host, 1 << 16));
        driver.initialise(VERSION_1 | MULTIPORT, 6, 16);
        for (int i = 0; i < 8; i++) {
            driver.offer(VirtioConsole.CONTROL_RX, new long[0], new int[0], new long[] {driver.emptyBuffer(8)}, new int[] {8});
        }
        driver.sendControl(-1, VirtioConsole.DEVICE_READY, 1);
        driver.sendControl(0, VirtioConsole.PORT_READY, 1);
        assertEquals(List.of("0:1:0", "1:1:0", "0:4:1", "0:6:1"), driver.receivedControl(), "stdin is open");
        long[] receive = {driver.emptyBuffer(4), driver.emptyBuffer(100)};
        driver.offer(0, new long[0], new int[0], new long[] {receive[0]}, new int[] {4});
        driver.offer(0, new long[0], new int[0], new long[] {receive[1]}, new int[] {100});
        driver.notifyQueue(0);
        host.write("hello, guest".getBytes(StandardCharsets.US_ASCII));
        host.flush();
        int[][] used = awaitUsed(0, 2);
        assertEquals(4, used[0][1]);
        assertEquals(8, used[1][1]);
        assertEquals("hell", new String(driver.memory.read(receive[0], 4), StandardCharsets.US_ASCII));
        assertEquals("o, guest", new String(driver.memory.read(receive[1], 8), StandardCharsets.US_ASCII));
        host.close();
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            while (!driver.receivedControl().contains("0:6:0")) {
                Thread.sleep(5);
            }
        });
    }

    @Test
    void aLargeStdinStreamsThroughWithBoundedBuffering() throws Exception {
        byte[] data = new byte[1 << 20];
        new Random(3).nextBytes(data);
        attach(new ByteArrayInputStream(data));
        driver.initialise(VERSION_1, 2, 256);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        long buffer = driver.emptyBuffer(4096);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            while (received.size() < data.length) {
                driver.offer(0, new long[0], new int[0], new long[] {buffer}, new int[] {4096});
                driver.notifyQueue(0);
                int[][] used;
                while ((used = driver.takeUsed(0)).length == 0) {
                    Thread.onSpinWait();
                }
                received.write(driver.memory.read(buffer, used[0][1]));
            }
        });
        assertArrayEquals(data, received.toByteArray());
    }

    @Test
    void hostileQueuesAskForAResetAndNeverTouchMemoryOutsideRam() {
        record Case(String name, Runnable breakIt) {}
        List<Case> cases = List.of(
                new Case("descriptor outside RAM", () -> {
                    driver.descriptor(1, 0, driver.memory.size() - 2, 4, 0, 0);
                    driver.publish(1, 0);
                }),
                new Case("a loop", () -> {
                    driver.descriptor(1, 0, Driver.BUFFERS, 4, SplitVirtqueue.F_NEXT, 1);
                    driver.descriptor(1, 1, Driver.BUFFERS, 4, SplitVirtqueue.F_NEXT, 0);
                    driver.publish(1, 0);
                }),
                new Case("a head beyond the queue", () -> driver.publish(1, 200)),
                new Case("an available index far ahead", () -> driver.setAvailableIndex(1, 100)),
                new Case("an indirect descriptor", () -> {
                    driver.descriptor(1, 0, Driver.BUFFERS, 16, SplitVirtqueue.F_INDIRECT, 0);
                    driver.publish(1, 0);
                }),
                new Case("readable after writable", () -> {
                    driver.descriptor(1, 0, Driver.BUFFERS, 4, SplitVirtqueue.F_WRITE | SplitVirtqueue.F_NEXT, 1);
                    driver.descriptor(1, 1, Driver.BUFFERS, 4, 0, 0);
                    driver.publish(1, 0);
                }));
        for (Case c : cases) {
            complaints.clear();
            attach(null);
            driver.initialise(VERSION_1, 2, 8);
            c.breakIt().run();
            driver.notifyQueue(1);
            assertTrue((driver.read(VirtioMmio.STATUS) & VirtioMmio.STATUS_NEEDS_RESET) != 0, c.name());
            assertEquals(1, complaints.size(), c.name() + ": " + complaints);
            assertEquals(0, stdout.size(), c.name());
        }
    }

    @Test
    void outOfOrderConfigurationIsIgnoredOrRefused() {
        attach(null);
        driver.setUpQueue(1, 8);        // before FEATURES_OK: ignored
        driver.write(VirtioMmio.QUEUE_SEL, 1);
        assertEquals(0, driver.read(VirtioMmio.QUEUE_READY));
        driver.write(VirtioMmio.STATUS, VirtioMmio.STATUS_ACKNOWLEDGE | VirtioMmio.STATUS_DRIVER);
        driver.negotiate(VERSION_1);
        driver.setUpQueue(1, 6);        // not a power of two
        assertTrue((driver.read(VirtioMmio.STATUS) & VirtioMmio.STATUS_NEEDS_RESET) != 0);
        driver.write(VirtioMmio.STATUS, 0);
        assertEquals(0, driver.read(VirtioMmio.STATUS), "a reset clears everything");
        driver.initialise(VERSION_1, 2, 8);
        driver.notifyQueue(0);          // nothing posted
        driver.notifyQueue(3);          // a queue that is not live
        driver.notifyQueue(99);
        driver.write(VirtioMmio.DRIVER_FEATURES, -1);   // after FEATURES_OK: ignored
        assertEquals(0, driver.read(VirtioMmio.STATUS) & VirtioMmio.STATUS_NEEDS_RESET);
    }

    private int[][] awaitUsed(int q, int count) {
        List<int[]> all = new ArrayList<>();
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            while (all.size() < count) {
                all.addAll(List.of(driver.takeUsed(q)));
                Thread.sleep(2);
            }
        });
        return all.toArray(int[][]::new);
    }
}
