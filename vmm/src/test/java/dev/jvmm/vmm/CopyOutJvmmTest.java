package dev.jvmm.vmm;

import dev.jvmm.api.CopiedDirectory;
import dev.jvmm.api.MicroVm;
import dev.jvmm.api.VmResult;
import dev.jvmm.junit.JvmmTest;
import dev.jvmm.process.ProcessRunner;
import dev.jvmm.vmm.Qemu.Environment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Copy-out (docs/kernel.md, "Copy-out"): at the end of a run the guest's directories reach the
 * host, compared with what the host itself has: the initramfs's tree copied back out equals the
 * same archive extracted on the host, and the files a busybox script writes in the guest equal
 * those the same script writes on the host (contents, types, permission bits, symlink targets,
 * and the times the script set). Without the device (QEMU) the kernel says so and the run is
 * unchanged.
 */
class CopyOutJvmmTest {
    @TempDir
    static Path dir;

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    /**
     * Files of every shape the kernel holds: small, many pages (seq), holes (dd seek), empty, a
     * symlink, a directory with its own mode; $1 is where (the guest's /out, a host directory).
     */
    private static final String SCRIPT = "umask 022; mkdir -p $1/sub/deeper && cd $1 && echo hello > a.txt && chmod 640 a.txt"
            + " && seq 20000 > sub/numbers && ln -s a.txt link && ln -s /nowhere/at/all dangling"
            + " && dd if=/dev/zero of=sparse bs=1 count=1 seek=20000 2>/dev/null"
            + " && printf x | dd of=sparse bs=1 seek=5000 conv=notrunc 2>/dev/null && : > empty"
            + " && touch -d @1600000000 a.txt sub/numbers && chmod 700 sub/deeper && chmod 755 .";

    static byte[] rootArchive;
    static Path hostRoot;

    @BeforeAll
    static void buildTheArchive() throws IOException {
        FilesTest.Archive archive = new FilesTest.Archive();
        archive.directory("bin", 0755);
        archive.file("bin/busybox", 0755, Files.readAllBytes(Path.of("/bin/busybox")));
        archive.directory("data", 0755);
        archive.directory("data/tree", 0750);
        archive.file("data/tree/words", 0600, "the\nquick\nbrown\nfox\n".getBytes());   // 20 bytes
        archive.file("data/big", 0644, new byte[3 * 4096 + 17]);
        archive.symlink("data/tree/link", "words");
        rootArchive = archive.finish();
        hostRoot = archive.extract(dir.resolve("host-root"));
    }

    @JvmmTest
    @Test
    void theInitramfsCopiedOutEqualsTheArchiveExtractedOnTheHost(MicroVm.Builder vm) throws IOException {
        Path out = dir.resolve("round-trip");
        VmResult result = vm.initrd("root.cpio", rootArchive).program(List.of("/bin/busybox", "true"))
                .copyOut("/data", out).timeout(TIMEOUT).build().run();
        assertEquals(0, result.exitStatus(), result.serial());
        long bytes = 20 + 3 * 4096 + 17;
        assertEquals(List.of(new CopiedDirectory("/data", out.toAbsolutePath(), 5, bytes, null)), result.copiedOut());
        assertEquals(tree(hostRoot.resolve("data"), true), tree(out, true));
        assertTrue(result.serialLines().contains("jvmm-kernel: copy-out: /data: 5 members, regular files' bytes " + bytes),
                result.serial());
    }

    @JvmmTest
    @Test
    void filesAScriptWritesInTheGuestEqualThoseItWritesOnTheHost(MicroVm.Builder vm) throws IOException {
        Path onHost = Files.createDirectories(dir.resolve("script-host"));
        ProcessRunner.Result host = ProcessRunner.of("/bin/busybox", "sh", "-c", SCRIPT, "sh", onHost.toString())
                .deadline(TIMEOUT).run();
        assertEquals(0, host.status(), host.output());
        Path out = dir.resolve("script-guest");
        VmResult result = vm.initrd("root.cpio", rootArchive)
                .program(List.of("/bin/busybox", "sh", "-c", SCRIPT, "sh", "/out"))
                .copyOut("/out", out).timeout(TIMEOUT).build().run();
        assertEquals(0, result.exitStatus(), result.serial());
        assertNull(result.copiedOut().getFirst().problem());
        SortedMap<String, String> expected = tree(onHost, false);
        assertEquals(expected, tree(out, false));
        assertEquals(1_600_000_000_000L, Files.getLastModifiedTime(out.resolve("a.txt")).toMillis());
        assertEquals(1_600_000_000_000L, Files.getLastModifiedTime(out.resolve("sub/numbers")).toMillis());
    }

