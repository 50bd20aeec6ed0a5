package dev.jvmm.vmm.files;

import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;

import dev.jvmm.vmm.JvmmException;
import dev.jvmm.vmm.devices.CopyOut;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A run's copy-out (docs/kernel.md, "Copy-out"): the temporary file the copy-out device fills
 * while the guest writes the archive (a newc cpio archive whose members are named by their guest
 * paths without the leading "/", the root "."), then its unpacking into the host directories
 * that {@code --copy-out GUEST_DIR:HOST_DIR} maps the guest's directories to: directories,
 * regular files and symlinks, with their permission bits and modification times.
 *
 * <p>The archive comes from the guest, so it is read as untrusted: a member whose name has an
 * empty, "." or ".." component (but the root's ".") ends the unpacking, a symlink or file found
 * where a directory goes is replaced by one (so nothing is written through a link an earlier run
 * left), symlinks are made only after every file is written, and a directory's permissions and
 * time are set last (so a read-only directory still takes its files).
 */
public final class CopyOutArchive implements AutoCloseable {
    /** A guest directory and the host directory it goes to. */
    public record Mapping(String guestDirectory, Path hostDirectory) {}

    /**
     * What one mapping received.
     *
     * @param members what was written: the directory itself, and each directory, file and symlink below it
     * @param bytes   the files' bytes
     * @param problem why it was not copied, or not wholly, or null
     */
    public record Copied(Mapping mapping, int members, long bytes, String problem) {}

    /**
     * The most bytes the archive may take, per byte of guest memory: the guest's files live in its
     * memory, but hard links let it send one file as often as it likes.
     */
    static final long LIMIT_PER_BYTE_OF_MEMORY = 4;

    private record Link(Path path, String target) {}

    /** What one mapping received so far, and the first thing that went wrong for it. */
    private static final class Tally {
        int members;
        long bytes;
        String problem;

        void problem(String what) {
            if (problem == null) {
                problem = what;
            }
        }
    }

    private record Times(Path path, int mode, long mtime) {}

    private final List<Mapping> mappings;
    private final Path file;
    private final FileChannel channel;
    private final CopyOut.Archive archive;

    private CopyOutArchive(List<Mapping> mappings, Path file, FileChannel channel, CopyOut.Archive archive) {
        this.mappings = mappings;
        this.file = file;
        this.channel = channel;
        this.archive = archive;
    }

    /** The host directories made, and the archive's temporary file; nothing at all without mappings. */
    public static CopyOutArchive create(List<Mapping> mappings, long guestMemory) {
        if (mappings.isEmpty()) {
            return new CopyOutArchive(List.of(), null, null, null);
        }
        Path file = null;
        try {
            for (Mapping mapping : mappings) {
                Files.createDirectories(mapping.hostDirectory());
            }
            file = Files.createTempFile("jvmm-copy-out", ".cpio");
            FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE);
            return new CopyOutArchive(List.copyOf(mappings), file, channel,
                    new CopyOut.Archive(channel, LIMIT_PER_BYTE_OF_MEMORY * guestMemory));
        } catch (IOException e) {
            deleteQuietly(file);
            throw new JvmmException("cannot prepare the copy-out: " + e.getMessage());
        }
    }

    /** What the copy-out device fills, or null without mappings (no device). */
    public CopyOut.Archive archive() {
        return archive;
    }

    /** After the run: the archive unpacked, what each mapping received. */
    public List<Copied> unpack() {
        if (mappings.isEmpty()) {
            return List.of();
        }
        closeChannel();
        return unpack(file, mappings, archive.problem());
    }

    @Override
    public void close() {
        if (channel != null) {
            closeChannel();
            deleteQuietly(file);
        }
    }

    private void closeChannel() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new JvmmException("cannot write the copy-out archive " + file + ": " + e.getMessage());
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            if (file != null) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // a temporary file left behind is not worth failing the run for
        }
    }

    /**
     * Unpacks {@code archive} for the mappings. {@code cutShort} is why the device stopped taking
     * the archive early (then its end is missing), or null.
     */
    static List<Copied> unpack(Path archive, List<Mapping> mappings, String cutShort) {
        Map<Mapping, Tally> tallies = new LinkedHashMap<>();
        for (Mapping mapping : mappings) {
            tallies.put(mapping, new Tally());
        }
        List<Link> links = new ArrayList<>();
        List<Times> directories = new ArrayList<>();
        String archiveProblem = cutShort;
        // Names as UTF-8, as the guest's programs write them (and as a host path takes them).
        try (CpioArchiveInputStream in = new CpioArchiveInputStream(Files.newInputStream(archive), "UTF-8")) {
            CpioArchiveEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                String name = entry.getName();
                if (!wellFormed(name)) {
                    archiveProblem = "the guest's archive names a member \"" + name + "\", which is not a plain path";
                    break;
                }
                String linkTarget = entry.isSymbolicLink() ? new String(in.readAllBytes(), StandardCharsets.UTF_8) : null;
                Path written = null;                    // a regular file's first copy: the source of the others
                for (Mapping mapping : mappings) {
                    String relative = relative(name, mapping.guestDirectory());
                    if (relative == null) {
                        continue;
                    }
                    Path target = mapping.hostDirectory();
                    try {
                        target = relative.isEmpty() ? target : target.resolve(relative);
                        if (entry.isDirectory()) {
                            makeDirectories(mapping.hostDirectory(), target);
                            directories.add(new Times(target, (int) entry.getMode(), entry.getTime()));
                        } else if (entry.isRegularFile()) {
                            makeDirectories(mapping.hostDirectory(), target.getParent());
                            Files.deleteIfExists(target);
                            long size;
                            if (written == null) {
                                size = copyMember(in, target);
                                written = target;
                            } else {
                                Files.copy(written, target);
                                size = Files.size(target);
                            }
                            setModeAndTime(target, (int) entry.getMode(), entry.getTime());
                            tallies.get(mapping).bytes += size;
                        } else if (entry.isSymbolicLink()) {
                            links.add(new Link(target, linkTarget));
                        } else {
                            continue;
                        }
                        tallies.get(mapping).members++;
                    } catch (IOException | InvalidPathException e) {
                        tallies.get(mapping).problem("cannot write " + target + ": " + e);
                    }
                }
            }
        } catch (IOException | UncheckedIOException e) {
            archiveProblem = archiveProblem != null ? archiveProblem : "the guest's archive is damaged: " + e.getMessage();
        }
        for (Link link : links) {
            try {
                makeDirectories(mappingOf(link.path(), mappings).orElseThrow().hostDirectory(), link.path().getParent());
                Files.deleteIfExists(link.path());
                Files.createSymbolicLink(link.path(), Path.of(link.target()));
            } catch (IOException | InvalidPathException e) {
                mappingOf(link.path(), mappings).ifPresent(m -> tallies.get(m).problem("cannot make the symlink "
                        + link.path() + ": " + e));
            }
        }
        for (Times directory : directories.reversed()) {
            try {
                setModeAndTime(directory.path(), directory.mode(), directory.mtime());
            } catch (IOException e) {
                mappingOf(directory.path(), mappings).ifPresent(m -> tallies.get(m).problem("cannot set "
                        + directory.path() + "'s mode: " + e));
            }
        }
        List<Copied> copied = new ArrayList<>();
        for (Mapping mapping : mappings) {
            Tally tally = tallies.get(mapping);
            String problem = tally.problem;
            if (problem == null && archiveProblem != null) {
                problem = archiveProblem;
            } else if (problem == null && tally.members == 0) {
                problem = "the guest has no directory " + mapping.guestDirectory() + " (see the kernel's copy-out line)";
            }
            copied.add(new Copied(mapping, tally.members, tally.bytes, problem));
        }
        return copied;
    }

    /**
     * The member's bytes into {@code target}: a failure to write is an IOException, a failure to
     * read the archive an UncheckedIOException (the archive is damaged: the unpacking ends).
     */
    private static long copyMember(InputStream in, Path target) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        try (OutputStream out = Files.newOutputStream(target)) {
            while (true) {
                int n;
                try {
                    n = in.read(buffer);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                if (n < 0) {
                    return total;
                }
                out.write(buffer, 0, n);
                total += n;
            }
        }
    }

    /** A path of plain components ("a/b/c") or the root ("."). */
    private static boolean wellFormed(String name) {
        if (name.equals(".")) {
            return true;
        }
        for (String component : name.split("/", -1)) {
            if (component.isEmpty() || component.equals(".") || component.equals("..") || component.indexOf('\0') >= 0) {
                return false;
            }
        }
        return true;
    }

    /** The member's path below the guest directory ("" for the directory itself), or null if it is not below it. */
    static String relative(String member, String guestDirectory) {
        String directory = guestDirectory.replaceAll("^/+|/+$", "");
        if (directory.isEmpty()) {
            return member.equals(".") ? "" : member;
        }
        if (member.equals(directory)) {
            return "";
        }
        return member.startsWith(directory + "/") ? member.substring(directory.length() + 1) : null;
    }

    /**
     * {@code directory} (below {@code root}, or root itself) as a real directory: each missing
     * component made, and each symlink or file on the way replaced by a directory, so that
     * nothing is written outside root through a link an earlier run left there.
     */
    private static void makeDirectories(Path root, Path directory) throws IOException {
        Files.createDirectories(root);
        Path current = root;
        for (Path component : root.relativize(directory)) {
            if (component.toString().isEmpty()) {
                continue;
            }
            current = current.resolve(component);
            if (!Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
                Files.deleteIfExists(current);
                Files.createDirectory(current);
            }
        }
    }

    private static Optional<Mapping> mappingOf(Path path, List<Mapping> mappings) {
        return mappings.stream().filter(m -> path.startsWith(m.hostDirectory())).findFirst();
    }

    private static void setModeAndTime(Path path, int mode, long mtime) throws IOException {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values();  // OWNER_READ (0400) ... OTHERS_EXECUTE (0001)
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (0400 >> i)) != 0) {
                permissions.add(bits[i]);
            }
        }
        Files.setPosixFilePermissions(path, permissions);
        Files.setLastModifiedTime(path, FileTime.fromMillis(mtime * 1000));
    }
}
