package dev.jvmm.vmm.boot;

import dev.jvmm.vmm.BundledImage;
import dev.jvmm.vmm.MultibootKernels;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MultibootImageTest {
    private static final byte[] ELF32 = MultibootKernels.bytes(MultibootKernels.ELF32);
    private static final byte[] ELF64 = MultibootKernels.bytes(MultibootKernels.ELF64);
    private static final byte[] AOUT = MultibootKernels.bytes(MultibootKernels.AOUT);
    private static final int MAGIC = MultibootImage.HEADER_MAGIC;

    @Test
    void choosesTheProtocolByTheHeader() {
        assertInstanceOf(ElfImage.class, BootImage.parse("guest.img", BundledImage.bytes()));
        MultibootImage elf32 = assertInstanceOf(MultibootImage.class, BootImage.parse("a.img", ELF32));
        assertEquals(MultibootImage.Format.ELF32, elf32.format());
        assertEquals(MultibootImage.Format.ELF64, ((MultibootImage) BootImage.parse("b.img", ELF64)).format());
        assertEquals(MultibootImage.Format.AOUT_KLUDGE, ((MultibootImage) BootImage.parse("c.img", AOUT)).format());
        assertTrue(elf32.protocol().startsWith("multiboot v1 (ELF32; header at file offset 0x"), elf32.protocol());
        assertTrue(BootImage.parse("guest.img", BundledImage.bytes()).protocol().startsWith("PVH (ELF64"));
    }

    @Test
    void loadsElfByProgramHeadersAndTheKludgeByHeaderAddresses() {
        MultibootImage elf32 = (MultibootImage) BootImage.parse("a.img", ELF32);
        MultibootImage elf64 = (MultibootImage) BootImage.parse("b.img", ELF64);
        MultibootImage aout = (MultibootImage) BootImage.parse("c.img", AOUT);
        assertEquals(0x100000, elf32.segments().getFirst().physicalAddress());
        assertEquals(0x100000, elf64.segments().getFirst().physicalAddress());
        // The kludge: the header is the file's first bytes, loaded at load_addr = header_addr = 1 MiB;
        // the whole file is text (load_end_addr = its end), then bss up to bss_end_addr.
        MultibootImage.Segment all = aout.segments().getFirst();
        assertEquals(1, aout.segments().size());
        assertEquals(0x100000, all.physicalAddress());
        assertEquals(0, all.fileOffset());
        assertEquals(AOUT.length, all.fileSize());
        assertTrue(all.memorySize() > all.fileSize() + 4096, "the stack is bss");
        // The same code: the kludge's entry is 20 bytes later (its header has the five address fields).
        assertEquals(elf32.entry() + 20, aout.entry());
        assertEquals(elf32.entry(), elf64.entry());
    }

    @Test
    void badChecksumsAreNamedWhenNothingElseBoots() {
        byte[] file = AOUT.clone();
        le(file).putInt(8, le(file).getInt(8) + 1);
        assertRejected(file, "the multiboot header at file offset 0x0 has a bad checksum: 0x");
        assertRejected(file, "should be 0x" + Integer.toHexString(-(MAGIC + 0x10003)));
        byte[] cut = {0x02, (byte) 0xb0, (byte) 0xad, 0x1b, 3, 0};
        assertRejected(cut, "the multiboot header at file offset 0x0 is cut off by the end of the file");
    }

    @Test
    void aHeaderPast8KiBIsNotAHeader() {
        byte[] file = new byte[8192 + 32];
        ByteBuffer buffer = le(file);
        buffer.putInt(8192, MAGIC).putInt(8196, 0).putInt(8200, -MAGIC);
        assertRejected(file, "not an ELF file");
    }

    @Test
    void rejectsRequirementsJvmmCannotMeet() {
        assertRejected(withFlags(AOUT, 0x10003 | 4), "require a video mode (bit 2), and jvmm has no display");
        assertRejected(withFlags(AOUT, 0x10003 | 0x20), "require bits 0x20 that no multiboot v1 loader knows");
        assertRejected(withFlags(ELF32, 0x3 | 0x8000), "require bits 0x8000");
        // Bits 16-31 are optional: an unknown one is ignored.
        assertInstanceOf(MultibootImage.class, BootImage.parse("t.img", withFlags(ELF32, 0x3 | 0x20000)));
    }

    @Test
    void rejectsKludgeFieldsThatContradictEachOther() {
        int headerAddr = 12;
        int loadAddr = 16;
        int loadEnd = 20;
        int bssEnd = 24;
        int entry = 28;
        assertRejected(mutate(AOUT, b -> b.putInt(loadAddr, 0x100004)), "load_addr 0x100004 is above header_addr 0x100000");
        assertRejected(mutate(AOUT, b -> b.putInt(loadAddr, 0xff000)), "puts load_addr before the start of the file");
        assertRejected(mutate(AOUT, b -> b.putInt(loadEnd, 0x100000)), "load_end_addr 0x100000 is not above load_addr");
        assertRejected(mutate(AOUT, b -> b.putInt(loadEnd, 0x100000 + AOUT.length + 1)), "run past the end of the file");
        assertRejected(mutate(AOUT, b -> b.putInt(bssEnd, 0x100010)), "bss_end_addr 0x100010 is below the end of the loaded text");
        assertRejected(mutate(AOUT, b -> b.putInt(entry, 0x100000 + AOUT.length)), "is not inside the loaded text");
        assertRejected(mutate(AOUT, b -> b.putInt(entry, 0x1000)), "entry_addr 0x1000 is not inside the loaded text");
        // load_end_addr 0 loads the rest of the file; bss_end_addr 0 means no bss.
        MultibootImage whole = (MultibootImage) BootImage.parse("t.img", mutate(AOUT, b -> {
            b.putInt(loadEnd, 0);
            b.putInt(bssEnd, 0);
        }));
        assertEquals(AOUT.length, whole.segments().getFirst().memorySize());
        byte[] shortHeader = AOUT.clone();
        byte[] cut = java.util.Arrays.copyOf(shortHeader, 24);
        assertRejected(cut, "flag 16 needs the address fields (32 bytes of header), which run past the end of the file");
    }

    @Test
    void theKludgeLoadsFromWhereHeaderAddrPutsTheFile() {
        // An a.out file: a 0x20-byte exec header the kernel does not want, then the text, whose
        // header sits 0x1e0 bytes in and is to land at 0x2001e0: the load starts at file offset 0x20.
        byte[] file = new byte[0x1000];
        int flags = 0x10003;
        le(file).putInt(0x200, MAGIC).putInt(0x204, flags).putInt(0x208, -(MAGIC + flags))
                .putInt(0x20c, 0x2001e0).putInt(0x210, 0x200000).putInt(0x214, 0x200f00).putInt(0x218, 0x203000).putInt(0x21c, 0x200400);
        MultibootImage image = (MultibootImage) BootImage.parse("t.img", file);
        MultibootImage.Segment text = image.segments().getFirst();
        assertEquals(0x20, text.fileOffset());
        assertEquals(0xf00, text.fileSize());
        assertEquals(0x3000, text.memorySize());
        assertEquals(0x200400, image.entry());
    }

    @Test
    void rejectsBadElfImages() {
        assertRejected(mutate(ELF32, b -> b.putShort(18, (short) 62)), "e_machine is 62; a multiboot ELF32 image is i386 (EM_386, 3)");
        assertRejected(mutate(ELF64, b -> b.putShort(18, (short) 3)), "e_machine is 3; a multiboot ELF64 image is x86-64");
        assertRejected(mutate(ELF32, b -> b.putShort(16, (short) 3)), "e_type is 3");
        assertRejected(mutate(ELF32, b -> b.put(4, (byte) 3)), "EI_CLASS is 3; multiboot images are ELF32 (1) or ELF64 (2)");
        assertRejected(mutate(ELF32, b -> b.putInt(24, 0x200000)), "e_entry 0x200000 is not inside the file contents");
        assertRejected(mutate(ELF32, b -> b.putShort(42, (short) 56)), "e_phentsize is 56, expected 32");
        assertRejected(mutate(ELF32, b -> b.putInt(28, ELF32.length)), "program headers (e_phoff");
        int phoff = le(ELF32).getInt(28);
        assertRejected(mutate(ELF32, b -> b.putInt(phoff + 12, 0xfffff000)), "does not lie below 4 GiB");
        assertRejected(mutate(ELF32, b -> b.putInt(phoff + 16, b.getInt(phoff + 20) + 1)), "exceeds p_memsz");
        int phoff64 = (int) le(ELF64).getLong(32);
        assertRejected(mutate(ELF64, b -> b.putLong(phoff64 + 24, 0x1_0000_0000L)), "does not lie below 4 GiB");
        // A stray magic (here the symbol table's value of MB_HEADER_MAGIC) with no checksum after it is reported...
        byte[] noHeader = mutate(ELF32, b -> b.putInt(multibootHeader(ELF32), 0));
        assertRejected(noHeader, "the multiboot header at file offset 0x");
        // ... and without any, an ELF32 is neither multiboot nor PVH.
        byte[] plain = mutate(ELF32, b -> {
            for (int at = 0; at + 4 <= ELF32.length; at += 4) {
                if (b.getInt(at) == MAGIC) {
                    b.putInt(at, 0);
                }
            }
        });
        assertRejected(plain, "EI_CLASS is 1; PVH images are ELF64 (class 2), and other images need a multiboot header");
    }

    @Test
    void aHigherHalfEntryIsTranslatedToItsPhysicalAddress() {
        int phoff = le(ELF32).getInt(28);
        long entry = ((MultibootImage) BootImage.parse("t.img", ELF32)).entry();
        byte[] higher = mutate(ELF32, b -> {
            b.putInt(phoff + 8, b.getInt(phoff + 8) + 0xc0000000);       // p_vaddr of the first PT_LOAD
            b.putInt(24, b.getInt(24) + 0xc0000000);                     // e_entry
        });
        assertEquals(entry, ((MultibootImage) BootImage.parse("t.img", higher)).entry());
    }

    static int multibootHeader(byte[] file) {
        int at = MultibootImage.findHeader(file);
        assertTrue(at >= 0);
        return at;
    }

    static byte[] withFlags(byte[] file, int flags) {
        int at = multibootHeader(file);
        return mutate(file, b -> b.putInt(at + 4, flags).putInt(at + 8, -(MAGIC + flags)));
    }

    static byte[] mutate(byte[] file, Consumer<ByteBuffer> change) {
        byte[] copy = file.clone();
        change.accept(le(copy));
        return copy;
    }

    static ByteBuffer le(byte[] file) {
        return ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    }

    static void assertRejected(byte[] file, String expected) {
        ImageException e = assertThrows(ImageException.class, () -> BootImage.parse("test.img", file));
        assertTrue(e.getMessage().startsWith("bad image test.img: "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }
}
