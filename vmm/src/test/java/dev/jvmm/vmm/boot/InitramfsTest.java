package dev.jvmm.vmm.boot;

import dev.jvmm.vmm.JvmmException;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The host's check of an initramfs, and where it goes in the module (docs/boot-protocol.md). */
class InitramfsTest {
    static byte[] archive(short format) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CpioArchiveOutputStream out = new CpioArchiveOutputStream(bytes, format)) {
            put(out, format, "bin", CpioConstants.C_ISDIR | 0755, new byte[0]);
            put(out, format, "bin/prog", CpioConstants.C_ISREG | 0755, "PROGRAM".getBytes(StandardCharsets.UTF_8));
            put(out, format, "bin/link", CpioConstants.C_ISLNK | 0777, "prog".getBytes(StandardCharsets.UTF_8));
            put(out, format, "usr/bin/abs", CpioConstants.C_ISLNK | 0777, "/bin/link".getBytes(StandardCharsets.UTF_8));
            put(out, format, "loop", CpioConstants.C_ISLNK | 0777, "loop".getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    static void put(CpioArchiveOutputStream out, short format, String name, int mode, byte[] data) throws IOException {
        CpioArchiveEntry entry = new CpioArchiveEntry(format, name, data.length);
        entry.setMode(mode);
        out.putArchiveEntry(entry);
        out.write(data);
        out.closeArchiveEntry();
    }

    @Test
    void programsAreFoundThroughTheArchivesSymlinks() throws IOException {
        Initramfs initramfs = Initramfs.read("root.cpio", archive(CpioConstants.FORMAT_NEW));
        byte[] program = "PROGRAM".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(program, initramfs.file("/bin/prog"));
        assertArrayEquals(program, initramfs.file("/bin/link"));
        assertArrayEquals(program, initramfs.file("/usr/bin/abs"));
        assertArrayEquals(program, initramfs.file("/usr/bin/../../bin/./prog"));
        assertNull(initramfs.file("/loop"));
        assertNull(initramfs.file("/bin"));
        assertNull(initramfs.file("/missing"));
    }

    @Test
    void aTruncatedOrCorruptArchiveIsRefused() throws IOException {
        byte[] good = archive(CpioConstants.FORMAT_NEW);
        int trailer = new String(good, StandardCharsets.ISO_8859_1).indexOf("TRAILER!!!");
        for (int length : new int[]{0, 1, 50, 110, 200, trailer / 2, trailer - 20, trailer + 2}) {
            JvmmException e = assertThrows(JvmmException.class, () -> Initramfs.read("root.cpio", Arrays.copyOf(good, length)),
                    "cut at " + length);
            assertTrue(e.getMessage().startsWith("root.cpio: "), e.getMessage());
        }
        byte[] corrupt = good.clone();
        corrupt[6 + 8 * 6 + 3] = 'z';                 // the first member's file size is not hexadecimal
        JvmmException e = assertThrows(JvmmException.class, () -> Initramfs.read("root.cpio", corrupt));
        assertTrue(e.getMessage().startsWith("root.cpio: not a valid newc cpio archive"), e.getMessage());
        Initramfs.read("root.cpio", Arrays.copyOf(good, trailer + 20));     // only the padding after the trailer cut
    }

    @Test
    void otherCpioFormatsAreRefused() throws IOException {
        JvmmException e = assertThrows(JvmmException.class, () -> Initramfs.read("old.cpio", archive(CpioConstants.FORMAT_OLD_ASCII)));
        assertEquals("old.cpio: member 1 (bin) is not in the newc format (magic 070701); make the archive with cpio -H newc",
                e.getMessage());
    }

    @Test
    void theArchiveFollowsTheProgramOnAPageBoundary() throws IOException {
        byte[] archive = archive(CpioConstants.FORMAT_NEW);
        byte[] program = new byte[5000];
        Arrays.fill(program, (byte) 7);
        ArgumentBlock block = ArgumentBlock.of(List.of("/bin/prog"), List.of());
        byte[] module = block.module(program, archive);
        int blockSize = ByteBuffer.wrap(module).order(ByteOrder.LITTLE_ENDIAN).getInt(24);
        assertEquals(program.length, ByteBuffer.wrap(module).order(ByteOrder.LITTLE_ENDIAN).getInt(28));
        assertArrayEquals(program, Arrays.copyOfRange(module, blockSize, blockSize + program.length));
        int archiveStart = (blockSize + program.length + 4095) & -4096;
        assertArrayEquals(archive, Arrays.copyOfRange(module, archiveStart, module.length));
        assertEquals(0, ByteBuffer.wrap(block.module(program)).order(ByteOrder.LITTLE_ENDIAN).getInt(28));
    }

    @Test
    void executablesDataStartsAPageSoExecveMapsThemWhereTheyLie() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] elf = Arrays.copyOf(new byte[]{0x7f, 'E', 'L', 'F'}, 9000);
        try (CpioArchiveOutputStream out = new CpioArchiveOutputStream(bytes, CpioConstants.FORMAT_NEW,
                CpioConstants.BLOCK_SIZE, "UTF-8")) {
            put(out, CpioConstants.FORMAT_NEW, "bin", CpioConstants.C_ISDIR | 0755, new byte[0]);
            put(out, CpioConstants.FORMAT_NEW, "bin/tool", CpioConstants.C_ISREG | 0755, elf);
            put(out, CpioConstants.FORMAT_NEW, "etc/data", CpioConstants.C_ISREG | 0644, elf);      // not executable
            put(out, CpioConstants.FORMAT_NEW, "bin/script", CpioConstants.C_ISREG | 0755, "#!/bin/sh\n".getBytes());
            put(out, CpioConstants.FORMAT_NEW, "bin/caf\u00e9", CpioConstants.C_ISREG | 0755, elf);
        }
        byte[] aligned = Initramfs.read("root.cpio", bytes.toByteArray()).withExecutablesPageAligned();
        Initramfs again = Initramfs.read("aligned", aligned);
        assertArrayEquals(elf, again.file("/bin/tool"));
        assertArrayEquals(elf, again.file("/etc/data"));
        // Each member's data offset, walking the newc headers as the kernel does.
        List<String> starts = new java.util.ArrayList<>();
        int offset = 0;
        while (true) {
            String header = new String(aligned, offset, 110, StandardCharsets.ISO_8859_1);
            int size = Integer.parseInt(header.substring(54, 62), 16);
            int nameSize = Integer.parseInt(header.substring(94, 102), 16);
            String name = new String(aligned, offset + 110, nameSize - 1, StandardCharsets.ISO_8859_1);
            if (name.equals("TRAILER!!!")) {
                break;
            }
            int data = (offset + 110 + nameSize + 3) & ~3;
            starts.add(Initramfs.normalize(name) + (data % 4096 == 0 ? " on a page" : " packed"));
            offset = (data + size + 3) & ~3;
        }
        assertEquals(List.of("bin packed", "bin/tool on a page", "etc/data packed", "bin/script packed",
                "bin/caf\u00c3\u00a9 on a page"), starts);          // the name's UTF-8 bytes kept, read here as Latin-1
    }
}
