package dev.jvmm.vmm.memory;

import dev.jvmm.vmm.JvmmException;

/** An access to guest-physical memory outside guest RAM. */
public final class GuestMemoryException extends JvmmException {
    GuestMemoryException(long address, long length, long ramSize) {
        super("guest-physical range [0x" + Long.toHexString(address) + ", +0x" + Long.toHexString(length)
                + ") is outside guest RAM [0, 0x" + Long.toHexString(ramSize) + ")");
    }
}
