package dev.jvmm.vmm.devices;

/** A device on the x86 I/O-port bus. {@code offset} is relative to the device's first port. */
public interface PortDevice {
    /** What {@link #write} returns to let the guest run on. */
    int RUN = -1;

    /**
     * The guest wrote {@code value}, {@code size} bytes wide (1, 2 or 4). Returns {@link #RUN}, or
     * a status (0-255) that ends the run with it, as a Solo5 hypercall handler returns the guest's
     * halt status to the vCPU loop.
     */
    int write(int offset, int size, int value);

    /** The guest reads {@code size} bytes. */
    int read(int offset, int size);
}
