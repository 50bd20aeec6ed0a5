package dev.jvmm.vmm.devices.virtio;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A virtio device type behind a transport ({@link VirtioMmio}): what it offers and what it does
 * with its queues. The transport calls it with its own lock held; a device must not hold a lock
 * of its own while it calls the {@link Interrupt}, which takes the transport's.
 */
public interface VirtioDevice {
    /** The device ID (virtio 1.2, 5): 3 for a console. */
    int deviceId();

    /** The feature bits the device offers; the transport adds VIRTIO_F_VERSION_1. */
    long features();

    /** How many virtqueues the device has, and the largest size of each. */
    int queueCount();

    int queueMaxSize();

    /** The device-specific configuration space (offset from its start). Reads beyond it see zeros. */
    void readConfig(long offset, MemorySegment data);

    /** DRIVER_OK: the driver accepted {@code features} and set up {@code queues}. */
    void activate(long features, List<SplitVirtqueue> queues, Interrupt interrupt) throws VirtqueueException;

    /** The driver notified queue {@code index} (only after {@link #activate}). */
    void notify(int index) throws VirtqueueException;

    /** The driver reset the device: forget queues and state. */
    void reset();

    /** How the device tells the driver that it used buffers (virtio 1.2, 2.3). */
    interface Interrupt {
        void usedBuffers();

        /** A queue broke the rules outside a notification (e.g. while input arrived): ask for a reset. */
        void deviceError(VirtqueueException e);
    }
}
