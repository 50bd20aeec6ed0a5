package dev.jvmm.vmm.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A Multiboot v1 image (the Multiboot Specification 0.6.96, section 3.1): a header with the magic
 * 0x1BADB002, flags and checksum, longword-aligned in the first 8 KiB of the file, and either an
 * ELF executable loaded by its program headers, or, when header flag 16 is set (the "a.out
 * kludge"), the load addresses in the header itself, which then take precedence over any ELF
 * headers, as in GRUB and QEMU. ELF32 (EM_386) and ELF64 (EM_X86_64) are both loaded, as GRUB
 * loads them; QEMU 7.2 refuses ELF64 multiboot images.
 *
 * <p>Everything is checked before anything is loaded; a malformed file can only produce an
 * {@link ImageException} naming the field and its value.
 */
public final class MultibootImage implements BootImage {
    public static final int HEADER_MAGIC = 0x1BADB002;
    /** What the kernel finds in %eax at its entry. */
    public static final int BOOTLOADER_MAGIC = 0x2BADB002;
    /** The header must lie completely within the first 8 KiB of the file. */
    static final int SEARCH_LIMIT = 8192;

    static final int FLAG_PAGE_ALIGN = 1;           // bit 0: modules page-aligned (jvmm always does)
    static final int FLAG_MEMORY_INFO = 1 << 1;     // bit 1: mem_* and the memory map (jvmm always gives them)
    static final int FLAG_VIDEO_MODE = 1 << 2;      // bit 2: a video mode table: jvmm has no display
    static final int FLAG_ADDRESSES = 1 << 16;      // bit 16: the a.out kludge's address fields are valid
    /** Bits 0-15 are requirements: a boot loader that cannot honour one must refuse the image. */
    static final int REQUIRED_MASK = 0xffff;
    static final int SUPPORTED_REQUIRED = FLAG_PAGE_ALIGN | FLAG_MEMORY_INFO;

    private static final int ELF_MAGIC = 0x464c457f;
    private static final int ET_EXEC = 2;
    private static final int EM_386 = 3;
    private static final int EM_X86_64 = 62;
    private static final int PT_LOAD = 1;
    private static final long FOUR_GIB = 1L << 32;

    /** How the image is laid out in memory: by its ELF program headers or by the header's addresses. */
    public enum Format {
        ELF32("ELF32"), ELF64("ELF64"), AOUT_KLUDGE("a.out kludge: header load addresses");

        private final String label;

        Format(String label) {
            this.label = label;
        }
    }

    /** A range of guest memory: {@code fileSize} bytes from {@code fileOffset}, zeros up to {@code memorySize}. */
    public record Segment(String what, long physicalAddress, long fileOffset, long fileSize, long memorySize) {
        public long end() {
            return physicalAddress + memorySize;
        }
    }

    private final String name;
    private final byte[] file;
    private final Format format;
    private final int headerOffset;
    private final int flags;
    private final List<Segment> segments;
    private final long entry;

    private MultibootImage(String name, byte[] file, Format format, int headerOffset, int flags, List<Segment> segments, long entry) {
        this.name = name;
        this.file = file;
        this.format = format;
        this.headerOffset = headerOffset;
        this.flags = flags;
        this.segments = segments;
        this.entry = entry;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String protocol() {
        return String.format("multiboot v1 (%s; header at file offset 0x%x, flags 0x%x, entry 0x%x)",
                format.label, headerOffset, flags, entry);
    }

    public Format format() {
        return format;
    }

    public int flags() {
        return flags;
    }

    /** The physical entry point, below 4 GiB, entered in 32-bit protected mode. */
    public long entry() {
        return entry;
    }

    /** What is loaded, sorted by physical address, not overlapping. */
    public List<Segment> segments() {
        return segments;
    }

    /** The end of the highest segment: modules go above it. */
    public long end() {
        return segments.getLast().end();
    }

    public byte[] contents(Segment segment) {
        byte[] bytes = new byte[(int) segment.fileSize()];
        System.arraycopy(file, (int) segment.fileOffset(), bytes, 0, bytes.length);
        return bytes;
    }

    /**
     * The offset of the first longword-aligned header in the first 8 KiB whose checksum is right,
     * or -1. A magic with a wrong checksum is not a header (as in GRUB and QEMU); {@link #badChecksum}
     * describes it for the message when nothing else boots the file.
     */
    static int findHeader(byte[] file) {
        ByteBuffer buffer = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int limit = Math.min(file.length, SEARCH_LIMIT);
        for (int at = 0; at + 12 <= limit; at += 4) {
            if (buffer.getInt(at) == HEADER_MAGIC && buffer.getInt(at) + buffer.getInt(at + 4) + buffer.getInt(at + 8) == 0) {
                return at;
            }
        }
        return -1;
    }

    /** A description of the first magic with a bad checksum in the first 8 KiB, or null. */
    static String badChecksum(byte[] file) {
        ByteBuffer buffer = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int limit = Math.min(file.length, SEARCH_LIMIT);
        for (int at = 0; at + 4 <= limit; at += 4) {
            if (buffer.getInt(at) == HEADER_MAGIC) {
                if (at + 12 > limit) {
                    return String.format("the multiboot header at file offset 0x%x is cut off by the %s", at,
                            limit == file.length ? "end of the file" : "8 KiB limit");
                }
                int flags = buffer.getInt(at + 4);
                int checksum = buffer.getInt(at + 8);
                return String.format("the multiboot header at file offset 0x%x has a bad checksum: 0x%08x, but magic + flags (0x%08x)"
                        + " + checksum must be 0, so it should be 0x%08x", at, checksum, flags, -(HEADER_MAGIC + flags));
            }
        }
        return null;
    }

    /** Parses the multiboot image whose header is at {@code headerOffset} (from {@link #findHeader}). */
    static MultibootImage parse(String name, byte[] file, int headerOffset) {
        ByteBuffer buffer = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int flags = buffer.getInt(headerOffset + 4);
        String header = String.format("multiboot header at file offset 0x%x", headerOffset);
        int unsupported = flags & REQUIRED_MASK & ~SUPPORTED_REQUIRED;
        if ((unsupported & FLAG_VIDEO_MODE) != 0) {
            throw new ImageException(name, header + ": flags 0x" + Integer.toHexString(flags)
                    + " require a video mode (bit 2), and jvmm has no display");
        }
        check(name, unsupported == 0, header + ": flags 0x" + Integer.toHexString(flags) + " require bits 0x"
                + Integer.toHexString(unsupported) + " that no multiboot v1 loader knows (bits 0-15 are requirements)");
        if ((flags & FLAG_ADDRESSES) != 0) {
            return aoutKludge(name, file, buffer, headerOffset, flags, header);
        }
        check(name, buffer.getInt(0) == ELF_MAGIC, header + ": flag 16 (load addresses in the header) is clear, "
                + "so the image must be an ELF file, and there is no \\x7fELF magic at offset 0");
        return switch (file[4]) {
            case 1 -> elf(name, file, buffer, headerOffset, flags, false);
            case 2 -> elf(name, file, buffer, headerOffset, flags, true);
            default -> throw new ImageException(name, "EI_CLASS is " + file[4] + "; multiboot images are ELF32 (1) or ELF64 (2)");
        };
    }

    /**
     * Flag 16: the header says where the file goes. header_addr is where the header itself lands,
     * so the file offset of load_addr is the header's offset minus (header_addr - load_addr);
     * load_end_addr 0 means the rest of the file, bss_end_addr 0 means no bss.
     */
    private static MultibootImage aoutKludge(String name, byte[] file, ByteBuffer buffer, int at, int flags, String header) {
        check(name, at + 32 <= Math.min(file.length, SEARCH_LIMIT), header + ": flag 16 needs the address fields "
                + "(32 bytes of header), which run past the " + (at + 32 > file.length ? "end of the file" : "first 8 KiB"));
        long headerAddr = u32(buffer, at + 12);
        long loadAddr = u32(buffer, at + 16);
        long loadEndAddr = u32(buffer, at + 20);
        long bssEndAddr = u32(buffer, at + 24);
        long entryAddr = u32(buffer, at + 28);
        String fields = String.format("header_addr 0x%x, load_addr 0x%x, load_end_addr 0x%x, bss_end_addr 0x%x, entry_addr 0x%x",
                headerAddr, loadAddr, loadEndAddr, bssEndAddr, entryAddr);
        check(name, loadAddr <= headerAddr, header + ": load_addr 0x" + Long.toHexString(loadAddr) + " is above header_addr 0x"
                + Long.toHexString(headerAddr) + " (" + fields + ")");
        long fileOffset = at - (headerAddr - loadAddr);
        check(name, fileOffset >= 0, header + ": header_addr - load_addr = 0x" + Long.toHexString(headerAddr - loadAddr)
                + " puts load_addr before the start of the file (" + fields + ")");
        long loadSize;
        if (loadEndAddr == 0) {
            loadSize = file.length - fileOffset;
        } else {
            check(name, loadEndAddr > loadAddr, header + ": load_end_addr 0x" + Long.toHexString(loadEndAddr)
                    + " is not above load_addr 0x" + Long.toHexString(loadAddr) + " (" + fields + ")");
            loadSize = loadEndAddr - loadAddr;
            check(name, fileOffset + loadSize <= file.length, header + ": load_end_addr - load_addr = 0x" + Long.toHexString(loadSize)
                    + " bytes from file offset 0x" + Long.toHexString(fileOffset) + " run past the end of the file (" + file.length
                    + " bytes; " + fields + ")");
        }
        long memorySize = loadSize;
        if (bssEndAddr != 0) {
            check(name, bssEndAddr >= loadAddr + loadSize, header + ": bss_end_addr 0x" + Long.toHexString(bssEndAddr)
                    + " is below the end of the loaded text 0x" + Long.toHexString(loadAddr + loadSize) + " (" + fields + ")");
            memorySize = bssEndAddr - loadAddr;
        }
        check(name, memorySize > 0 && loadAddr + memorySize <= FOUR_GIB, header + ": the image [0x" + Long.toHexString(loadAddr)
                + ", +0x" + Long.toHexString(memorySize) + ") is empty or crosses 4 GiB (" + fields + ")");
        check(name, entryAddr >= loadAddr && entryAddr < loadAddr + loadSize, header + ": entry_addr 0x" + Long.toHexString(entryAddr)
                + " is not inside the loaded text [0x" + Long.toHexString(loadAddr) + ", 0x" + Long.toHexString(loadAddr + loadSize)
                + ") (" + fields + ")");
        Segment segment = new Segment("the a.out kludge's load range", loadAddr, fileOffset, loadSize, memorySize);
        return new MultibootImage(name, file, Format.AOUT_KLUDGE, at, flags, List.of(segment), entryAddr);
    }

    /**
     * ELF32 or ELF64, loaded by PT_LOAD at p_paddr. The entry is e_entry; when it lies in a
     * segment's virtual range and that segment is linked elsewhere (a higher-half kernel), it is
     * translated to the segment's physical address, as GRUB does.
     */
    private static MultibootImage elf(String name, byte[] file, ByteBuffer elf, int headerOffset, int flags, boolean is64) {
        int ehdrSize = is64 ? 64 : 52;
        int phdrSize = is64 ? 56 : 32;
        String kind = is64 ? "ELF64" : "ELF32";
        check(name, file.length >= ehdrSize, "truncated " + kind + " header: the file has " + file.length + " bytes, it needs " + ehdrSize);
        check(name, file[5] == 1, "EI_DATA is " + file[5] + "; x86 images are little-endian (1)");
        int type = Short.toUnsignedInt(elf.getShort(16));
        check(name, type == ET_EXEC, "e_type is " + type + "; multiboot images are executables (ET_EXEC, 2)");
        int machine = Short.toUnsignedInt(elf.getShort(18));
        int expected = is64 ? EM_X86_64 : EM_386;
        check(name, machine == expected, "e_machine is " + machine + "; a multiboot " + kind + " image is "
                + (is64 ? "x86-64 (EM_X86_64, 62)" : "i386 (EM_386, 3)"));
        long entry = is64 ? elf.getLong(24) : u32(elf, 24);
        long phoff = is64 ? elf.getLong(32) : u32(elf, 28);
        int phentsize = Short.toUnsignedInt(elf.getShort(is64 ? 54 : 42));
        int phnum = Short.toUnsignedInt(elf.getShort(is64 ? 56 : 44));
        check(name, phnum > 0, "e_phnum is 0: the image has no program headers");
        check(name, phentsize == phdrSize, "e_phentsize is " + phentsize + ", expected " + phdrSize);
        check(name, fits(phoff, (long) phnum * phdrSize, file.length), "program headers (e_phoff 0x" + Long.toHexString(phoff)
                + ", " + phnum + " entries) run past the end of the file (" + file.length + " bytes)");

        List<Segment> segments = new ArrayList<>();
        List<long[]> virtualRanges = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            int at = (int) (phoff + (long) i * phdrSize);
            if (elf.getInt(at) != PT_LOAD) {
                continue;
            }
            long offset = is64 ? elf.getLong(at + 8) : u32(elf, at + 4);
            long vaddr = is64 ? elf.getLong(at + 16) : u32(elf, at + 8);
            long paddr = is64 ? elf.getLong(at + 24) : u32(elf, at + 12);
            long filesz = is64 ? elf.getLong(at + 32) : u32(elf, at + 16);
            long memsz = is64 ? elf.getLong(at + 40) : u32(elf, at + 20);
            String what = "program header " + i;
            check(name, Long.compareUnsigned(filesz, memsz) <= 0, what + ": p_filesz 0x" + Long.toHexString(filesz)
                    + " exceeds p_memsz 0x" + Long.toHexString(memsz));
            check(name, fits(offset, filesz, file.length), what + ": file range [0x" + Long.toHexString(offset) + ", +0x"
                    + Long.toHexString(filesz) + ") runs past the end of the file (" + file.length + " bytes)");
            check(name, paddr >= 0 && memsz >= 0 && paddr + memsz >= paddr && paddr + memsz <= FOUR_GIB, what + ": [p_paddr 0x"
                    + Long.toHexString(paddr) + ", +p_memsz 0x" + Long.toHexString(memsz) + ") does not lie below 4 GiB");
            if (memsz > 0) {
                segments.add(new Segment(what, paddr, offset, filesz, memsz));
                virtualRanges.add(new long[]{vaddr, filesz, paddr});
            }
        }
        check(name, !segments.isEmpty(), "no PT_LOAD segment with contents");
        for (long[] range : virtualRanges) {
            long vaddr = range[0];
            if (Long.compareUnsigned(entry, vaddr) >= 0 && Long.compareUnsigned(entry - vaddr, range[1]) < 0) {
                entry = entry - vaddr + range[2];
                break;
            }
        }
        sortAndCheckOverlaps(name, segments);
        long physicalEntry = entry;
        check(name, segments.stream().anyMatch(s -> physicalEntry >= s.physicalAddress() && physicalEntry < s.physicalAddress() + s.fileSize()),
                "e_entry 0x" + Long.toHexString(physicalEntry) + " is not inside the file contents of any PT_LOAD segment");
        return new MultibootImage(name, file, is64 ? Format.ELF64 : Format.ELF32, headerOffset, flags, List.copyOf(segments), physicalEntry);
    }

    private static void sortAndCheckOverlaps(String name, List<Segment> segments) {
        segments.sort(Comparator.comparingLong(Segment::physicalAddress));
        for (int i = 1; i < segments.size(); i++) {
            Segment previous = segments.get(i - 1);
            Segment next = segments.get(i);
            check(name, previous.end() <= next.physicalAddress(), previous.what() + " and " + next.what()
                    + " overlap in physical memory at 0x" + Long.toHexString(next.physicalAddress()));
        }
    }

    private static long u32(ByteBuffer buffer, int at) {
        return Integer.toUnsignedLong(buffer.getInt(at));
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
