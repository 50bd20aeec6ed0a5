package dev.jvmm.vmm.boot;

import dev.jvmm.vmm.BundledImage;
import dev.jvmm.vmm.JvmmException;
import dev.jvmm.vmm.MultibootKernels;
import dev.jvmm.vmm.memory.GuestMemory;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loading needs no KVM: the multiboot information is read back from guest memory as the kernel would. */
class MultibootBootTest {
    private static final MultibootImage ELF32 = (MultibootImage) BootImage.parse("mbinfo-elf32.img",
            MultibootKernels.bytes(MultibootKernels.ELF32));
    private static final MultibootImage AOUT = (MultibootImage) BootImage.parse("mbinfo-aout.img",
            MultibootKernels.bytes(MultibootKernels.AOUT));
    private static final List<BootModule> MODULES = List.of(
            new BootModule("m1", "hello\n".getBytes(StandardCharsets.US_ASCII), "x y"),
            new BootModule("m2", new byte[5000], null));

    @Test
    void writesTheInformationAsTheSpecificationLaysItOut() {
        try (GuestMemory memory = GuestMemory.allocate(128L << 20)) {
            BootLoader.Entry entry = BootLoader.load(ELF32, memory, "a b  c", null, MODULES);
            assertEquals(MultibootImage.BOOTLOADER_MAGIC, entry.eax());
            assertEquals(ELF32.entry(), entry.rip());
            assertNull(entry.firmwareCmdline(), "QEMU's fw_cfg has no command line for a multiboot kernel");
            MemorySegment info = memory.slice(entry.ebx(), 88);
            assertEquals(0x24d, info.get(JAVA_INT, 0), "flags: mem, cmdline, mods, mmap, loader name");
            assertEquals(640, info.get(JAVA_INT, 4), "mem_lower, KiB");
            assertEquals(127 * 1024, info.get(JAVA_INT, 8), "mem_upper: KiB from 1 MiB to the end of RAM");
            assertEquals("mbinfo-elf32.img a b  c", string(memory, info.get(JAVA_INT, 16)), "as QEMU: \"<image> <args>\"");
            assertEquals("jvmm", string(memory, info.get(JAVA_INT, 64)));

            assertEquals(2, info.get(JAVA_INT, 20));
            MemorySegment mods = memory.slice(info.get(JAVA_INT, 24), 32);
            long first = mods.get(JAVA_INT, 0);
            assertEquals((ELF32.end() + 4095) & -4096, first, "the first module on the page after the image");
            assertEquals(first + 6, mods.get(JAVA_INT, 4));
            assertArrayEquals("hello\n".getBytes(StandardCharsets.US_ASCII), memory.read(first, 6));
            assertEquals("m1 x y", string(memory, mods.get(JAVA_INT, 8)));
            assertEquals(first + 4096, mods.get(JAVA_INT, 16), "the next module on the next page");
            assertEquals(first + 4096 + 5000, mods.get(JAVA_INT, 20));
            assertEquals("m2", string(memory, mods.get(JAVA_INT, 24)));

            int length = info.get(JAVA_INT, 44);
            MemorySegment mmap = memory.slice(info.get(JAVA_INT, 48), length);
            assertEquals(48, length);
            List<String> ranges = new ArrayList<>();
            for (int at = 0; at < length; at += mmap.get(JAVA_INT, at) + 4) {
                assertEquals(20, mmap.get(JAVA_INT, at), "entry size");
                ranges.add(String.format("%x+%x:%d", mmap.get(JAVA_LONG.withByteAlignment(4), at + 4),
                        mmap.get(JAVA_LONG.withByteAlignment(4), at + 12), mmap.get(JAVA_INT, at + 20)));
            }
            assertEquals(List.of("0+a0000:1", "100000+7f00000:1"), ranges);
        }
    }

    @Test
    void copiesTheTextAndZeroesTheBss() {
        try (GuestMemory memory = GuestMemory.allocate(16L << 20)) {
            MultibootImage.Segment all = AOUT.segments().getFirst();
            memory.slice(all.physicalAddress(), all.memorySize()).fill((byte) 0x5a);
            MultibootBoot.load(AOUT, memory, "", List.of());
            assertArrayEquals(MultibootKernels.bytes(MultibootKernels.AOUT), memory.read(all.physicalAddress(), (int) all.fileSize()));
            byte[] bss = memory.read(all.physicalAddress() + all.fileSize(), (int) (all.memorySize() - all.fileSize()));
            assertTrue(Arrays.equals(bss, new byte[bss.length]));
            assertEquals("mbinfo-aout.img ", string(memory, memory.slice(MultibootBoot.INFO, 88).get(JAVA_INT, 16)),
                    "no arguments: the name and a space, as QEMU passes it");
        }
    }

