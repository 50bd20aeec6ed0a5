package dev.jvmm.vmm.devices.virtio;

import dev.jvmm.vmm.devices.MmioBus;
import dev.jvmm.vmm.memory.GuestMemory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * A virtio-mmio driver for tests, as a guest kernel would be: register accesses through the
 * transport, split virtqueues laid out in guest RAM. Queue {@code q} lives at
 * {@code QUEUES + q * QUEUE_STRIDE}; buffers are allocated upward from {@code BUFFERS}. With a
 * {@link #bus}, register accesses go through it at {@link #base}, as a vCPU's MMIO exits do.
 */
final class Driver implements AutoCloseable {
    static final long QUEUES = 0x10000;
    static final long QUEUE_STRIDE = 0x4000;
    static final long BUFFERS = 0x100000;

    final GuestMemory memory = GuestMemory.allocate(4L << 20);
    final Arena arena = Arena.ofShared();
    private final MemorySegment register = arena.allocate(4);
    VirtioMmio transport;
    MmioBus bus;
    long base;
    private long nextBuffer = BUFFERS;
    private final int[] availableIndex = new int[16];
    private final int[] usedSeen = new int[16];
    private final int[] nextDescriptor = new int[16];
    private final int[] size = new int[16];

    int read(int offset) {
        if (bus != null) {
            bus.read(base + offset, register);
        } else {
            transport.read(offset, register);
        }
        return register.get(JAVA_INT_UNALIGNED, 0);
    }

    void write(int offset, int value) {
        register.set(JAVA_INT_UNALIGNED, 0, value);
        if (bus != null) {
            bus.write(base + offset, register);
        } else {
            transport.write(offset, register);
        }
    }

    /** The initialisation sequence of virtio 1.2, 3.1.1, with {@code features} and {@code queues} of {@code queueSize}. */
    void initialise(long features, int queues, int queueSize) {
        write(VirtioMmio.STATUS, 0);
        write(VirtioMmio.STATUS, VirtioMmio.STATUS_ACKNOWLEDGE);
        write(VirtioMmio.STATUS, VirtioMmio.STATUS_ACKNOWLEDGE | VirtioMmio.STATUS_DRIVER);
        negotiate(features);
        for (int q = 0; q < queues; q++) {
            setUpQueue(q, queueSize);
        }
        write(VirtioMmio.STATUS, read(VirtioMmio.STATUS) | VirtioMmio.STATUS_DRIVER_OK);
    }

    void negotiate(long features) {
        write(VirtioMmio.DRIVER_FEATURES_SEL, 0);
        write(VirtioMmio.DRIVER_FEATURES, (int) features);
        write(VirtioMmio.DRIVER_FEATURES_SEL, 1);
        write(VirtioMmio.DRIVER_FEATURES, (int) (features >>> 32));
        write(VirtioMmio.STATUS, read(VirtioMmio.STATUS) | VirtioMmio.STATUS_FEATURES_OK);
    }

    void setUpQueue(int q, int queueSize) {
        size[q] = queueSize;
        write(VirtioMmio.QUEUE_SEL, q);
        write(VirtioMmio.QUEUE_NUM, queueSize);
        write(VirtioMmio.QUEUE_DESC_LOW, (int) descriptors(q));
        write(VirtioMmio.QUEUE_DESC_HIGH, 0);
        write(VirtioMmio.QUEUE_DRIVER_LOW, (int) available(q));
        write(VirtioMmio.QUEUE_DRIVER_HIGH, 0);
        write(VirtioMmio.QUEUE_DEVICE_LOW, (int) used(q));
        write(VirtioMmio.QUEUE_DEVICE_HIGH, 0);
        write(VirtioMmio.QUEUE_READY, 1);
    }

    static long descriptors(int q) {
        return QUEUES + q * QUEUE_STRIDE;
    }

    static long available(int q) {
        return descriptors(q) + 0x1000;
    }

    static long used(int q) {
        return descriptors(q) + 0x2000;
    }

    /** Copies {@code bytes} into a fresh buffer in guest RAM; returns its address. */
    long buffer(byte[] bytes) {
        long address = nextBuffer;
        memory.write(address, bytes);
        nextBuffer += (bytes.length + 15) & ~15L;
        return address;
    }

    long emptyBuffer(int length) {
        return buffer(new byte[length]);
    }

    /** Writes descriptor {@code index} of queue {@code q}. */
    void descriptor(int q, int index, long address, int length, int flags, int next) {
        MemorySegment table = memory.slice(descriptors(q), 16L * 256);
        long offset = 16L * index;
        table.set(JAVA_LONG_UNALIGNED, offset, address);
        table.set(JAVA_INT_UNALIGNED, offset + 8, length);
        table.set(JAVA_SHORT_UNALIGNED, offset + 12, (short) flags);
        table.set(JAVA_SHORT_UNALIGNED, offset + 14, (short) next);
    }

    /** Makes a chain of buffers available: readable ones, then writable ones; returns its head. */
    int offer(int q, long[] readable, int[] readableLengths, long[] writable, int[] writableLengths) {
        int count = readable.length + writable.length;
        int head = nextDescriptor[q];
        for (int i = 0; i < count; i++) {
            int index = (head + i) % size[q];
            boolean write = i >= readable.length;
            long address = write ? writable[i - readable.length] : readable[i];
            int length = write ? writableLengths[i - readable.length] : readableLengths[i];
            int flags = (write ? SplitVirtqueue.F_WRITE : 0) | (i + 1 < count ? SplitVirtqueue.F_NEXT : 0);
            descriptor(q, index, address, length, flags, (index + 1) % size[q]);
        }
        nextDescriptor[q] = (head + count) % size[q];
        publish(q, head);
        return head;
    }

    /** Puts {@code head} in the available ring and moves its index on. */
    void publish(int q, int head) {
        MemorySegment ring = memory.slice(available(q), 6 + 2L * 256);
        ring.set(JAVA_SHORT_UNALIGNED, 4 + 2L * (availableIndex[q] % size[q]), (short) head);
        availableIndex[q] = (availableIndex[q] + 1) & 0xffff;
        ring.set(JAVA_SHORT_UNALIGNED, 2, (short) availableIndex[q]);
    }

    void setAvailableIndex(int q, int index) {
        memory.slice(available(q), 4).set(JAVA_SHORT_UNALIGNED, 2, (short) index);
    }

    void notifyQueue(int q) {
        write(VirtioMmio.QUEUE_NOTIFY, q);
    }

    /** The used-ring entries the device added since the last call: {id, len} pairs. */
    int[][] takeUsed(int q) {
        MemorySegment ring = memory.slice(used(q), 6 + 8L * 256);
        int index = Short.toUnsignedInt(ring.get(JAVA_SHORT_UNALIGNED, 2));
        int n = (index - usedSeen[q]) & 0xffff;
        int[][] entries = new int[n][];
        for (int i = 0; i < n; i++) {
            long slot = 4 + 8L * ((usedSeen[q] + i) % size[q]);
            entries[i] = new int[] {ring.get(JAVA_INT_UNALIGNED, slot), ring.get(JAVA_INT_UNALIGNED, slot + 4)};
        }
        usedSeen[q] = index;
        return entries;
    }

    /** Sends the console a control message (virtio 1.2, 5.3.6.2) on its control transmit queue. */
    void sendControl(int id, int event, int value) {
        byte[] message = new byte[8];
        ByteBuffer.wrap(message).order(ByteOrder.LITTLE_ENDIAN).putInt(id).putShort((short) event).putShort((short) value);
        long buffer = buffer(message);
        offer(VirtioConsole.CONTROL_TX, new long[] {buffer}, new int[] {8}, new long[0], new int[0]);
        notifyQueue(VirtioConsole.CONTROL_TX);
    }

    /** Posts {@code count} buffers for the console's control messages. */
    void postControlBuffers(int count) {
        for (int i = 0; i < count; i++) {
            offer(VirtioConsole.CONTROL_RX, new long[0], new int[0], new long[] {emptyBuffer(8)}, new int[] {8});
        }
    }

    /** Control messages the device wrote since the last call, as "id:event:value". */
    List<String> receivedControl() {
        List<String> messages = new ArrayList<>();
        MemorySegment table = memory.slice(descriptors(VirtioConsole.CONTROL_RX), 16L * 256);
        for (int[] entry : takeUsed(VirtioConsole.CONTROL_RX)) {
            long address = table.get(JAVA_LONG_UNALIGNED, 16L * entry[0]);
            ByteBuffer message = ByteBuffer.wrap(memory.read(address, 8)).order(ByteOrder.LITTLE_ENDIAN);
            messages.add(message.getInt() + ":" + message.getShort() + ":" + message.getShort());
        }
        return messages;
    }

    @Override
    public void close() {
        arena.close();
        memory.close();
    }
}
