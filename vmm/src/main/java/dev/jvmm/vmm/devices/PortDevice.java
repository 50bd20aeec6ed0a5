package dev.jvmm.vmm.devices;

/** A device on the x86 I/O-port bus. {@code offset} is relative to the device's first port. */
public interface PortDevice {
    /** The guest wrote {@code value}, {@code size} bytes wide (1, 2 or 4). */
    void write(int offset, int size, int value);

    /** The guest reads {@code size} bytes. */
    int read(int offset, int size);
}
