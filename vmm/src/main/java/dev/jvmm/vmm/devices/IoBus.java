package dev.jvmm.vmm.devices;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.TreeMap;

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
     * {@code count} writes of {@code size} bytes each, from {@code data}: one {@code write}, or for a
     * string exit (count > 1) one {@code writeString} with all of it. Returns {@link PortDevice#RUN},
     * or the status with which the device ended the run. Linux's instruction emulator exits once per
     * element of a {@code rep outs} (em_out passes a count of 1), so on KVM count > 1 comes from
     * SEV-ES guests' string I/O (up to a page of it per exit).
     */
    public int write(int port, int size, int count, MemorySegment data) {
        Claim claim = claim(port);
        if (claim == null) {
            unclaimed.merge(port, (long) count, Long::sum);
            return PortDevice.RUN;
        }
        int offset = port - claim.base();
        return count == 1
                ? claim.device().write(offset, size, PortDevice.element(data, 0, size))
                : claim.device().writeString(offset, size, count, data);
    }

    /**
     * {@code count} reads of {@code size} bytes each, into {@code data}: one {@code read}, or for a
     * string exit one {@code readString} (KVM's emulator reads a {@code rep ins} ahead, up to the
     * count, the end of the destination's page or 1 KiB, whichever comes first).
     */
    public void read(int port, int size, int count, MemorySegment data) {
        Claim claim = claim(port);
        if (claim == null) {
            unclaimed.merge(port, (long) count, Long::sum);
            for (int i = 0; i < count; i++) {
                PortDevice.setElement(data, i, size, -1);
            }
        } else if (count == 1) {
            PortDevice.setElement(data, 0, size, claim.device().read(port - claim.base(), size));
        } else {
            claim.device().readString(port - claim.base(), size, count, data);
        }
    }

    /** Accesses to unclaimed ports so far, by port. */
    public Map<Integer, Long> unclaimedAccesses() {
        return Map.copyOf(unclaimed);
    }
}
