package dev.jvmm.vmm.boot;

import dev.jvmm.kvm.kvm_dtable;
import dev.jvmm.kvm.kvm_regs;
import dev.jvmm.kvm.kvm_segment;
import dev.jvmm.kvm.kvm_sregs;
import dev.jvmm.vmm.JvmmException;
import dev.jvmm.vmm.kvm.Vcpu;
import dev.jvmm.vmm.memory.GuestMemory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The PVH boot protocol (Xen's docs/misc/pvh.pandoc and xen/include/public/arch-x86/hvm/start_info.h),
 * as QEMU's -kernel implements it for an ELF with a PHYS32_ENTRY note: the VMM loads PT_LOAD
 * segments at their physical addresses, writes an {@code hvm_start_info} with the command line and
 * a memory map, and starts the vCPU at the entry in 32-bit flat protected mode, paging off, with
 * %ebx pointing at the start_info.
 *
 * <p>Boot data lives in {@code [BOOT_AREA_START, BOOT_AREA_END)}, which image segments may not use.
 * A module (for the bundled kernel: an {@link ArgumentBlock} and the user program) goes at the top
 * of RAM, page-aligned, where QEMU puts an initrd: the kernel takes its free memory from between
 * its own end and the module.
 */
public final class PvhBoot {
    public static final long BOOT_AREA_START = 0x1000;
    public static final long BOOT_AREA_END = 0x4000;
    static final long GDT = 0x1000;
    static final long START_INFO = 0x1040;
    static final long MEMMAP = 0x1080;
    static final long MODLIST = 0x1200;
    static final long CMDLINE = 0x2000;
    /** Longest command line, in bytes, not counting the terminating NUL. */
    public static final int CMDLINE_MAX = (int) (BOOT_AREA_END - CMDLINE) - 1;

    static final int START_INFO_MAGIC = 0x336ec578;
    static final int MEMMAP_TYPE_RAM = 1;
    /** The legacy PC hole: VGA memory and ROMs live in [640 KiB, 1 MiB) on a PC, so the map leaves it out. */
    static final long LOW_RAM_END = 0xa0000;
    static final long HIGH_RAM_START = 0x100000;
    static final long PAGE_SIZE = 4096;

    static final StructLayout START_INFO_LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("magic"),
            JAVA_INT.withName("version"),
            JAVA_INT.withName("flags"),
            JAVA_INT.withName("nr_modules"),
            JAVA_LONG.withName("modlist_paddr"),
            JAVA_LONG.withName("cmdline_paddr"),
            JAVA_LONG.withName("rsdp_paddr"),
            JAVA_LONG.withName("memmap_paddr"),
            JAVA_INT.withName("memmap_entries"),
            JAVA_INT.withName("reserved"));
    static final StructLayout MODLIST_ENTRY_LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("paddr"),
            JAVA_LONG.withName("size"),
            JAVA_LONG.withName("cmdline_paddr"),
            JAVA_LONG.withName("reserved"));
    static final StructLayout MEMMAP_ENTRY_LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("addr"),
            JAVA_LONG.withName("size"),
            JAVA_INT.withName("type"),
            JAVA_INT.withName("reserved"));

    // Boot GDT: the selectors the initial state names, so that a guest reloading a segment
    // register before installing its own GDT sees the same flat segments.
    static final int BOOT_CS = 0x08;
    static final int BOOT_DS = 0x10;
    static final int BOOT_TR = 0x18;
    private static final long[] BOOT_GDT = {
            0,
            0x00cf9b000000ffffL,    // 0x08: 32-bit code, flat, accessed
            0x00cf93000000ffffL,    // 0x10: data, flat, accessed
            0x00008b0000000067L,    // 0x18: 32-bit TSS (busy), as the PVH ABI asks of TR
    };

    private PvhBoot() {}

    /**
     * Loads the image (and the module, if not null) and writes the boot data; returns the
     * guest-physical address of hvm_start_info.
     */
    public static long load(ElfImage image, GuestMemory memory, String cmdline, byte[] module) {
        byte[] cmdlineBytes = cmdline.getBytes(StandardCharsets.UTF_8);
        if (cmdlineBytes.length > CMDLINE_MAX) {
            throw new JvmmException("the guest kernel's command line is " + cmdlineBytes.length + " bytes; at most " + CMDLINE_MAX + " fit");
        }
        for (ElfImage.Segment segment : image.segments()) {
            String where = "program header " + segment.index() + " [0x" + Long.toHexString(segment.physicalAddress())
                    + ", 0x" + Long.toHexString(segment.end()) + ")";
            if (!memory.contains(segment.physicalAddress(), segment.memorySize())) {
                throw new ImageException(image.name(), where + " lies outside guest RAM [0, 0x"
                        + Long.toHexString(memory.size()) + "); give the guest more --memory");
            }
            if (segment.physicalAddress() < BOOT_AREA_END && segment.end() > BOOT_AREA_START) {
                throw new ImageException(image.name(), where + " overlaps the boot data at [0x"
                        + Long.toHexString(BOOT_AREA_START) + ", 0x" + Long.toHexString(BOOT_AREA_END) + ")");
            }
            MemorySegment target = memory.slice(segment.physicalAddress(), segment.memorySize());
            target.fill((byte) 0);
            memory.write(segment.physicalAddress(), image.contents(segment));
        }

        writeGdt(memory);
        memory.write(CMDLINE, (cmdline + "\0").getBytes(StandardCharsets.UTF_8));
        long[][] ram = {{0, LOW_RAM_END}, {HIGH_RAM_START, memory.size()}};
        MemorySegment memmap = memory.slice(MEMMAP, ram.length * MEMMAP_ENTRY_LAYOUT.byteSize());
        for (int i = 0; i < ram.length; i++) {
            MemorySegment entry = memmap.asSlice(i * MEMMAP_ENTRY_LAYOUT.byteSize(), MEMMAP_ENTRY_LAYOUT);
            set(entry, MEMMAP_ENTRY_LAYOUT, "addr", ram[i][0]);
            set(entry, MEMMAP_ENTRY_LAYOUT, "size", ram[i][1] - ram[i][0]);
            set(entry, MEMMAP_ENTRY_LAYOUT, "type", MEMMAP_TYPE_RAM);
        }
        MemorySegment startInfo = memory.slice(START_INFO, START_INFO_LAYOUT.byteSize());
        startInfo.fill((byte) 0);
        if (module != null) {
            long address = placeModule(image, memory, module.length);
            memory.write(address, module);
            MemorySegment entry = memory.slice(MODLIST, MODLIST_ENTRY_LAYOUT.byteSize());
            entry.fill((byte) 0);
            set(entry, MODLIST_ENTRY_LAYOUT, "paddr", address);
            set(entry, MODLIST_ENTRY_LAYOUT, "size", module.length);
            set(startInfo, START_INFO_LAYOUT, "nr_modules", 1);
            set(startInfo, START_INFO_LAYOUT, "modlist_paddr", MODLIST);
        }
        set(startInfo, START_INFO_LAYOUT, "magic", START_INFO_MAGIC);
        set(startInfo, START_INFO_LAYOUT, "version", 1);
        set(startInfo, START_INFO_LAYOUT, "cmdline_paddr", CMDLINE);
        set(startInfo, START_INFO_LAYOUT, "memmap_paddr", MEMMAP);
        set(startInfo, START_INFO_LAYOUT, "memmap_entries", ram.length);
        return START_INFO;
    }

    /** The boot GDT at {@link #GDT}, which the entry state's selectors and GDTR name (multiboot uses it too). */
    static void writeGdt(GuestMemory memory) {
        MemorySegment gdt = memory.slice(GDT, BOOT_GDT.length * 8L);
        for (int i = 0; i < BOOT_GDT.length; i++) {
            gdt.setAtIndex(JAVA_LONG, i, BOOT_GDT[i]);
        }
    }

    /** The top of RAM, page-aligned, if that is above the image; else the program does not fit. */
    private static long placeModule(ElfImage image, GuestMemory memory, long size) {
        long imageEnd = image.segments().getLast().end();
        long address = (memory.size() - size) & ~(PAGE_SIZE - 1);
        if (size > memory.size() || address < Math.max(imageEnd, HIGH_RAM_START)) {
            throw new JvmmException("the program with its arguments and environment (" + size + " bytes) does not fit "
                    + "in guest memory with the kernel; "
                    + "give the guest more --memory");
        }
        return address;
    }

    private static void set(MemorySegment struct, StructLayout layout, String field, long value) {
        long offset = layout.byteOffset(groupElement(field));
        if (layout.select(groupElement(field)).byteSize() == 4) {
            struct.set(JAVA_INT, offset, (int) value);
        } else {
            struct.set(JAVA_LONG, offset, value);
        }
    }

    /** Puts the vCPU in the PVH entry state: 32-bit flat protected mode at {@code entry}, %ebx = start_info. */
    public static void enter(Vcpu vcpu, long entry, long startInfo) {
        enter(vcpu, entry, 0, startInfo);
    }

    /**
     * The 32-bit flat protected-mode entry PVH and multiboot share (paging off, interrupts off),
     * at {@code entry} with {@code eax} and {@code ebx} as the protocol defines them.
     */
    static void enter(Vcpu vcpu, long entry, int eax, long ebx) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sregs = arena.allocate(kvm_sregs.layout());
            vcpu.getSregs(sregs);
            flatSegment(kvm_sregs.cs(sregs), BOOT_CS, 0xb);
            for (MemorySegment data : new MemorySegment[]{kvm_sregs.ds(sregs), kvm_sregs.es(sregs),
                    kvm_sregs.fs(sregs), kvm_sregs.gs(sregs), kvm_sregs.ss(sregs)}) {
                flatSegment(data, BOOT_DS, 0x3);
            }
            MemorySegment tr = kvm_sregs.tr(sregs);
            kvm_segment.base(tr, 0);
            kvm_segment.limit(tr, 0x67);
            kvm_segment.selector(tr, (short) BOOT_TR);
            kvm_segment.type(tr, (byte) 0xb);
            kvm_segment.present(tr, (byte) 1);
            kvm_segment.s(tr, (byte) 0);
            MemorySegment gdt = kvm_sregs.gdt(sregs);
            kvm_dtable.base(gdt, GDT);
            kvm_dtable.limit(gdt, (short) (BOOT_GDT.length * 8 - 1));
            kvm_sregs.cr0(sregs, 0x11);     // PE, ET
            kvm_sregs.cr4(sregs, 0);
            kvm_sregs.efer(sregs, 0);
            vcpu.setSregs(sregs);

            MemorySegment regs = arena.allocate(kvm_regs.layout());
            kvm_regs.rip(regs, entry);
            kvm_regs.rax(regs, Integer.toUnsignedLong(eax));
            kvm_regs.rbx(regs, ebx);
            kvm_regs.rflags(regs, 0x2);     // bit 1 is reserved and reads as 1
            vcpu.setRegs(regs);
        }
    }

    private static void flatSegment(MemorySegment segment, int selector, int type) {
        kvm_segment.base(segment, 0);
        kvm_segment.limit(segment, 0xffffffff);
        kvm_segment.selector(segment, (short) selector);
        kvm_segment.type(segment, (byte) type);
        kvm_segment.present(segment, (byte) 1);
        kvm_segment.dpl(segment, (byte) 0);
        kvm_segment.db(segment, (byte) 1);
        kvm_segment.s(segment, (byte) 1);
        kvm_segment.l(segment, (byte) 0);
        kvm_segment.g(segment, (byte) 1);
        kvm_segment.unusable(segment, (byte) 0);
    }
}
