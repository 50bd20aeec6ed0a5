package dev.jvmm.vmm.boot;

import dev.jvmm.vmm.JvmmException;
import dev.jvmm.vmm.memory.GuestMemory;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Multiboot v1 loading (the Multiboot Specification 0.6.96, section 3.3): the image's segments at
 * their physical addresses, the modules page-aligned after the image (where GRUB and QEMU put
 * them), and the multiboot information structure with the memory (mem_lower, mem_upper and the
 * memory map), the command line, the modules with their strings, and the boot loader's name.
 *
 * <p>The information lives in {@code [INFO_AREA_START, INFO_AREA_END)}, which image segments may
 * not use: the boot GDT at 0x1000, the information structure at 0x1040, the memory map at 0x1100,
 * the module list at 0x1200 (up to {@link #MAX_MODULES} entries of 16 bytes) and the strings from
 * 0x2000.
 */
public final class MultibootBoot {
    public static final long INFO_AREA_START = PvhBoot.GDT;
    public static final long INFO_AREA_END = 0x8000;
    static final long INFO = 0x1040;
    static final long MMAP = 0x1100;
    static final long MODULES = 0x1200;
    static final long STRINGS = 0x2000;
    static final int MODULE_ENTRY_SIZE = 16;
    public static final int MAX_MODULES = (int) ((STRINGS - MODULES) / MODULE_ENTRY_SIZE);
    static final int INFO_SIZE = 88;
    static final int MMAP_ENTRY_SIZE = 24;          // the size field (20) and the 20 bytes it counts
    public static final String LOADER_NAME = "jvmm";

    // multiboot_info.flags: what the structure holds.
    static final int INFO_MEMORY = 1;
    static final int INFO_CMDLINE = 1 << 2;
    static final int INFO_MODULES = 1 << 3;
    static final int INFO_MMAP = 1 << 6;
    static final int INFO_LOADER_NAME = 1 << 9;

    static final int OFFSET_FLAGS = 0;
    static final int OFFSET_MEM_LOWER = 4;
    static final int OFFSET_MEM_UPPER = 8;
    static final int OFFSET_CMDLINE = 16;
    static final int OFFSET_MODS_COUNT = 20;
    static final int OFFSET_MODS_ADDR = 24;
    static final int OFFSET_MMAP_LENGTH = 44;
    static final int OFFSET_MMAP_ADDR = 48;
    static final int OFFSET_LOADER_NAME = 64;

    private MultibootBoot() {}

    /**
     * The command line a multiboot kernel gets: its image's name, a space, the arguments, as
     * QEMU's -kernel passes it (GRUB passes the kernel's path too).
     */
    public static String commandLine(MultibootImage image, String args) {
        return image.name() + " " + args;
    }

    /** Loads the image and the modules, writes the information structure; returns its address (the kernel's %ebx). */
    public static long load(MultibootImage image, GuestMemory memory, String args, List<BootModule> modules) {
        for (MultibootImage.Segment segment : image.segments()) {
            String where = segment.what() + " [0x" + Long.toHexString(segment.physicalAddress()) + ", 0x"
                    + Long.toHexString(segment.end()) + ")";
            if (!memory.contains(segment.physicalAddress(), segment.memorySize())) {
                throw new ImageException(image.name(), where + " lies outside guest RAM [0, 0x" + Long.toHexString(memory.size())
                        + "); give the guest more --memory");
            }
            if (segment.physicalAddress() < INFO_AREA_END && segment.end() > INFO_AREA_START) {
                throw new ImageException(image.name(), where + " overlaps the multiboot information at [0x"
                        + Long.toHexString(INFO_AREA_START) + ", 0x" + Long.toHexString(INFO_AREA_END) + ")");
            }
        }
        if (modules.size() > MAX_MODULES) {
            throw new JvmmException(modules.size() + " modules; jvmm passes at most " + MAX_MODULES);
        }
        byte[] cmdline = cString(commandLine(image, args));
        byte[] loaderName = cString(LOADER_NAME);
        long stringsSize = cmdline.length + loaderName.length;
        for (BootModule module : modules) {
            stringsSize += cString(module.string()).length;
        }
        if (stringsSize > INFO_AREA_END - STRINGS) {
            throw new JvmmException("the command line and the module strings take " + stringsSize + " bytes; at most "
                    + (INFO_AREA_END - STRINGS) + " fit");
        }
        long[] moduleAddresses = placeModules(image, memory, modules);

        for (MultibootImage.Segment segment : image.segments()) {
            memory.slice(segment.physicalAddress(), segment.memorySize()).fill((byte) 0);
            memory.write(segment.physicalAddress(), image.contents(segment));
        }
        PvhBoot.writeGdt(memory);
        MemorySegment info = memory.slice(INFO, INFO_SIZE);
        info.fill((byte) 0);
        long next = STRINGS;
        info.set(JAVA_INT, OFFSET_CMDLINE, (int) next);
        next = put(memory, next, cmdline);
        info.set(JAVA_INT, OFFSET_LOADER_NAME, (int) next);
        next = put(memory, next, loaderName);
        MemorySegment list = memory.slice(MODULES, (long) MAX_MODULES * MODULE_ENTRY_SIZE);
        for (int i = 0; i < modules.size(); i++) {
            BootModule module = modules.get(i);
            memory.write(moduleAddresses[i], module.contents());
            list.set(JAVA_INT, i * MODULE_ENTRY_SIZE, (int) moduleAddresses[i]);
            list.set(JAVA_INT, i * MODULE_ENTRY_SIZE + 4, (int) (moduleAddresses[i] + module.contents().length));
            list.set(JAVA_INT, i * MODULE_ENTRY_SIZE + 8, (int) next);
            list.set(JAVA_INT, i * MODULE_ENTRY_SIZE + 12, 0);
            next = put(memory, next, cString(module.string()));
        }
        info.set(JAVA_INT, OFFSET_MODS_COUNT, modules.size());
        info.set(JAVA_INT, OFFSET_MODS_ADDR, (int) MODULES);

        // RAM as PvhBoot describes it: the low 640 KiB and everything from 1 MiB; the PC hole between is not RAM.
        long[][] ram = {{0, PvhBoot.LOW_RAM_END}, {PvhBoot.HIGH_RAM_START, memory.size()}};
        MemorySegment mmap = memory.slice(MMAP, (long) ram.length * MMAP_ENTRY_SIZE);
        for (int i = 0; i < ram.length; i++) {
            long at = (long) i * MMAP_ENTRY_SIZE;
            mmap.set(JAVA_INT, at, MMAP_ENTRY_SIZE - 4);
            mmap.set(JAVA_LONG.withByteAlignment(4), at + 4, ram[i][0]);
            mmap.set(JAVA_LONG.withByteAlignment(4), at + 12, ram[i][1] - ram[i][0]);
            mmap.set(JAVA_INT, at + 20, PvhBoot.MEMMAP_TYPE_RAM);
        }
        info.set(JAVA_INT, OFFSET_MEM_LOWER, (int) (PvhBoot.LOW_RAM_END >> 10));
        info.set(JAVA_INT, OFFSET_MEM_UPPER, (int) ((memory.size() - PvhBoot.HIGH_RAM_START) >> 10));
        info.set(JAVA_INT, OFFSET_MMAP_LENGTH, ram.length * MMAP_ENTRY_SIZE);
        info.set(JAVA_INT, OFFSET_MMAP_ADDR, (int) MMAP);
        info.set(JAVA_INT, OFFSET_FLAGS, INFO_MEMORY | INFO_CMDLINE | INFO_MODULES | INFO_MMAP | INFO_LOADER_NAME);
        return INFO;
    }

    /** Each module page-aligned, one after the other, from the first page above the image and 1 MiB. */
    private static long[] placeModules(MultibootImage image, GuestMemory memory, List<BootModule> modules) {
        long[] addresses = new long[modules.size()];
        long next = alignUp(Math.max(image.end(), PvhBoot.HIGH_RAM_START));
        for (int i = 0; i < modules.size(); i++) {
            BootModule module = modules.get(i);
            long size = module.contents().length;
            if (next + size > memory.size()) {
                throw new JvmmException("module " + (i + 1) + " (" + module.name() + ", " + size + " bytes) does not fit in guest RAM: "
                        + "placed at 0x" + Long.toHexString(next) + " after the image and the modules before it, it would end at 0x"
                        + Long.toHexString(next + size) + ", beyond the end of RAM at 0x" + Long.toHexString(memory.size())
                        + "; give the guest more --memory");
            }
            addresses[i] = next;
            next = alignUp(next + size);
        }
        return addresses;
    }

    private static long alignUp(long address) {
        return (address + PvhBoot.PAGE_SIZE - 1) & -PvhBoot.PAGE_SIZE;
    }

    private static byte[] cString(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        byte[] withNul = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, withNul, 0, bytes.length);
        return withNul;
    }

    private static long put(GuestMemory memory, long address, byte[] bytes) {
        memory.write(address, bytes);
        return address + bytes.length;
    }
}
