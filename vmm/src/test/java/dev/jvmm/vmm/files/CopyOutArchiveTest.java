package dev.jvmm.vmm.files;

import dev.jvmm.vmm.files.CopyOutArchive.Copied;
import dev.jvmm.vmm.files.CopyOutArchive.Mapping;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Unpacking a copy-out archive on the host, from archives written here as the kernel writes them
 * (newc, members named by guest paths without the leading "/"), well-formed and hostile.
 */
class CopyOutArchiveTest {
    @TempDir
    Path dir;

    private Path archive(Member... members) throws IOException {
        Path file = dir.resolve("copy-out.cpio");
        try (CpioArchiveOutputStream out = new CpioArchiveOutputStream(Files.newOutputStream(file), CpioConstants.FORMAT_NEW)) {
            for (Member member : members) {
                CpioArchiveEntry entry = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, member.name, member.data.length);
                entry.setMode(member.mode);
                entry.setTime(member.mtime);
                out.putArchiveEntry(entry);
                out.write(member.data);
                out.closeArchiveEntry();
            }
        }
        return file;
    }

    private record Member(String name, int mode, long mtime, byte[] data) {}

    private static Member directory(String name, int permissions) {
        return new Member(name, CpioConstants.C_ISDIR | permissions, 1_700_000_000, new byte[0]);
    }

    private static Member file(String name, int permissions, String text) {
        return new Member(name, CpioConstants.C_ISREG | permissions, 1_600_000_000, text.getBytes(StandardCharsets.UTF_8));
    }

    private static Member symlink(String name, String target) {
        return new Member(name, CpioConstants.C_ISLNK | 0777, 1_600_000_000, target.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void directoriesFilesAndSymlinksArriveWithTheirModesAndTimes() throws IOException {
        Path host = dir.resolve("results");
        Path archive = archive(directory("out", 0755), file("out/a.txt", 0640, "hello\n"), directory("out/sub", 0700),
                file("out/sub/numbers", 0644, "1\n2\n3\n"), symlink("out/link", "a.txt"), file("other/x", 0644, "not this"));
        List<Copied> copied = CopyOutArchive.unpack(archive, List.of(new Mapping("/out", host)), null);
        assertEquals(List.of(new Copied(new Mapping("/out", host), 5, 12, null)), copied);
        assertEquals("hello\n", Files.readString(host.resolve("a.txt")));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(host.resolve("a.txt"))));
        assertEquals(1_600_000_000_000L, Files.getLastModifiedTime(host.resolve("a.txt")).toMillis());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(host.resolve("sub"))));
        assertEquals(1_700_000_000_000L, Files.getLastModifiedTime(host.resolve("sub")).toMillis());
        assertEquals("1\n2\n3\n", Files.readString(host.resolve("sub/numbers")));
        assertEquals(Path.of("a.txt"), Files.readSymbolicLink(host.resolve("link")));
        assertFalse(Files.exists(host.resolve("x")) || Files.exists(dir.resolve("other")));
    }

    @Test
    void theRootAndSeveralDirectoriesMapToTheirOwnHostDirectories() throws IOException {
        Path all = dir.resolve("all");
        Path sub = dir.resolve("sub");
        Path archive = archive(directory(".", 0755), directory("a", 0755), file("a/f", 0644, "f"),
                directory("a/b", 0755), file("a/b/g", 0644, "gg"));
        List<Copied> copied = CopyOutArchive.unpack(archive, List.of(new Mapping("/", all), new Mapping("/a/b/", sub)), null);
        assertEquals(List.of(new Copied(new Mapping("/", all), 5, 3, null), new Copied(new Mapping("/a/b/", sub), 2, 2, null)),
                copied);
        assertEquals("gg", Files.readString(all.resolve("a/b/g")));
        assertEquals("gg", Files.readString(sub.resolve("g")));
    }

    @Test
    void aMissingGuestDirectoryIsAProblemNotAnError() throws IOException {
        Path archive = archive(directory("out", 0755));
        List<Copied> copied = CopyOutArchive.unpack(archive, List.of(new Mapping("/nope", dir.resolve("n"))), null);
        assertEquals(0, copied.getFirst().members());
        assertTrue(copied.getFirst().problem().startsWith("the guest has no directory /nope"), copied.getFirst().problem());
    }

    @Test
    void aNameWithDotDotEndsTheUnpackingAndNothingLeavesTheHostDirectory() throws IOException {
        Path host = dir.resolve("h");
        Path archive = archive(directory("out", 0755), file("out/ok", 0644, "ok"), file("out/../escaped", 0644, "no"),
                file("out/later", 0644, "no"));
        Copied copied = CopyOutArchive.unpack(archive, List.of(new Mapping("/out", host)), null).getFirst();
        assertTrue(copied.problem().contains("\"out/../escaped\", which is not a plain path"), copied.problem());
        assertEquals("ok", Files.readString(host.resolve("ok")));
        assertFalse(Files.exists(dir.resolve("escaped")) || Files.exists(host.resolve("later")));
    }

    @Test
    void aSymlinkLeftByAnEarlierRunIsNotWrittenThrough() throws IOException {
        Path host = Files.createDirectories(dir.resolve("h"));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.createSymbolicLink(host.resolve("d"), outside);
        Path archive = archive(directory("out", 0755), directory("out/d", 0755), file("out/d/f", 0644, "inside"),
                file("out/e/g", 0644, "no directory member before it"));
        Copied copied = CopyOutArchive.unpack(archive, List.of(new Mapping("/out", host)), null).getFirst();
        assertNull(copied.problem());
        assertTrue(Files.isDirectory(host.resolve("d"), LinkOption.NOFOLLOW_LINKS));
        assertEquals("inside", Files.readString(host.resolve("d/f")));
        assertEquals("no directory member before it", Files.readString(host.resolve("e/g")));
        try (var left = Files.list(outside)) {
            assertEquals(0, left.count());
        }
    }

    @Test
    void aSymlinkInTheArchiveIsMadeAfterTheFilesSoNoneIsWrittenThroughIt() throws IOException {
        Path host = dir.resolve("h");
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Path archive = archive(directory("out", 0755), symlink("out/s", outside.toString()), file("out/s/f", 0644, "x"));
        Copied copied = CopyOutArchive.unpack(archive, List.of(new Mapping("/out", host)), null).getFirst();
        try (var left = Files.list(outside)) {
            assertEquals(0, left.count());
        }
        assertEquals("x", Files.readString(host.resolve("s/f")));
        assertTrue(copied.problem().contains("cannot make the symlink"), copied.problem());
    }

    @Test
    void aTruncatedArchiveKeepsWhatCameAndSaysSo() throws IOException {
        Path host = dir.resolve("h");
        Path archive = archive(directory("out", 0755), file("out/a", 0644, "a"), file("out/big", 0644, "x".repeat(10_000)));
        byte[] bytes = Files.readAllBytes(archive);
        Files.write(archive, Arrays.copyOf(bytes, bytes.length - 8000));
        Copied copied = CopyOutArchive.unpack(archive, List.of(new Mapping("/out", host)), null).getFirst();
        assertEquals("a", Files.readString(host.resolve("a")));
        assertTrue(copied.problem().startsWith("the guest's archive is damaged"), copied.problem());
    }

    @Test
    void theDevicesReasonForStoppingIsEveryMappingsProblem() throws IOException {
        Path archive = archive(directory("out", 0755));
        Copied copied = CopyOutArchive.unpack(archive, List.of(new Mapping("/out", dir.resolve("h"))), "the limit").getFirst();
        assertEquals(1, copied.members());
        assertEquals("the limit", copied.problem());
    }

    @Test
    void relativeNamesBelowAGuestDirectory() {
        assertEquals("", CopyOutArchive.relative("out", "/out"));
        assertEquals("a/b", CopyOutArchive.relative("out/a/b", "/out/"));
        assertNull(CopyOutArchive.relative("outside/a", "/out"));
        assertEquals("", CopyOutArchive.relative(".", "/"));
        assertEquals("out/a", CopyOutArchive.relative("out/a", "/"));
    }
}
