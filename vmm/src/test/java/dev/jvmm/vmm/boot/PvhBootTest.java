package dev.jvmm.vmm.boot;

import dev.jvmm.vmm.BundledImage;
import dev.jvmm.vmm.JvmmException;
import dev.jvmm.vmm.memory.GuestMemory;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loading needs no KVM: guest memory is an ordinary mapping until a VM registers it. */
class PvhBootTest {
    private static final ElfImage IMAGE = ElfImage.parse("guest.img", BundledImage.bytes());

    @Test
    void writesStartInfoMemoryMapAndCommandLine() {
        try (GuestMemory memory = GuestMemory.allocate(64L << 20)) {
            long startInfo = PvhBoot.load(IMAGE, memory, "console=ttyS0 exit=5", null);
            MemorySegment info = memory.slice(startInfo, 56);
            assertEquals(0x336ec578, info.get(JAVA_INT, 0), "magic");
            assertEquals(1, info.get(JAVA_INT, 4), "version 1 carries a memory map");
            long cmdline = info.get(JAVA_LONG, 24);
            assertEquals("console=ttyS0 exit=5", memory.slice(cmdline, 4096).getString(0));
            long memmap = info.get(JAVA_LONG, 40);
            assertEquals(2, info.get(JAVA_INT, 48));
            MemorySegment entries = memory.slice(memmap, 48);
            assertEquals(0, entries.get(JAVA_LONG, 0));
            assertEquals(0xa0000, entries.get(JAVA_LONG, 8));
            assertEquals(1, entries.get(JAVA_INT, 16), "RAM");
            assertEquals(0x100000, entries.get(JAVA_LONG, 24));
            assertEquals((64L << 20) - 0x100000, entries.get(JAVA_LONG, 32));
        }
    }

    @Test
    void copiesSegmentsAndZeroesTheirTail() {
        try (GuestMemory memory = GuestMemory.allocate(64L << 20)) {
            for (ElfImage.Segment segment : IMAGE.segments()) {
                memory.slice(segment.physicalAddress(), segment.memorySize()).fill((byte) 0x5a);
            }
            PvhBoot.load(IMAGE, memory, "", null);
            for (ElfImage.Segment segment : IMAGE.segments()) {
                assertArrayEquals(IMAGE.contents(segment), memory.read(segment.physicalAddress(), (int) segment.fileSize()));
                byte[] tail = memory.read(segment.physicalAddress() + segment.fileSize(), (int) (segment.memorySize() - segment.fileSize()));
                assertTrue(Arrays.equals(tail, new byte[tail.length]), "bss of segment " + segment.index() + " is zero");
            }
        }
    }

    @Test
    void rejectsSegmentsOutsideRamAndOverlongCommandLines() {
        try (GuestMemory memory = GuestMemory.allocate(1L << 20 << 1)) {
            // 2 MiB of RAM holds the kernel at 1 MiB; an image linked at 3 MiB does not fit.
            ElfImage high = ElfImage.parse("high.img", relocate(BundledImage.bytes(), 0x200000));
            ImageException e = assertThrows(ImageException.class, () -> PvhBoot.load(high, memory, "", null));
            assertTrue(e.getMessage().contains("lies outside guest RAM [0, 0x200000); give the guest more --memory"), e.getMessage());

            // Not the image's fault: the message must not say "bad image".
            JvmmException longLine = assertThrows(JvmmException.class, () -> PvhBoot.load(IMAGE, memory, "x".repeat(PvhBoot.CMDLINE_MAX + 1), null));
            assertEquals("the guest kernel's command line is " + (PvhBoot.CMDLINE_MAX + 1) + " bytes; at most "
                    + PvhBoot.CMDLINE_MAX + " fit", longLine.getMessage());
        }
    }

    /** Moves every PT_LOAD and the PVH entry up by {@code delta} (enough to test placement; the code would not run). */
    private static byte[] relocate(byte[] file, long delta) {
        ByteBuffer elf = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < elf.getShort(56); i++) {
            int at = 64 + i * 56;
            if (elf.getInt(at) == 1) {
                elf.putLong(at + 24, elf.getLong(at + 24) + delta);
            } else if (elf.getInt(at) == 4) {
                int desc = (int) elf.getLong(at + 8) + 16;
                elf.putLong(desc, elf.getLong(desc) + delta);
            }
        }
        return file;
    }
}
