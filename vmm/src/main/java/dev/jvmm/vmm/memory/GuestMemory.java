package dev.jvmm.vmm.memory;

import dev.jvmm.vmm.JvmmException;
import dev.jvmm.vmm.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * Guest RAM: one anonymous host mapping that backs guest-physical {@code [0, size)}. Every
 * access names a guest-physical range and is checked against it; a range outside RAM is a
 * {@link GuestMemoryException}, never a host fault.
 *
 * <p>RAM is limited to {@link #MAX_SIZE} so that it stays below the 32-bit MMIO hole that
 * x86 machines keep under 4 GiB (where QEMU's microvm puts its devices, too).
 */
public final class GuestMemory implements AutoCloseable {
    public static final long MAX_SIZE = 3L << 30;
    public static final long MIN_SIZE = 2L << 20;
    private static final long PAGE = 4096;

    private final Arena arena;
    private final MemorySegment ram;

    private GuestMemory(Arena arena, MemorySegment ram) {
        this.arena = arena;
        this.ram = ram;
    }

    /** Refuses a size jvmm cannot give a guest, saying which sizes it can. */
    public static void checkSize(long size) {
        if (size < MIN_SIZE || size > MAX_SIZE || size % PAGE != 0) {
            throw new JvmmException("guest memory size " + size + " bytes is not supported: use a multiple of 4 KiB "
                    + "between " + (MIN_SIZE >> 20) + " MiB and " + (MAX_SIZE >> 20) + " MiB");
        }
    }

    public static GuestMemory allocate(long size) {
        checkSize(size);
        // Shared: besides the vCPU's thread, the virtio console's stdin reader copies input into it.
        Arena arena = Arena.ofShared();
        MemorySegment errnoState = Libc.errnoState(arena);
        // MAP_NORESERVE: a large guest costs host memory only for the pages it touches.
        MemorySegment base = Libc.mmap(errnoState, size, Libc.PROT_READ | Libc.PROT_WRITE,
                Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS | Libc.MAP_NORESERVE, -1, 0);
        if (base.equals(MemorySegment.NULL)) {
            int errno = Libc.errno(errnoState);
            arena.close();
            throw new JvmmException("cannot map " + (size >> 20) + " MiB of guest memory: " + Libc.strerror(errno));
        }
        return new GuestMemory(arena, base.reinterpret(size, arena, segment -> Libc.munmap(segment, size)));
    }

    public long size() {
        return ram.byteSize();
    }

    /** The host memory backing guest-physical {@code [0, size)}, for KVM_SET_USER_MEMORY_REGION. */
    public MemorySegment hostMapping() {
        return ram;
    }

    /** True if guest-physical {@code [address, address + length)} is RAM. */
    public boolean contains(long address, long length) {
        return address >= 0 && length >= 0 && address <= size() && length <= size() - address;
    }

    /** The host view of guest-physical {@code [address, address + length)}. */
    public MemorySegment slice(long address, long length) {
        if (!contains(address, length)) {
            throw new GuestMemoryException(address, length, size());
        }
        return ram.asSlice(address, length);
    }

    /**
     * Drops guest-physical {@code [address, address + length)} (page-aligned) from the host
     * (MADV_DONTNEED on the private anonymous mapping): it reads back as zeros, and costs the host
     * nothing until the guest touches it again. KVM learns of it through its MMU notifier.
     */
    public void discard(long address, long length) {
        if (address % PAGE != 0 || length % PAGE != 0) {
            throw new IllegalArgumentException("discard of an unaligned range 0x" + Long.toHexString(address) + "+" + length);
        }
        if (Libc.madvise(slice(address, length), length, Libc.MADV_DONTNEED) != 0) {
            throw new IllegalStateException("madvise(MADV_DONTNEED) of guest memory failed");
        }
    }

    public void write(long address, byte[] bytes) {
        MemorySegment.copy(bytes, 0, slice(address, bytes.length), JAVA_BYTE, 0, bytes.length);
    }

    /** Writes {@code text} as UTF-8 with a terminating NUL; returns the bytes written. */
    public long writeCString(long address, String text) {
        byte[] bytes = (text + "\0").getBytes(StandardCharsets.UTF_8);
        write(address, bytes);
        return bytes.length;
    }

    public byte[] read(long address, int length) {
        return slice(address, length).toArray(JAVA_BYTE);
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
