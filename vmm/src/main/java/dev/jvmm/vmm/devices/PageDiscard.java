package dev.jvmm.vmm.devices;

import dev.jvmm.vmm.memory.GuestMemory;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * jvmm's paravirtual page-discard device: the guest kernel hands over, in one exit, a batch of
 * guest-physical frames it freed, and the VMM drops them from the host (MADV_DONTNEED), so they
 * read back as zeros when the kernel hands them out again: no page is cleared in the guest's
 * (emulated, on our hosts) supervisor mode.
 *
 * <p>Protocol (guest-kernel/src/main/asm/mm.inc, docs/kernel.md): a 32-bit read of the port
 * returns {@link #MAGIC} (an unclaimed port reads as all ones, which is how the kernel sees
 * that it runs without the device, e.g. under QEMU); a 32-bit write of a guest-physical address
 * names a list {@code {u64 count; u64 entries[count]}}. An entry is a page-aligned address with,
 * in its low 12 bits, {@link #LARGE} (one 2 MiB frame) or the number of 4 KiB pages minus one.
 * A list or entry that is not in RAM is ignored (the guest kernel is ours, but a VMM survives it).
 */
public final class PageDiscard implements PortDevice {
    public static final int PORT = 0x520;
    public static final int PORT_COUNT = 4;
    public static final int MAGIC = 0x4a564d44;     // "JVMD"
    public static final int MAX_ENTRIES = 256;
    public static final long LARGE = 0x800;
    private static final long RUN_MASK = LARGE - 1;
    private static final long PAGE = 4096;
    private static final long LARGE_PAGE = 2L << 20;

    private final GuestMemory memory;
    private long discardedBytes;

    public PageDiscard(GuestMemory memory) {
        this.memory = memory;
    }

    @Override
    public int write(int offset, int size, int value) {
        if (offset == 0 && size == 4) {
            discardList(Integer.toUnsignedLong(value));
        }
        return RUN;
    }

    private void discardList(long list) {
        if (!memory.contains(list, 8)) {
            return;
        }
        long count = memory.slice(list, 8).get(JAVA_LONG_UNALIGNED, 0);
        if (count < 0 || count > MAX_ENTRIES || !memory.contains(list + 8, count * 8)) {
            return;
        }
        for (long i = 0; i < count; i++) {
            long entry = memory.slice(list + 8 + i * 8, 8).get(JAVA_LONG_UNALIGNED, 0);
            long address = entry & ~(PAGE - 1);
            long length = (entry & LARGE) != 0 ? LARGE_PAGE : ((entry & RUN_MASK) + 1) * PAGE;
            if (memory.contains(address, length)) {
                memory.discard(address, length);
                discardedBytes += length;
            }
        }
    }

    @Override
    public int read(int offset, int size) {
        return offset == 0 && size == 4 ? MAGIC : -1;
    }

    /** Bytes given back to the host so far. */
    public long discardedBytes() {
        return discardedBytes;
    }
}
