package dev.jvmm.vmm;

import dev.jvmm.process.ProcessRunner;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The multiboot test kernels (guest-kernel/src/test/multiboot/mbinfo.s) under QEMU's -kernel, on
 * -M pc (SeaBIOS and QEMU's multiboot option ROM) and -M microvm, with TCG: what they print is
 * what the multiboot specification and QEMU's fw_cfg say they should get. MultibootJvmmTest runs
 * the same kernels on jvmm and compares with these runs line by line.
 */
public class MultibootQemuTest {
    @TempDir
    static Path dir;

    /** A multiboot module as both are given it: a file and the arguments after its name (or null). */
    public record Module(Path file, String args) {
        String string() {
            return args == null ? file.toString() : file + " " + args;
        }
    }

    /** One boot: a kernel, its arguments (QEMU's -append) and modules (QEMU's -initrd "FILE ARGS,FILE"). */
    public record Case(String kernel, String append, List<Module> modules) {
        @Override
        public String toString() {
            return kernel + " \"" + append + "\" " + modules.size() + " modules";
        }
    }

    /** The boots both tests make, with module files written to {@code dir}. */
    public static List<Case> cases(Path dir) throws IOException {
        Path m1 = Files.writeString(dir.resolve("m1"), "hello\n");
        byte[] big = new byte[10_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 7);
        }
        Path m2 = Files.write(dir.resolve("m2"), big);
        List<Module> two = List.of(new Module(m1, "x y"), new Module(m2, null));
        return List.of(
                new Case(MultibootKernels.ELF32, "a b  c", two),
                new Case(MultibootKernels.ELF32, "", List.of()),
                new Case(MultibootKernels.AOUT, "console=ttyS0", two),
                new Case(MultibootKernels.AOUT, "", List.of(new Module(m1, null))));
    }

    static Stream<Arguments> qemuRuns() throws IOException {
        List<Arguments> runs = new ArrayList<>();
        for (String machine : List.of("pc", "microvm")) {
            for (Case c : cases(dir)) {
                runs.add(Arguments.of(machine, c));
            }
        }
        return runs.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("qemuRuns")
    void theKernelSeesWhatTheSpecificationPromises(String machine, Case c) throws Exception {
        Qemu.Run run = qemu(machine, MultibootKernels.path(c.kernel()), c.append(), c.modules());
        assertEquals(0x20 + c.modules().size(), run.guestStatus(), run.serial().toString());
        assertEquals(expected(MultibootKernels.path(c.kernel()), c.append(), c.modules(), "qemu"), run.serial());
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"pc", "microvm"})
    void fwCfgGivesAPvhKernelItsCommandLine(String machine) throws Exception {
        Qemu.Run run = qemu(machine, MultibootKernels.path(MultibootKernels.FWCFG_PVH), "a b  c", List.of());
        assertEquals(0x20, run.guestStatus(), run.serial().toString());
        assertEquals(expectedPvh("a b  c"), run.serial());
    }

    /** What fwcfg-pvh.img prints: fw_cfg's answers, with the command line (its size counts the NUL). */
    static List<String> expectedPvh(String cmdline) {
        return List.of(
                "pvh: start_info magic 0x336ec578",
                "fw_cfg: signature QEMU",
                "fw_cfg: id traditional",
                "fw_cfg: cpus 1, max 1",
                "fw_cfg: ram size 0x8000000",
                "fw_cfg: cmdline " + (cmdline.length() + 1) + " bytes \"" + cmdline + "\"",
                "fw_cfg: etc/e820 ram [0x0, 0x8000000)");
    }

    @Test
    void qemuRefusesElf64MultibootImages() throws Exception {
        List<String> command = command("pc", MultibootKernels.path(MultibootKernels.ELF64), "", List.of());
        ProcessRunner.Result qemu = ProcessRunner.of(command).errorIntoOutput().deadline(Duration.ofSeconds(60)).run();
        assertEquals(1, qemu.status(), qemu.out());
        assertTrue(qemu.out().contains("Cannot load x86-64 image, give a 32bit one."), qemu.out());
    }

    /** What mbinfo prints for this boot: see mbinfo.s for what it rounds and leaves out. */
    public static List<String> expected(Path kernel, String append, List<Module> modules, String loader) throws IOException {
        List<String> lines = new ArrayList<>(List.of(
                "mb: magic 0x2badb002",
                "mb: flags mem cmdline mods mmap loader",
                "mb: mem lower 640 KiB (rounded up to 64 KiB), upper memory to 128 MiB (rounded up)",
                "mb: mmap ram [0x0, 0x100000) (rounded out to 1 MiB)",
                "mb: mmap ram [0x100000, 0x8000000) (rounded out to 1 MiB)",
                "mb: cmdline \"" + kernel + " " + append + "\"",
                "mb: mods " + modules.size()));
        for (int i = 0; i < modules.size(); i++) {
            byte[] contents = Files.readAllBytes(modules.get(i).file());
            int sum = 0;
            for (byte b : contents) {
                sum += b & 0xff;
            }
            lines.add("mb: mod " + i + " \"" + modules.get(i).string() + "\" " + contents.length + " bytes, page-aligned, byte sum 0x"
                    + Integer.toHexString(sum));
        }
        lines.addAll(List.of(
                "mb: loader \"" + loader + "\"",
                "fw_cfg: signature QEMU",
                "fw_cfg: id traditional",
                "fw_cfg: cpus 1, max 1",
                "fw_cfg: ram size 0x8000000",
                "fw_cfg: cmdline none",
                "fw_cfg: etc/e820 ram [0x0, 0x8000000)"));
        return lines;
    }

    /** The serial output is QEMU's stdout; killed after 60 s ({@link ProcessRunner.TimedOut}). */
    static Qemu.Run qemu(String machine, Path kernel, String append, List<Module> modules) {
        ProcessRunner.Result qemu = ProcessRunner.of(command(machine, kernel, append, modules)).deadline(Duration.ofSeconds(60)).run();
        return new Qemu.Run(qemu.status(), qemu.out().replace("\r", "").lines().toList());
    }

    /** QEMU's -kernel with the test-exit port kvm-unit-tests use (0xf4, four bytes) and 128 MiB, as jvmm's default. */
    static List<String> command(String machine, Path kernel, String append, List<Module> modules) {
        List<String> command = new ArrayList<>(List.of("qemu-system-x86_64", "-M", machine, "-accel", "tcg", "-cpu", "Skylake-Client",
                "-m", "128M", "-nodefaults", "-no-user-config", "-display", "none", "-serial", "stdio",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=4", "-kernel", kernel.toString(), "-append", append));
        if (!modules.isEmpty()) {
            command.addAll(List.of("-initrd", String.join(",", modules.stream().map(Module::string).toList())));
        }
        return command;
    }
}
