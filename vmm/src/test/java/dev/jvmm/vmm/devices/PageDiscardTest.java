package dev.jvmm.vmm.devices;

import dev.jvmm.vmm.memory.GuestMemory;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The page-discard device on guest memory without a VM: the ranges a list names read back as zeros. */
class PageDiscardTest {
    private static final long PAGE = 4096;
    private static final long LIST = 0x1000;

    private static void fill(GuestMemory memory) {
        memory.slice(0, memory.size()).fill((byte) 0xa5);
    }

    private static void list(GuestMemory memory, long... entries) {
        MemorySegment list = memory.slice(LIST, 8 + entries.length * 8L);
        list.set(JAVA_LONG_UNALIGNED, 0, entries.length);
        for (int i = 0; i < entries.length; i++) {
            list.set(JAVA_LONG_UNALIGNED, 8 + i * 8L, entries[i]);
        }
    }

    private static int at(GuestMemory memory, long address) {
        return Byte.toUnsignedInt(memory.slice(address, 1).get(JAVA_BYTE, 0));
    }

    private static boolean zero(GuestMemory memory, long address, long length) {
        MemorySegment range = memory.slice(address, length);
        for (long i = 0; i < length; i++) {
            if (range.get(JAVA_BYTE, i) != 0) {
                return false;
            }
        }
        return true;
    }

    @Test
    void announcesItselfWithItsMagic() {
        try (GuestMemory memory = GuestMemory.allocate(4L << 20)) {
            PageDiscard device = new PageDiscard(memory);
            assertEquals(PageDiscard.MAGIC, device.read(0, 4));
            assertEquals(-1, device.read(0, 1));
        }
    }

    @Test
    void pagesRunsAndLargeFramesReadBackAsZeros() {
        try (GuestMemory memory = GuestMemory.allocate(8L << 20)) {
            fill(memory);
            list(memory, 0x10000, 0x20000 | 2, (2L << 20) | PageDiscard.LARGE);
            PageDiscard device = new PageDiscard(memory);
            device.write(0, 4, (int) LIST);
            assertEquals(true, zero(memory, 0x10000, PAGE));
            assertEquals(0xa5, at(memory, 0x10000 - 1));
            assertEquals(0xa5, at(memory, 0x11000));
            assertEquals(true, zero(memory, 0x20000, 3 * PAGE));
            assertEquals(0xa5, at(memory, 0x23000));
            assertEquals(true, zero(memory, 2L << 20, 2L << 20));
            assertEquals(0xa5, at(memory, (4L << 20)));
            assertEquals(0xa5, at(memory, (2L << 20) - 1));
            assertEquals(PAGE + 3 * PAGE + (2L << 20), device.discardedBytes());
        }
    }

    @Test
    void rangesOutsideRamAndOversizedListsAreIgnored() {
        try (GuestMemory memory = GuestMemory.allocate(4L << 20)) {
            fill(memory);
            list(memory, (6L << 20) | PageDiscard.LARGE, 0x3ff000 | 1, 0x30000);
            PageDiscard device = new PageDiscard(memory);
            device.write(0, 4, (int) LIST);
            assertEquals(0xa5, at(memory, 0x3ff000));
            assertEquals(true, zero(memory, 0x30000, PAGE));
            fill(memory);
            memory.slice(LIST, 8).set(JAVA_LONG_UNALIGNED, 0, PageDiscard.MAX_ENTRIES + 1);
            device.write(0, 4, (int) LIST);
            device.write(0, 4, 0x7ffff000);
            device.write(0, 1, (int) LIST);
            assertEquals(0xa5, at(memory, 0x30000));
            assertEquals(PAGE, device.discardedBytes());
        }
    }
}
