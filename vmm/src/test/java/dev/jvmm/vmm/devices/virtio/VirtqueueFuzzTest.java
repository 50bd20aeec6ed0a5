package dev.jvmm.vmm.devices.virtio;

import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A hostile driver: a device brought up almost by the book, then random descriptors (addresses
 * in, near and beyond RAM, random lengths, flags and links), random available indexes and ring
 * entries, notifications of any queue and stray register writes, over and over. Whatever it
 * does, the transport and the console neither throw nor touch memory outside guest RAM
 * (GuestMemory refuses such a slice with an exception, which would fail the test).
 * Seeded: -Djvmm.fuzz.seed and -Djvmm.fuzz.cases reproduce a run.
 */
class VirtqueueFuzzTest {
    static final int[] REGISTERS = {
        VirtioMmio.QUEUE_SEL, VirtioMmio.QUEUE_NUM, VirtioMmio.QUEUE_READY, VirtioMmio.STATUS, VirtioMmio.INTERRUPT_ACK,
        VirtioMmio.QUEUE_DESC_LOW, VirtioMmio.DRIVER_FEATURES, VirtioMmio.QUEUE_DRIVER_LOW, VirtioMmio.QUEUE_DEVICE_LOW,
    };

    @Test
    void aHostileDriverCannotBreakTheDevice() {
        long seed = Long.decode(System.getProperty("jvmm.fuzz.seed", "0x6a766d6d"));
        int cases = Integer.getInteger("jvmm.fuzz.cases", 100_000);
        Random random = new Random(seed);
        int[] outcomes = new int[2];    // [still live, asked for a reset]
        try (Driver driver = new Driver()) {
            long ram = driver.memory.size();
            for (int c = 0; c < cases; c++) {
                driver.transport = new VirtioMmio(new VirtioConsole(null, OutputStream.nullOutputStream(),
                        OutputStream.nullOutputStream()), driver.memory, level -> { }, why -> { });
                int size = random.nextInt(10) == 0 ? 1 + random.nextInt(256) : 1 << random.nextInt(5);
                driver.initialise(VirtioMmio.VIRTIO_F_VERSION_1 | (random.nextBoolean() ? VirtioConsole.F_MULTIPORT : 0), 6, size);
                int queues = Math.max(1, Math.min(size, 32));
                for (int step = 0; step < 12; step++) {
                    int q = random.nextInt(6);
                    switch (random.nextInt(5)) {
                        case 0, 1 -> driver.descriptor(q, random.nextInt(queues), address(random, ram),
                                random.nextInt(4) == 0 ? random.nextInt() : random.nextInt(9000),
                                random.nextInt(8), random.nextInt(4) == 0 ? random.nextInt(0x10000) : random.nextInt(queues));
                        case 2 -> driver.publish(q, random.nextInt(4) == 0 ? random.nextInt(0x10000) : random.nextInt(queues));
                        case 3 -> driver.setAvailableIndex(q, random.nextInt(0x10000));
                        default -> driver.write(REGISTERS[random.nextInt(REGISTERS.length)], random.nextInt(64));
                    }
                    driver.notifyQueue(random.nextInt(8));
                }
                outcomes[driver.transport.live() ? 0 : 1]++;
            }
        }
        assertTrue(outcomes[0] > cases / 10 && outcomes[1] > cases / 10,
                "the fuzzer reaches both live queues and resets often: " + outcomes[0] + " live, " + outcomes[1] + " reset");
    }

    /** Mostly buffers inside RAM, some straddling its end, some anywhere. */
    private static long address(Random random, long ram) {
        return switch (random.nextInt(4)) {
            case 0 -> ram - random.nextInt(8192);
            case 1 -> random.nextLong();
            default -> Driver.BUFFERS + random.nextInt(1 << 20);
        };
    }
}
