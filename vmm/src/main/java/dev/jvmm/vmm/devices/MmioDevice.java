package dev.jvmm.vmm.devices;

import java.lang.foreign.MemorySegment;

/**
 * A device in the guest-physical MMIO space. {@code offset} is relative to the device's base;
 * {@code data} is the access, 1 to 8 bytes, little-endian, as KVM's mmio exit carries it.
 */
public interface MmioDevice {
    /** What {@link #write} returns to let the guest run on. */
    int RUN = PortDevice.RUN;

    /**
     * The guest wrote {@code data}. Returns {@link #RUN}, or a status (0-255) that ends the run
     * with it, as a {@link PortDevice} can.
     */
    int write(long offset, MemorySegment data);

    /** The guest reads {@code data.byteSize()} bytes: fill {@code data}. */
    void read(long offset, MemorySegment data);
}