    @JvmmTest
    @Test
    void aDirectoryTheGuestDoesNotHaveIsReportedAndTheStatusIsTheProgramsStill(MicroVm.Builder vm) {
        Path out = dir.resolve("missing");
        VmResult result = vm.initrd("root.cpio", rootArchive).program(List.of("/bin/busybox", "sh", "-c", "exit 3"))
                .copyOut("/nope", out).copyOut("/data/tree/words", dir.resolve("a-file")).timeout(TIMEOUT).build().run();
        assertEquals(3, result.exitStatus(), result.serial());
        assertTrue(result.copiedOut().get(0).problem().startsWith("the guest has no directory /nope"), result.copiedOut()::toString);
        assertTrue(result.copiedOut().get(1).problem().startsWith("the guest has no directory /data/tree/words"),
                result.copiedOut()::toString);
        assertTrue(result.serialLines().contains("jvmm-kernel: copy-out: /nope: errno 2"), result.serial());
        assertTrue(result.serialLines().contains("jvmm-kernel: copy-out: /data/tree/words: errno 20"), result.serial());
    }

    /** Hard links make a guest send one file again and again: the archive stops at four times the memory. */
    @JvmmTest
    @Test
    void hardLinksCannotMakeTheArchiveOutgrowItsLimit(MicroVm.Builder vm) {
        Path out = dir.resolve("links");
        String script = "mkdir /out && dd if=/dev/zero of=/out/big bs=1048576 count=2 2>/dev/null"
                + " && for i in $(seq 70); do ln /out/big /out/l$i; done";
        VmResult result = vm.initrd("root.cpio", rootArchive).memory(32L << 20)
                .program(List.of("/bin/busybox", "sh", "-c", script))
                .copyOut("/out", out).timeout(TIMEOUT).build().run();
        assertEquals(0, result.exitStatus(), result.serial());
        CopiedDirectory copied = result.copiedOut().getFirst();
        assertTrue(copied.problem().contains("limit of " + (4 * (32L << 20)) + " bytes"), copied::toString);
        assertTrue(copied.bytes() <= 4 * (32L << 20), copied::toString);
    }

    @ParameterizedTest
    @EnumSource(value = Environment.class, names = {"TCG_INTEL", "TCG_AMD"})
    void withoutTheDeviceTheKernelSaysSoAndTheRunIsUnchanged(Environment environment) throws IOException {
        byte[] module = MicroVm.builder().initrd("root.cpio", rootArchive)
                .program(List.of("/bin/busybox", "sh", "-c", "echo ran; exit 4")).build().initrd();
        Path initrd = Files.write(dir.resolve("module-" + environment), module);
        Qemu.Run run = Qemu.run(environment, BundledImage.file(dir), initrd, "copy-out=/data");
        assertTrue(run.serial().contains("ran"), run.serial()::toString);
        assertTrue(run.serial().contains("jvmm-kernel: copy-out: no copy-out device (jvmm's port 0x524): nothing copied"),
                run.serial()::toString);
        assertEquals(4, run.guestStatus());
    }

    /** Each path below root: its type and permission bits, a file's digest, a symlink's target; times (but a link's) if asked. */
    static SortedMap<String, String> tree(Path root, boolean times) throws IOException {
        SortedMap<String, String> tree = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.toList()) {
                String name = root.relativize(path).toString();
                String time = times ? " " + Files.getLastModifiedTime(path).toMillis() : "";
                if (Files.isSymbolicLink(path)) {
                    tree.put(name, "link " + Files.readSymbolicLink(path));
                } else {
                    String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
                    tree.put(name, Files.isDirectory(path) ? "dir " + mode + time : "file " + mode + " " + digest(path) + time);
                }
            }
        }
        return tree;
    }

    private static String digest(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
