package dev.jvmm.vmm.devices;

/**
 * The guest's way to end the run with a status, wire-compatible with QEMU's isa-debug-exit: the
 * guest writes the status. QEMU then exits with {@code (status << 1) | 1}; jvmm exits with the
 * status itself (its low 8 bits, the width of a process exit status). jvmm has it at both places
 * QEMU users put it: the default port 0x501, one byte wide, and 0xf4, four bytes wide, where
 * kvm-unit-tests and many test kernels write ({@code -device isa-debug-exit,iobase=0xf4,iosize=4}).
 * A write ends the run there and then: the status goes back through the bus to the vCPU loop.
 */
public final class ExitDevice implements PortDevice {
    public static final int PORT = 0x501;
    public static final int TEST_PORT = 0xf4;
    public static final int TEST_PORT_SIZE = 4;

    @Override
    public int write(int offset, int size, int value) {
        return value & 0xff;
    }

    @Override
    public int read(int offset, int size) {
        return 0;
    }
}
