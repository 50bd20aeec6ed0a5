package dev.jvmm.vmm.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A bootable image: an ELF64 x86-64 executable whose PT_NOTE carries a Xen PVH entry
 * (XEN_ELFNOTE_PHYS32_ENTRY), parsed and checked completely before anything is loaded. Every
 * offset and size is checked against the file and for overflow, so a malformed file can only
 * produce an {@link ImageException}.
 */
public final class ElfImage implements BootImage {
    /** One PT_LOAD segment: {@code fileSize} bytes at {@code fileOffset}, zero-filled up to {@code memorySize}. */
    public record Segment(int index, long physicalAddress, long fileOffset, long fileSize, long memorySize) {
        public long end() {
            return physicalAddress + memorySize;
        }
    }

    private static final int EHDR_SIZE = 64;
    private static final int PHDR_SIZE = 56;
    private static final int ELFCLASS64 = 2;
    private static final int ELFDATA2LSB = 1;
    private static final int EV_CURRENT = 1;
    private static final int ET_EXEC = 2;
    private static final int ET_DYN = 3;
    private static final int EM_X86_64 = 62;
    private static final int PT_LOAD = 1;
    private static final int PT_NOTE = 4;
    private static final int XEN_ELFNOTE_PHYS32_ENTRY = 18;
    private static final long FOUR_GIB = 1L << 32;

    private final String name;
    private final byte[] file;
    private final List<Segment> segments;
    private final long entry;

