package dev.jvmm.vmm.devices;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.TreeMap;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * The I/O-port address space: a table of 65536 ports to devices, so dispatch is one array load.
 * Accesses to ports no device claims are counted, not fatal: reads see all ones, as on a PC
 * where nothing drives the bus.
 */
public final class IoBus {
    private static final int PORTS = 1 << 16;

    private final PortDevice[] devices = new PortDevice[PORTS];
    private final int[] bases = new int[PORTS];
    private final Map<Integer, Long> unclaimed = new TreeMap<>();

    public void register(int firstPort, int count, PortDevice device) {
        for (int port = firstPort; port < firstPort + count; port++) {
            if (devices[port] != null) {
                throw new IllegalArgumentException("I/O port 0x" + Integer.toHexString(port) + " is already claimed");
            }
            devices[port] = device;
            bases[port] = firstPort;
        }
    }

    /** {@code count} writes of {@code size} bytes each, from {@code data} (a string {@code outs} has count > 1). */
    public void write(int port, int size, int count, MemorySegment data) {
        PortDevice device = devices[port];
        if (device == null) {
            unclaimed.merge(port, (long) count, Long::sum);
            return;
        }
        for (int i = 0; i < count; i++) {
            device.write(port - bases[port], size, get(data, (long) i * size, size));
        }
    }

    /** {@code count} reads of {@code size} bytes each, into {@code data}. */
    public void read(int port, int size, int count, MemorySegment data) {
        PortDevice device = devices[port];
        for (int i = 0; i < count; i++) {
            int value = device == null ? -1 : device.read(port - bases[port], size);
            put(data, (long) i * size, size, value);
        }
        if (device == null) {
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
