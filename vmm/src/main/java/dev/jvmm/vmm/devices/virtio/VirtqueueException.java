package dev.jvmm.vmm.devices.virtio;

/**
 * The driver broke the virtqueue rules (virtio 1.2, 2.7): a descriptor outside guest RAM, a
 * chain that loops or is longer than the queue, an index beyond the ring. The device stops
 * using the queue and asks for a reset (DEVICE_NEEDS_RESET), as the specification allows.
 */
public final class VirtqueueException extends Exception {
    public VirtqueueException(String message) {
        super(message);
    }
}
