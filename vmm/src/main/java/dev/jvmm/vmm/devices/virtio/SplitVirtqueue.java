package dev.jvmm.vmm.devices.virtio;

import dev.jvmm.vmm.memory.GuestMemory;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * A split virtqueue (virtio 1.2, 2.7) from the device's side: the descriptor table, the driver
 * area (available ring) and the device area (used ring) in guest RAM. Everything the driver
 * wrote is distrusted: every index is bounded by the queue size, every buffer checked against
 * RAM, every chain bounded by the queue size (a loop cannot hold the device), and a violation is
 * a {@link VirtqueueException}. Indirect descriptors and event suppression are not offered.
 */
public final class SplitVirtqueue {
    static final int DESCRIPTOR_SIZE = 16;
    static final int F_NEXT = 1;
    static final int F_WRITE = 2;
    static final int F_INDIRECT = 4;

    private final GuestMemory memory;
    private final int maxSize;
    private int size;
    private long descriptorTable;
    private long driverArea;
    private long deviceArea;
    private boolean ready;
    private MemorySegment descriptors;
    private MemorySegment available;
    private MemorySegment used;
    private int lastAvailable;
    private int usedIndex;

    public SplitVirtqueue(GuestMemory memory, int maxSize) {
        this.memory = memory;
        this.maxSize = maxSize;
        this.size = maxSize;
    }

    public int maxSize() {
        return maxSize;
    }

    public int size() {
        return size;
    }

    public boolean ready() {
        return ready;
    }

    // The driver's configuration writes (virtio 1.2, 4.2.3.2), taken only while the queue is not ready.
    void setSize(int size) {
        this.size = size;
    }

    void setDescriptorTable(long address) {
        descriptorTable = address;
    }

    void setDriverArea(long address) {
        driverArea = address;
    }

    void setDeviceArea(long address) {
        deviceArea = address;
    }

    long descriptorTable() {
        return descriptorTable;
    }

    long driverArea() {
        return driverArea;
    }

    long deviceArea() {
        return deviceArea;
    }

    /** QueueReady = 1: the layout is checked once here, so that every later access is in bounds. */
    void activate() throws VirtqueueException {
        if (size < 1 || size > maxSize || Integer.bitCount(size) != 1) {
            throw new VirtqueueException("queue size " + size + " is not a power of 2 in [1, " + maxSize + "]");
        }
        descriptors = area("descriptor table", descriptorTable, (long) DESCRIPTOR_SIZE * size, 16);
        available = area("driver area", driverArea, 6 + 2L * size, 2);
        used = area("device area", deviceArea, 6 + 8L * size, 4);
        lastAvailable = Short.toUnsignedInt(available.get(JAVA_SHORT_UNALIGNED, 2));
        usedIndex = Short.toUnsignedInt(used.get(JAVA_SHORT_UNALIGNED, 2));
        ready = true;
    }

    private MemorySegment area(String what, long address, long length, int alignment) throws VirtqueueException {
        if (address % alignment != 0 || !memory.contains(address, length)) {
            throw new VirtqueueException(what + " at 0x" + Long.toHexString(address) + " (" + length
                    + " bytes, alignment " + alignment + ") is not in guest RAM");
        }
        return memory.slice(address, length);
    }

    void reset() {
        ready = false;
        size = maxSize;
        descriptorTable = driverArea = deviceArea = 0;
        descriptors = available = used = null;
        lastAvailable = usedIndex = 0;
    }

    /** True if the driver made a chain available that the device has not taken yet. */
    public boolean hasAvailable() throws VirtqueueException {
        return ready && pendingCount() > 0;
    }

    private int pendingCount() throws VirtqueueException {
        int pending = (Short.toUnsignedInt(available.get(JAVA_SHORT_UNALIGNED, 2)) - lastAvailable) & 0xffff;
        if (pending > size) {
            throw new VirtqueueException("the available index is " + pending + " ahead of the device, more than the queue size " + size);
        }
        return pending;
    }

    /** The next chain the driver made available, or null if there is none. */
    public DescriptorChain pop() throws VirtqueueException {
        if (!ready || pendingCount() == 0) {
            return null;
        }
        VarHandle.acquireFence();   // read the ring entry only after the index that published it
        int head = Short.toUnsignedInt(available.get(JAVA_SHORT_UNALIGNED, 4 + 2L * (lastAvailable % size)));
        DescriptorChain chain = chain(head);
        lastAvailable = (lastAvailable + 1) & 0xffff;
        return chain;
    }

    private DescriptorChain chain(int head) throws VirtqueueException {
        List<MemorySegment> readable = new ArrayList<>();
        List<MemorySegment> writable = new ArrayList<>();
        int index = head;
        for (int count = 0; ; count++) {
            if (index >= size) {
                throw new VirtqueueException("descriptor index " + index + " is beyond the queue size " + size);
            }
            if (count == size) {
                throw new VirtqueueException("the chain from descriptor " + head + " is longer than the queue (a loop?)");
            }
            long offset = (long) DESCRIPTOR_SIZE * index;
            long address = descriptors.get(JAVA_LONG_UNALIGNED, offset);
            long length = Integer.toUnsignedLong(descriptors.get(JAVA_INT_UNALIGNED, offset + 8));
            int flags = Short.toUnsignedInt(descriptors.get(JAVA_SHORT_UNALIGNED, offset + 12));
            if ((flags & F_INDIRECT) != 0) {
                throw new VirtqueueException("indirect descriptor " + index + ": VIRTIO_F_INDIRECT_DESC was not offered");
            }
            if (!memory.contains(address, length)) {
                throw new VirtqueueException("descriptor " + index + " (0x" + Long.toHexString(address) + ", " + length
                        + " bytes) is not in guest RAM");
            }
            MemorySegment buffer = memory.slice(address, length);
            if ((flags & F_WRITE) != 0) {
                writable.add(buffer);
            } else if (writable.isEmpty()) {
                readable.add(buffer);
            } else {
                throw new VirtqueueException("descriptor " + index + " is device-readable after a device-writable one");
            }
            if ((flags & F_NEXT) == 0) {
                return new DescriptorChain(head, List.copyOf(readable), List.copyOf(writable));
            }
            index = Short.toUnsignedInt(descriptors.get(JAVA_SHORT_UNALIGNED, offset + 14));
        }
    }

    /** Returns a chain to the driver, {@code written} bytes of it filled by the device. */
    public void push(DescriptorChain chain, long written) {
        long slot = 4 + 8L * (usedIndex % size);
        used.set(JAVA_INT_UNALIGNED, slot, chain.head());
        used.set(JAVA_INT_UNALIGNED, slot + 4, (int) written);
        usedIndex = (usedIndex + 1) & 0xffff;
        VarHandle.releaseFence();   // the element before the index that publishes it (2.7.8)
        used.set(JAVA_SHORT_UNALIGNED, 2, (short) usedIndex);
    }
}
