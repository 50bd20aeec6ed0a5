package dev.jvmm.api;

import dev.jvmm.vmm.boot.ArgumentBlock;
import dev.jvmm.vmm.boot.ArgumentBlockTest;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What the builder gives the kernel, and what it refuses, checked without booting anything. */
class MicroVmBuilderTest {
    private static final String PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    static ArgumentBlockTest.Decoded decoded(MicroVm.Builder builder) {
        return ArgumentBlockTest.decode(builder.build().initrd());
    }

    @Test
    void theDefaultEnvironmentIsPathAndHomeAndSettingsGoOverIt() {
        assertEquals(List.of(PATH, "HOME=/root"), decoded(MicroVm.builder().builtInProgram("demo")).envp());
        assertEquals(List.of(PATH, "HOME=/home/me", "A=x=y", "EMPTY="), decoded(MicroVm.builder().builtInProgram("demo")
                .env("HOME", "/home/me").env("A=x=y").env("EMPTY", "")).envp());
        assertEquals(List.of("ONLY=1"), decoded(MicroVm.builder().builtInProgram("demo")
                .environment(Map.of()).env("ONLY", "1")).envp());
        assertEquals(List.of(), decoded(MicroVm.builder().builtInProgram("demo").environment(Map.of())).envp());
    }

    @Test
    void argvIsPassedAsGivenQuotesIncluded() {
        ArgumentBlockTest.Decoded block = decoded(MicroVm.builder().builtInProgram("demo", "say \"hi\"", "", "a\\b"));
        assertEquals(List.of("demo", "say \"hi\"", "", "a\\b"), block.argv());
        assertEquals(List.of("demo"), decoded(MicroVm.builder()).argv(), "no program: the demo");
        assertEquals("entry=int80", MicroVm.builder().entryPath(EntryPath.INT80)
                .build().kernelInput().cmdline());
    }

    @Test
    void argvAndTheEnvironmentCanBeBytesThatAreNotText() {
        byte[] notUtf8 = {'x', (byte) 0xff, (byte) 0xc3};
        MicroVm vm = MicroVm.builder().builtInProgram("demo", "placeholder")
                .argvBytes(List.of("demo".getBytes(), notUtf8))
                .env(new byte[]{'B', '=', (byte) 0xfe})
                .build();
        byte[] module = vm.initrd();
        ByteArrayOutputStream strings = new ByteArrayOutputStream();
        strings.writeBytes("demo\0x".getBytes(StandardCharsets.US_ASCII));
        strings.writeBytes(new byte[]{(byte) 0xff, (byte) 0xc3, 0});
        strings.writeBytes((PATH + "\0HOME=/root\0B=").getBytes(StandardCharsets.US_ASCII));
        strings.writeBytes(new byte[]{(byte) 0xfe, 0});
        int area = 32 + 4 * 5;
        assertArrayEquals(strings.toByteArray(), Arrays.copyOfRange(module, area, area + strings.size()));
        assertThrows(IllegalArgumentException.class, () -> MicroVm.builder().builtInProgram("demo").argvBytes(List.of()));
    }

    /**
     * A program given by its argv is a file: argv[0] a path in the initramfs when it holds it,
     * otherwise on the host; a built-in program's name too (only builtInProgram runs those), and
     * a built-in program is no file, not even with an initramfs that holds its name.
     */
    @Test
    void aProgramsArgvNamesAFileInTheInitramfsBeforeOneOnTheHost(@TempDir Path dir) throws IOException {
        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        byte[] data = "in the archive".getBytes(StandardCharsets.US_ASCII);
        try (CpioArchiveOutputStream out = new CpioArchiveOutputStream(archive, CpioConstants.FORMAT_NEW)) {
            CpioArchiveEntry entry = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, "demo", data.length);
            entry.setMode(CpioConstants.C_ISREG | 0755);
            out.putArchiveEntry(entry);
            out.write(data);
            out.closeArchiveEntry();
        }
        Path host = Files.writeString(dir.resolve("demo"), "on the host");
        List<String> inArchive = List.of("/demo", "x");
        assertArrayEquals(MicroVm.builder().initrd("root.cpio", archive.toByteArray()).program(data, inArchive).build().initrd(),
                MicroVm.builder().initrd("root.cpio", archive.toByteArray()).program(inArchive).build().initrd());
        List<String> onHost = List.of(host.toString(), "x");
        assertArrayEquals(MicroVm.builder().initrd("root.cpio", archive.toByteArray()).program(Files.readAllBytes(host), onHost).build().initrd(),
                MicroVm.builder().initrd("root.cpio", archive.toByteArray()).program(onHost).build().initrd());
        assertEquals("program demo does not exist",
                assertThrows(JvmmException.class, () -> MicroVm.builder().program(List.of("demo")).build().initrd()).getMessage());
        assertEquals("with an initramfs the program is a file, in the archive or on the host; demo is the kernel's built-in program",
                assertThrows(JvmmException.class, () -> MicroVm.builder().initrd("root.cpio", archive.toByteArray())
                        .builtInProgram("demo").build().initrd()).getMessage());
        assertThrows(IllegalArgumentException.class, () -> MicroVm.builder().program(List.of()));
    }

    @Test
    void anotherImageWithoutAProgramGetsNoModule() {
        byte[] image = MicroVm.bundledFile("exitloop.img");
        assertNull(MicroVm.builder().image("exitloop", image).build().initrd());
    }

    @Test
    void refusesBadEnvironmentSettingsWithTheirReason() {
        assertEquals("an environment variable's name may not be empty",
                assertThrows(JvmmException.class, () -> MicroVm.builder().env("=x")).getMessage());
        assertEquals("environment variable name \"A=B\" may not contain '='",
                assertThrows(JvmmException.class, () -> MicroVm.builder().env("A=B", "c")).getMessage());
        assertEquals("environment variable name \"A\\0\" may not contain a NUL byte",
                assertThrows(JvmmException.class, () -> MicroVm.builder().env("A\0", "c")).getMessage());
        assertEquals("the value of environment variable A contains a NUL byte, which a C string cannot hold",
                assertThrows(JvmmException.class, () -> MicroVm.builder().env("A", "\0")).getMessage());
        assertEquals("environment setting \"NOVALUE\" is not NAME=VALUE",
                assertThrows(JvmmException.class, () -> MicroVm.builder().env("NOVALUE")).getMessage());
        MicroVm.Builder kept = MicroVm.builder().builtInProgram("demo");
        assertThrows(JvmmException.class, () -> kept.environment(Map.of("GOOD", "1", "", "bad")));
        assertEquals(List.of(PATH, "HOME=/root"), decoded(kept).envp(), "a refused environment changes nothing");
    }

    @Test
    void tooMuchIsRefusedBeforeBoot() {
        MicroVm vm = MicroVm.builder().builtInProgram("demo", "x".repeat(ArgumentBlock.MAX_ARG_STRLEN)).build();
        JvmmException e = assertThrows(JvmmException.class, vm::run);
        assertEquals("argv[1] is 131073 bytes with its NUL; Linux's execve takes at most 131072 per string "
                + "(MAX_ARG_STRLEN): argument list too long", e.getMessage());
    }
}
