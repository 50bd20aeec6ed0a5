package dev.jvmm.vmm.boot;

import dev.jvmm.vmm.BundledImage;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ElfImageTest {
    private static final byte[] IMAGE = BundledImage.bytes();
    private static final int PHOFF = 64;
    private static final int PHDR = 56;

    @Test
    void parsesTheBundledKernel() {
        ElfImage image = ElfImage.parse("guest.img", IMAGE);
        assertEquals(0x100000, image.entry());
        assertTrue(image.segments().size() >= 2, "text and data segments");
        ElfImage.Segment text = image.segments().getFirst();
        assertEquals(0x100000, text.physicalAddress());
        assertTrue(text.fileSize() > 0 && text.fileSize() <= text.memorySize());
        // The entry's first instruction is rdtsc (0f 31): the boot phases' first reading.
        byte[] code = image.contents(text);
        assertEquals(0x0f, code[0] & 0xff);
        assertEquals(0x31, code[1] & 0xff);
    }

    @Test
    void rejectsWhatIsNotElf() {
        assertRejected(new byte[]{'M', 'Z', 0, 0}, "not an ELF file");
        assertRejected(new byte[0], "not an ELF file");
        assertRejected(Arrays.copyOf(IMAGE, 40), "truncated ELF header: the file has 40 bytes");
    }

    @Test
    void rejectsWrongClassEncodingTypeAndMachine() {
        assertRejected(mutate(elf -> elf.put(4, (byte) 1)), "EI_CLASS is 1");
        assertRejected(mutate(elf -> elf.put(5, (byte) 2)), "EI_DATA is 2");
        assertRejected(mutate(elf -> elf.putShort(16, (short) 1)), "e_type is 1");
        assertRejected(mutate(elf -> elf.putShort(18, (short) 3)), "e_machine is 3");
    }

    @Test
    void rejectsProgramHeadersOutsideTheFile() {
        assertRejected(mutate(elf -> elf.putLong(32, IMAGE.length - 10)), "program headers (e_phoff");
        assertRejected(mutate(elf -> elf.putLong(32, -1L)), "program headers (e_phoff 0xffffffffffffffff");
        assertRejected(mutate(elf -> elf.putShort(54, (short) 32)), "e_phentsize is 32");
        assertRejected(mutate(elf -> elf.putShort(56, (short) 0)), "e_phnum is 0");
    }

    @Test
    void rejectsBadSegments() {
        assertRejected(mutate(elf -> elf.putLong(PHOFF + 32, elf.getLong(PHOFF + 40) + 1)), "exceeds p_memsz");
        assertRejected(mutate(elf -> elf.putLong(PHOFF + 8, IMAGE.length)), "runs past the end of the file");
        assertRejected(mutate(elf -> {
            elf.putLong(PHOFF + 24, 0x7fffffffffffff00L);
            elf.putLong(PHOFF + 40, 0x1000);
            elf.putLong(PHOFF + 32, 0x100);
        }), "overflows");
        // Move the data segment onto the text segment.
        assertRejected(mutate(elf -> elf.putLong(PHOFF + PHDR + 24, 0x100000)), "overlap in physical memory");
    }

    @Test
    void requiresAPvhNoteWithAUsableEntry() {
        int note = noteHeaderIndex();
        assertRejected(mutate(elf -> elf.putInt(PHOFF + note * PHDR, 0x6474e551)), "no PVH entry note");
        long noteOffset = ByteBuffer.wrap(IMAGE).order(ByteOrder.LITTLE_ENDIAN).getLong(PHOFF + note * PHDR + 8);
        assertRejected(mutate(elf -> elf.putInt((int) noteOffset + 4, 4096)), "runs past its segment");
        assertRejected(mutate(elf -> elf.putInt((int) noteOffset + 4, 2)), "PVH entry note has a 2-byte descriptor");
        assertRejected(mutate(elf -> elf.putLong((int) noteOffset + 16, 0x1_0000_0000L)), "above 4 GiB");
        assertRejected(mutate(elf -> elf.putLong((int) noteOffset + 16, 0x200000)), "not inside the file contents");
    }

    private static int noteHeaderIndex() {
        ByteBuffer elf = ByteBuffer.wrap(IMAGE).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < elf.getShort(56); i++) {
            if (elf.getInt(PHOFF + i * PHDR) == 4) {
                return i;
            }
        }
        throw new AssertionError("the bundled image has no PT_NOTE");
    }

    private static byte[] mutate(Consumer<ByteBuffer> change) {
        byte[] copy = IMAGE.clone();
        change.accept(ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN));
        return copy;
    }

    private static void assertRejected(byte[] file, String expected) {
        ImageException e = assertThrows(ImageException.class, () -> ElfImage.parse("test.img", file));
        assertTrue(e.getMessage().startsWith("bad image test.img: "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }
}
