package dev.jvmm.vmm;

import dev.jvmm.process.ProcessRunner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The vDSO's ELF form, as binutils' readelf sees it: what musl and glibc need, and nothing writable. */
class VdsoImageTest {
    @TempDir
    static Path dir;
    static Path vdso;

    @BeforeAll
    static void extract() throws Exception {
        try (InputStream in = VdsoImageTest.class.getResourceAsStream("/dev/jvmm/guest/vdso.so")) {
            vdso = Files.write(dir.resolve("vdso.so"), in.readAllBytes());
        }
    }

    static List<String> readelf(String... options) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("readelf", "-W"));
        command.addAll(List.of(options));
        command.add(vdso.toString());
        ProcessRunner.Result result = ProcessRunner.of(command).deadline(Duration.ofSeconds(30)).run();
        assertEquals(0, result.status(), result.output());
        return result.out().lines().toList();
    }

    @Test
    void oneReadExecuteLoadSegmentAndADynamicSegment() throws Exception {
        List<String> headers = readelf("-l");
        List<String> loads = headers.stream().filter(line -> line.strip().startsWith("LOAD")).toList();
        assertEquals(1, loads.size(), headers.toString());
        assertTrue(loads.getFirst().matches(".* R E +0x1000"), loads.getFirst());
        assertEquals(1, headers.stream().filter(line -> line.strip().startsWith("DYNAMIC")).count(), headers.toString());
        assertTrue(headers.stream().anyMatch(line -> line.contains("Elf file type is DYN")), headers.toString());
    }

    @Test
    void hashTablesSonameAndVersions() throws Exception {
        String dynamic = String.join("\n", readelf("-d"));
        for (String tag : List.of("(HASH)", "(GNU_HASH)", "(SYMTAB)", "(STRTAB)", "(VERDEF)", "(VERSYM)",
                "Library soname: [linux-vdso.so.1]")) {
            assertTrue(dynamic.contains(tag), tag + " in\n" + dynamic);
        }
        String versions = String.join("\n", readelf("-V"));
        assertTrue(versions.contains("Name: LINUX_2.6"), versions);
    }

    @Test
    void exportsLinuxsTimeFunctionsAndTheGate() throws Exception {
        Set<String> exported = new TreeSet<>();
        for (String line : readelf("--dyn-syms")) {
            String[] fields = line.strip().split("\\s+");
            if (fields.length == 8 && fields[3].equals("FUNC") && !fields[6].equals("UND")) {
                exported.add(fields[4] + " " + fields[7]);
            }
        }
        assertEquals(new TreeSet<>(Set.of(
                "GLOBAL __vdso_clock_gettime@@LINUX_2.6", "WEAK clock_gettime@@LINUX_2.6",
                "GLOBAL __vdso_gettimeofday@@LINUX_2.6", "WEAK gettimeofday@@LINUX_2.6",
                "GLOBAL __vdso_time@@LINUX_2.6", "WEAK time@@LINUX_2.6",
                "GLOBAL __vdso_clock_getres@@LINUX_2.6", "WEAK clock_getres@@LINUX_2.6",
                "GLOBAL __vdso_getcpu@@LINUX_2.6", "WEAK getcpu@@LINUX_2.6",
                "GLOBAL __kernel_vsyscall@@LINUX_2.6")), exported);
    }

    @Test
    void noRelocationsAndNoWritableData() throws Exception {
        assertTrue(readelf("-r").contains("There are no relocations in this file."));
        for (String line : readelf("-S")) {
            String[] fields = line.replace("[ ", "[").strip().split("\\s+");
            if (fields.length > 7 && fields[0].startsWith("[") && !fields[1].equals("NULL")) {
                String name = fields[1];
                String size = fields[5];
                String flags = fields[7];
                boolean allocated = flags.contains("A");
                // ld marks .dynamic writable in every shared object; here it lies in the one R E
                // segment, so it is mapped read-only like the rest (as in Linux's vDSO).
                assertFalse(allocated && flags.contains("W") && !name.equals(".dynamic"), "writable section " + line);
                if (name.equals(".data") || name.equals(".rela.dyn")) {
                    assertEquals(0, Long.parseLong(size, 16), "non-empty " + line);
                }
            }
        }
    }
}
