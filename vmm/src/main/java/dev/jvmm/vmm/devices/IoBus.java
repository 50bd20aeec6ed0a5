package dev.jvmm.vmm.devices;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.TreeMap;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * The I/O-port address space: a two-level table of the 65536 ports (256 pages of 256, a page
 * allocated when a device claims a port in it), so dispatch is two array loads and an empty bus
 * costs a few hundred bytes. Accesses to ports no device claims are counted, not fatal: reads see
 * all ones, as on a PC where nothing drives the bus.
 */
public final class IoBus {
    private static final int PAGE_BITS = 8;
    private static final int PAGE = 1 << PAGE_BITS;

    /** A claimed port: its device, and the device's first port (offsets are relative to it). */
    private record Claim(PortDevice device, int base) {}

    private final Claim[][] pages = new Claim[PAGE][];
    private final Map<Integer, Long> unclaimed = new TreeMap<>();

    public void register(int firstPort, int count, PortDevice device) {
        Claim claim = new Claim(device, firstPort);
        for (int port = firstPort; port < firstPort + count; port++) {
            Claim[] page = pages[port >>> PAGE_BITS];
            if (page == null) {
                page = pages[port >>> PAGE_BITS] = new Claim[PAGE];
            }
            if (page[port & (PAGE - 1)] != null) {
                throw new IllegalArgumentException("I/O port 0x" + Integer.toHexString(port) + " is already claimed");
            }
            page[port & (PAGE - 1)] = claim;
        }
    }

    private Claim claim(int port) {
        Claim[] page = pages[port >>> PAGE_BITS];
        return page == null ? null : page[port & (PAGE - 1)];
    }

    /**
     * {@code count} writes of {@code size} bytes each, from {@code data} (a string {@code outs} has
     * count > 1). Returns {@link PortDevice#RUN}, or the status with which a device ended the run
     * (the writes after it are not made).
     */
    public int write(int port, int size, int count, MemorySegment data) {
        Claim claim = claim(port);
        if (claim == null) {
            unclaimed.merge(port, (long) count, Long::sum);
            return PortDevice.RUN;
        }
        for (int i = 0; i < count; i++) {
            int status = claim.device().write(port - claim.base(), size, get(data, (long) i * size, size));
            if (status != PortDevice.RUN) {
                return status;
            }
        }
        return PortDevice.RUN;
    }

    /** {@code count} reads of {@code size} bytes each, into {@code data}. */
    public void read(int port, int size, int count, MemorySegment data) {
        Claim claim = claim(port);
        for (int i = 0; i < count; i++) {
            int value = claim == null ? -1 : claim.device().read(port - claim.base(), size);
            put(data, (long) i * size, size, value);
        }
        if (claim == null) {
            unclaimed.merge(port, (long) count, Long::sum);
        }
    }

    /** Accesses to unclaimed ports so far, by port. */
    public Map<Integer, Long> unclaimedAccesses() {
        return Map.copyOf(unclaimed);
    }

    private static int get(MemorySegment data, long offset, int size) {
        return switch (size) {
            case 1 -> Byte.toUnsignedInt(data.get(JAVA_BYTE, offset));
            case 2 -> Short.toUnsignedInt(data.get(JAVA_SHORT_UNALIGNED, offset));
            default -> data.get(JAVA_INT_UNALIGNED, offset);
        };
    }

    private static void put(MemorySegment data, long offset, int size, int value) {
        switch (size) {
            case 1 -> data.set(JAVA_BYTE, offset, (byte) value);
            case 2 -> data.set(JAVA_SHORT_UNALIGNED, offset, (short) value);
            default -> data.set(JAVA_INT_UNALIGNED, offset, value);
        }
    }
}
