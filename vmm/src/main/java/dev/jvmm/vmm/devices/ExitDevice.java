package dev.jvmm.vmm.devices;

import java.util.function.IntConsumer;

/**
 * The guest's way to end the run with a status, wire-compatible with QEMU's isa-debug-exit at
 * its default port: the guest writes the status. QEMU then exits with {@code (status << 1) | 1};
 * jvmm exits with the status itself (its low 8 bits, the width of a process exit status).
 */
public final class ExitDevice implements PortDevice {
    public static final int PORT = 0x501;

    private final IntConsumer onExit;

    public ExitDevice(IntConsumer onExit) {
        this.onExit = onExit;
    }

    @Override
    public void write(int offset, int size, int value) {
        onExit.accept(value & 0xff);
    }

    @Override
    public int read(int offset, int size) {
        return 0;
    }
}