    private ElfImage(String name, byte[] file, List<Segment> segments, long entry) {
        this.name = name;
        this.file = file;
        this.segments = segments;
        this.entry = entry;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String protocol() {
        return "PVH (ELF64, Xen PHYS32_ENTRY note, entry 0x" + Long.toHexString(entry) + ")";
    }

    /** The PVH entry point: a guest-physical address below 4 GiB, entered in 32-bit protected mode. */
    public long entry() {
        return entry;
    }

    /** The PT_LOAD segments, sorted by physical address, not overlapping. */
    public List<Segment> segments() {
        return segments;
    }

    /** The file bytes of a segment (its first {@code fileSize} bytes). */
    public byte[] contents(Segment segment) {
        byte[] bytes = new byte[(int) segment.fileSize()];
        System.arraycopy(file, (int) segment.fileOffset(), bytes, 0, bytes.length);
        return bytes;
    }

    public static ElfImage parse(String name, byte[] file) {
        ByteBuffer elf = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        if (file.length < 4 || elf.getInt(0) != 0x464c457f) {
            throw new ImageException(name, "not an ELF file (no \\x7fELF magic at offset 0)");
        }
        if (file.length < EHDR_SIZE) {
            throw new ImageException(name, "truncated ELF header: the file has " + file.length + " bytes, an ELF64 header needs " + EHDR_SIZE);
        }
        check(name, file[4] == ELFCLASS64, "EI_CLASS is " + file[4] + "; PVH images are ELF64 (class 2), and other images need "
                + "a multiboot header in their first 8 KiB");
        check(name, file[5] == ELFDATA2LSB, "EI_DATA is " + file[5] + "; x86 images are little-endian (1)");
        check(name, file[6] == EV_CURRENT, "EI_VERSION is " + file[6] + ", expected 1");
        int type = Short.toUnsignedInt(elf.getShort(16));
        int machine = Short.toUnsignedInt(elf.getShort(18));
        if (type == ET_DYN && machine == EM_X86_64) {
            throw new ImageException(name, "e_type is " + type + " (ET_DYN, a position-independent program); jvmm boots "
                    + "executables (ET_EXEC, 2)", true);
        }
        check(name, type == ET_EXEC, "e_type is " + type + "; jvmm boots executables (ET_EXEC, 2)");
        check(name, machine == EM_X86_64, "e_machine is " + machine + "; jvmm boots x86-64 images (EM_X86_64, 62)");
        long phoff = elf.getLong(32);
        int phentsize = Short.toUnsignedInt(elf.getShort(54));
        int phnum = Short.toUnsignedInt(elf.getShort(56));
        check(name, phnum > 0, "e_phnum is 0: the image has no program headers");
        check(name, phentsize == PHDR_SIZE, "e_phentsize is " + phentsize + ", expected " + PHDR_SIZE);
        check(name, fits(phoff, (long) phnum * PHDR_SIZE, file.length),
                "program headers (e_phoff 0x" + Long.toHexString(phoff) + ", " + phnum + " entries) run past the end of the file (" + file.length + " bytes)");

        List<Segment> segments = new ArrayList<>();
        Long entry = null;
        for (int i = 0; i < phnum; i++) {
            int at = (int) (phoff + (long) i * PHDR_SIZE);
            int ptype = elf.getInt(at);
            long offset = elf.getLong(at + 8);
            long paddr = elf.getLong(at + 24);
            long filesz = elf.getLong(at + 32);
            long memsz = elf.getLong(at + 40);
            String what = "program header " + i;
            if (ptype == PT_LOAD) {
                check(name, Long.compareUnsigned(filesz, memsz) <= 0, what + ": p_filesz 0x" + Long.toHexString(filesz)
                        + " exceeds p_memsz 0x" + Long.toHexString(memsz));
                check(name, fits(offset, filesz, file.length), what + ": file range [0x" + Long.toHexString(offset) + ", +0x"
                        + Long.toHexString(filesz) + ") runs past the end of the file (" + file.length + " bytes)");
                check(name, paddr >= 0 && memsz >= 0 && paddr + memsz >= paddr, what + ": p_paddr 0x" + Long.toHexString(paddr)
                        + " + p_memsz 0x" + Long.toHexString(memsz) + " overflows");
                if (memsz > 0) {
                    segments.add(new Segment(i, paddr, offset, filesz, memsz));
                }
            } else if (ptype == PT_NOTE) {
                check(name, fits(offset, filesz, file.length), what + ": PT_NOTE range runs past the end of the file");
                Long found = pvhEntry(name, elf, (int) offset, (int) filesz, what);
                if (found != null) {
                    entry = found;
                }
            }
        }
        check(name, !segments.isEmpty(), "no PT_LOAD segment with contents");
        if (entry == null) {
            throw new ImageException(name, "no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY) and no multiboot header in the "
                    + "first 8 KiB: jvmm boots PVH and multiboot v1 images, as QEMU's -kernel does", true);
        }
        segments.sort(Comparator.comparingLong(Segment::physicalAddress));
        for (int i = 1; i < segments.size(); i++) {
            Segment previous = segments.get(i - 1);
            Segment next = segments.get(i);
            check(name, previous.end() <= next.physicalAddress(), "program headers " + previous.index() + " and " + next.index()
                    + " overlap in physical memory at 0x" + Long.toHexString(next.physicalAddress()));
        }
        long pvhEntry = entry;
        check(name, pvhEntry < FOUR_GIB, "PVH entry 0x" + Long.toHexString(pvhEntry) + " is above 4 GiB, out of reach of the 32-bit entry");
        check(name, segments.stream().anyMatch(s -> pvhEntry >= s.physicalAddress() && pvhEntry < s.physicalAddress() + s.fileSize()),
                "PVH entry 0x" + Long.toHexString(pvhEntry) + " is not inside the file contents of any PT_LOAD segment");
        return new ElfImage(name, file, List.copyOf(segments), pvhEntry);
    }

    /** Walks the notes of one PT_NOTE segment (4-byte aligned, as in the ELF gABI) for Xen's PHYS32_ENTRY. */
    private static Long pvhEntry(String name, ByteBuffer elf, int offset, int size, String what) {
        Long entry = null;
        int at = offset;
        int end = offset + size;
        while (end - at >= 12) {
            long namesz = Integer.toUnsignedLong(elf.getInt(at));
            long descsz = Integer.toUnsignedLong(elf.getInt(at + 4));
            int type = elf.getInt(at + 8);
            long nameAt = at + 12L;
            long descAt = nameAt + align4(namesz);
            long next = descAt + align4(descsz);
            check(name, next <= end, what + ": note at file offset 0x" + Integer.toHexString(at) + " (namesz " + namesz
                    + ", descsz " + descsz + ") runs past its segment");
            if (namesz == 4 && type == XEN_ELFNOTE_PHYS32_ENTRY && elf.getInt((int) nameAt) == 0x006e6558 /* "Xen\0" */) {
                entry = switch ((int) descsz) {
                    case 4 -> Integer.toUnsignedLong(elf.getInt((int) descAt));
                    case 8 -> elf.getLong((int) descAt);
                    default -> throw new ImageException(name, what + ": PVH entry note has a " + descsz
                            + "-byte descriptor; expected 4 or 8");
                };
            }
            at = (int) next;
        }
        return entry;
    }

    private static long align4(long value) {
        return (value + 3) & ~3L;
    }

    /** True if [offset, offset + length) lies within [0, limit), without overflow. */
    private static boolean fits(long offset, long length, long limit) {
        return offset >= 0 && length >= 0 && offset <= limit && length <= limit - offset;
    }

    private static void check(String name, boolean condition, String problem) {
        if (!condition) {
            throw new ImageException(name, problem);
        }
    }
}
