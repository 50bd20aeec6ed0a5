package dev.jvmm.vmm.boot;

import dev.jvmm.vmm.JvmmException;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * An initramfs as the bundled kernel unpacks it: a "newc" cpio archive (what Linux and
 * {@code qemu -initrd} take), read here with Apache Commons Compress so that a corrupt or
 * truncated archive is refused before anything boots. It also finds a program inside the archive,
 * for a run whose program is a path in the archive rather than a host file
 * (docs/boot-protocol.md, "The initramfs").
 */
public final class Initramfs {
    /** The kernel's PATH_MAX: a member's name and a symlink's target are shorter. */
    public static final int PATH_MAX = 4096;
    private static final int MAX_SYMLINKS = 40;
    private static final String LATIN_1 = "ISO-8859-1";

    private final byte[] bytes;
    /**
     * Regular files' contents and symlinks' targets, by normalized path ("bin/sh"). Names and
     * targets are any bytes, as the kernel takes them: read as ISO-8859-1, one char a byte.
     */
    private final Map<String, byte[]> files = new HashMap<>();
    private final Map<String, String> symlinks = new HashMap<>();
    /** {@link #withExecutablesPageAligned}, made at its first use (a builder may run many VMs). */
    private volatile byte[] kernelBytes;

    private Initramfs(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * Checks the archive: newc members only, each whole, ending with the TRAILER!!! member;
     * names and symlink targets the kernel takes. {@code name} is for messages.
     */
    public static Initramfs read(String name, byte[] bytes) {
        Initramfs initramfs = new Initramfs(bytes.clone());
        int members = 0;
        try (CpioArchiveInputStream in = new CpioArchiveInputStream(new ByteArrayInputStream(bytes), LATIN_1)) {
            CpioArchiveEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                members++;
                short format = entry.getFormat();
                if (format != CpioConstants.FORMAT_NEW && format != CpioConstants.FORMAT_NEW_CRC) {
                    throw new JvmmException(name + ": member " + members + " (" + entry.getName()
                            + ") is not in the newc format (magic 070701); make the archive with cpio -H newc");
                }
                if (entry.getName().length() >= PATH_MAX) {
                    throw new JvmmException(name + ": member " + members + "'s name is longer than PATH_MAX (" + PATH_MAX + ")");
                }
                byte[] data = in.readAllBytes();
                if (data.length != entry.getSize()) {
                    throw new JvmmException(name + ": member " + members + " (" + entry.getName() + ") is truncated: "
                            + data.length + " of " + entry.getSize() + " bytes");
                }
                String path = normalize(entry.getName());
                if (entry.isSymbolicLink()) {
                    if (data.length == 0 || data.length >= PATH_MAX) {
                        throw new JvmmException(name + ": symlink " + entry.getName() + " has a target of " + data.length
                                + " bytes (1 to " + (PATH_MAX - 1) + ")");
                    }
                    initramfs.symlinks.put(path, new String(data, StandardCharsets.ISO_8859_1));
                    initramfs.files.remove(path);
                } else if (entry.isRegularFile()) {
                    initramfs.files.put(path, data);
                    initramfs.symlinks.remove(path);
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new JvmmException(name + ": not a valid newc cpio archive (after " + members + " members): " + e.getMessage());
        }
        if (members == 0 && bytes.length == 0) {
            throw new JvmmException(name + ": empty file, not a newc cpio archive");
        }
        return initramfs;
    }

    /** The archive's bytes, as given. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /**
     * The archive as the kernel is given it: the same members, but each ELF executable's data
     * starting on a page of its own (from the archive's start, which the module puts on a page
     * boundary), so that execve maps its read-only segments where they lie instead of copying
     * them (docs/boot-protocol.md, "The initramfs"). The padding is in the name: "./" repeated
     * in front of it, which the kernel's reader drops. Made once; the caller must not change it.
     */
    public byte[] withExecutablesPageAligned() {
        byte[] made = kernelBytes;
        if (made == null) {
            made = alignExecutables();
            kernelBytes = made;
        }
        return made;
    }

    private byte[] alignExecutables() {
        ByteArrayOutputStream aligned = new ByteArrayOutputStream(bytes.length + (64 << 10));
        try (CpioArchiveInputStream in = new CpioArchiveInputStream(new ByteArrayInputStream(bytes), LATIN_1);
             CpioArchiveOutputStream out = new CpioArchiveOutputStream(aligned, CpioConstants.FORMAT_NEW,
                     CpioConstants.BLOCK_SIZE, LATIN_1)) {
            long offset = 0;
            CpioArchiveEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                byte[] data = in.readAllBytes();
                String name = entry.getName();
                if (entry.isRegularFile() && (entry.getMode() & 0111) != 0 && isElf(data)) {
                    String padded = name;
                    while ((offset + headerSize(padded)) % PAGE_SIZE != 0) {
                        padded = "./" + padded;
                    }
                    name = padded;
                }
                CpioArchiveEntry copy = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, name, data.length);
                copy.setMode(entry.getMode());
                copy.setTime(entry.getTime());
                copy.setUID(entry.getUID());
                copy.setGID(entry.getGID());
                copy.setNumberOfLinks(entry.getNumberOfLinks());
                out.putArchiveEntry(copy);
                out.write(data);
                out.closeArchiveEntry();
                offset += headerSize(name) + align4(data.length);
            }
        } catch (IOException e) {
            throw new JvmmException("cannot rewrite the initramfs: " + e.getMessage());   // it was read once already
        }
        return aligned.toByteArray();
    }

    private static final int PAGE_SIZE = 4096;
    private static final int NEWC_HEADER = 110;

    /** A newc member's header and name, with the name's NUL, padded to 4 bytes. */
    private static long headerSize(String name) {
        return align4(NEWC_HEADER + name.length() + 1);
    }

    private static long align4(long size) {
        return (size + 3) & ~3L;
    }

    private static boolean isElf(byte[] data) {
        return data.length >= 4 && data[0] == 0x7f && data[1] == 'E' && data[2] == 'L' && data[3] == 'F';
    }

    /**
     * The regular file at an absolute guest path, symlinks in the archive followed (as the
     * kernel's lookup would), or null when the archive has none there.
     */
    public byte[] file(String guestPath) {
        String path = normalize(new String(guestPath.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
        for (int links = 0; links <= MAX_SYMLINKS; links++) {
            byte[] data = files.get(path);
            if (data != null) {
                return data;
            }
            String target = symlinks.get(path);
            if (target == null) {
                return null;
            }
            if (target.startsWith("/")) {
                path = normalize(target);
            } else {
                int slash = path.lastIndexOf('/');
                path = normalize((slash < 0 ? "" : path.substring(0, slash + 1)) + target);
            }
        }
        return null;
    }

    /** "/a/./b//c", "./a/b/c" and "a/b/c" as one key: "a/b/c" ("x/.." kept as the walk keeps it). */
    static String normalize(String name) {
        StringBuilder out = new StringBuilder();
        for (String part : name.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                int slash = out.lastIndexOf("/");
                out.setLength(Math.max(slash, 0));
                continue;
            }
            if (!out.isEmpty()) {
                out.append('/');
            }
            out.append(part);
        }
        return out.toString();
    }
}