    @Test
    void rejectsLoadAddressesOutsideRamOrOnTheInformation() {
        try (GuestMemory memory = GuestMemory.allocate(2L << 20)) {
            MultibootImage high = (MultibootImage) BootImage.parse("high.img", MultibootKernels.kludgeAt(0x300000));
            ImageException outside = assertThrows(ImageException.class, () -> MultibootBoot.load(high, memory, "", List.of()));
            assertTrue(outside.getMessage().contains("the a.out kludge's load range [0x300000, 0x"), outside.getMessage());
            assertTrue(outside.getMessage().contains("lies outside guest RAM [0, 0x200000); give the guest more --memory"), outside.getMessage());

            MultibootImage low = (MultibootImage) BootImage.parse("low.img", MultibootKernels.kludgeAt(0x7000));
            ImageException overlap = assertThrows(ImageException.class, () -> MultibootBoot.load(low, memory, "", List.of()));
            assertTrue(overlap.getMessage().contains("overlaps the multiboot information at [0x1000, 0x8000)"), overlap.getMessage());

            MultibootImage top = (MultibootImage) BootImage.parse("top.img", MultibootKernels.kludgeAt(0xfffff000L));
            assertThrows(ImageException.class, () -> MultibootBoot.load(top, memory, "", List.of()));
        }
    }

    @Test
    void rejectsModulesThatDoNotFit() {
        try (GuestMemory memory = GuestMemory.allocate(4L << 20)) {
            List<BootModule> big = List.of(new BootModule("small", new byte[10], null), new BootModule("big", new byte[3 << 20], "arg"));
            JvmmException e = assertThrows(JvmmException.class, () -> MultibootBoot.load(ELF32, memory, "", big));
            assertTrue(e.getMessage().startsWith("module 2 (big, 3145728 bytes) does not fit in guest RAM: placed at 0x"), e.getMessage());
            assertTrue(e.getMessage().endsWith("beyond the end of RAM at 0x400000; give the guest more --memory"), e.getMessage());

            List<BootModule> many = new ArrayList<>();
            for (int i = 0; i <= MultibootBoot.MAX_MODULES; i++) {
                many.add(new BootModule("m" + i, new byte[1], null));
            }
            assertTrue(assertThrows(JvmmException.class, () -> MultibootBoot.load(ELF32, memory, "", many)).getMessage()
                    .contains("modules; jvmm passes at most " + MultibootBoot.MAX_MODULES));

            String longArgs = "x".repeat(0x6000);
            assertTrue(assertThrows(JvmmException.class, () -> MultibootBoot.load(ELF32, memory, longArgs, List.of())).getMessage()
                    .contains("the command line and the module strings take"));
        }
    }

    @Test
    void eachProtocolTakesOnlyItsOwnKindOfModule() {
        try (GuestMemory memory = GuestMemory.allocate(64L << 20)) {
            ElfImage pvh = ElfImage.parse("guest.img", BundledImage.bytes());
            JvmmException modules = assertThrows(JvmmException.class, () -> BootLoader.load(pvh, memory, "", null, MODULES));
            assertEquals("modules (--module) are for multiboot images; guest.img is a PVH image, which takes one program after --",
                    modules.getMessage());
            JvmmException program = assertThrows(JvmmException.class, () -> BootLoader.load(ELF32, memory, "", new byte[1], List.of()));
            assertEquals("mbinfo-elf32.img is a multiboot image: give it files with --module, not a program after --", program.getMessage());
            BootLoader.Entry entry = BootLoader.load(pvh, memory, "exit=3", null, List.of());
            assertEquals(0, entry.eax());
            assertEquals("exit=3", entry.firmwareCmdline(), "QEMU's fw_cfg carries a PVH kernel's command line");
        }
    }

    private static String string(GuestMemory memory, long address) {
        return memory.slice(address, 4096).getString(0);
    }
}
