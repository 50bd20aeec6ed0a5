package dev.jvmm.vmm.devices;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Comparator;

/**
 * The guest-physical MMIO space outside RAM: non-overlapping windows, each owned by one device.
 * An access to no window is counted, not fatal: reads see all ones, writes are dropped, as on a
 * PC bus where nothing decodes the address. An access that straddles a window's end is
 * unclaimed too: no device sees bytes beyond its window. Dispatch is a binary search over the
 * windows, sorted by base, and allocates nothing: every access is a VM exit.
 */
public final class MmioBus {
    private record Window(long base, long size, MmioDevice device) {}

    private Window[] windows = new Window[0];
    private long unclaimed;

    public void register(long base, long size, MmioDevice device) {
        if (size <= 0 || base < 0 || base + size < base) {
            throw new IllegalArgumentException("bad MMIO window 0x" + Long.toHexString(base) + " size " + size);
        }
        Window below = floor(base + size - 1);
        if (below != null && below.base() + below.size() > base) {
            throw new IllegalArgumentException("MMIO window 0x" + Long.toHexString(base) + " overlaps one at 0x"
                    + Long.toHexString(below.base()));
        }
        Window[] more = Arrays.copyOf(windows, windows.length + 1);
        more[windows.length] = new Window(base, size, device);
        Arrays.sort(more, Comparator.comparingLong(Window::base));
        windows = more;
    }

    /** Returns {@link MmioDevice#RUN}, or the status with which the device ends the run. */
    public int write(long address, MemorySegment data) {
        Window window = window(address, data.byteSize());
        if (window == null) {
            unclaimed++;
            return MmioDevice.RUN;
        }
        return window.device().write(address - window.base(), data);
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
        Window window = floor(address);
        if (window == null) {
            return null;
        }
        long offset = address - window.base();
        return offset + length <= window.size() ? window : null;
    }

    /** The window with the greatest base at or below {@code address}, or null. */
    private Window floor(long address) {
        int low = 0;
        int high = windows.length - 1;
        Window found = null;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            if (windows[middle].base() <= address) {
                found = windows[middle];
                low = middle + 1;
            } else {
                high = middle - 1;
            }
        }
        return found;
    }
}
