package dev.jvmm.vmm.devices;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.TreeMap;

/**
 * The guest-physical MMIO space outside RAM: non-overlapping windows, each owned by one device.
 * An access to no window is counted, not fatal: reads see all ones, writes are dropped, as on a
 * PC bus where nothing decodes the address. An access that straddles a window's end is
 * unclaimed too: no device sees bytes beyond its window.
 */
public final class MmioBus {
    private record Window(long base, long size, MmioDevice device) {}

    private final TreeMap<Long, Window> windows = new TreeMap<>();
    private long unclaimed;

    public void register(long base, long size, MmioDevice device) {
        if (size <= 0 || base < 0 || base + size < base) {
            throw new IllegalArgumentException("bad MMIO window 0x" + Long.toHexString(base) + " size " + size);
        }
        Map.Entry<Long, Window> below = windows.floorEntry(base + size - 1);
        if (below != null && below.getValue().base() + below.getValue().size() > base) {
            throw new IllegalArgumentException("MMIO window 0x" + Long.toHexString(base) + " overlaps one at 0x"
                    + Long.toHexString(below.getKey()));
        }
        windows.put(base, new Window(base, size, device));
    }

    public void write(long address, MemorySegment data) {
        Window window = window(address, data.byteSize());
        if (window == null) {
            unclaimed++;
            return;
        }
        window.device().write(address - window.base(), data);
    }

    public void read(long address, MemorySegment data) {
        Window window = window(address, data.byteSize());
        if (window == null) {
            unclaimed++;
            data.fill((byte) 0xff);
            return;
        }
        window.device().read(address - window.base(), data);
    }

    /** Accesses that no device claimed so far. */
    public long unclaimedAccesses() {
        return unclaimed;
    }

    private Window window(long address, long length) {
        Map.Entry<Long, Window> entry = windows.floorEntry(address);
        if (entry == null) {
            return null;
        }
        Window window = entry.getValue();
        long offset = address - window.base();
        return offset + length <= window.size() ? window : null;
    }
}
