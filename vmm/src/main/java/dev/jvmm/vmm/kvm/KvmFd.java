package dev.jvmm.vmm.kvm;

import dev.jvmm.vmm.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A file descriptor of the KVM API (system, VM or vCPU), closed once. */
abstract sealed class KvmFd implements AutoCloseable permits Kvm, Vm, Vcpu {
    final int fd;
    private boolean closed;

    KvmFd(int fd) {
        this.fd = fd;
    }

    /** One ioctl whose argument points to a struct; its non-negative result, or a {@link KvmException} naming it. */
    final int ioctl(String name, long request, MemorySegment arg) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errnoState = Libc.errnoState(arena);
            return checked(name, Libc.ioctl(errnoState, fd, request, arg), errnoState);
        }
    }

    /** One ioctl whose argument is an integer (0 where the request takes none). */
    final int ioctl(String name, long request, long arg) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errnoState = Libc.errnoState(arena);
            return checked(name, Libc.ioctl(errnoState, fd, request, arg), errnoState);
        }
    }

    private static int checked(String name, int result, MemorySegment errnoState) {
        if (result < 0) {
            throw new KvmException(name, Libc.errno(errnoState));
        }
        return result;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Libc.close(fd);
        }
    }
}
