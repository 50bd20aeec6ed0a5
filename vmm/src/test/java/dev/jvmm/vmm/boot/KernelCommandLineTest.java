package dev.jvmm.vmm.boot;

import dev.jvmm.vmm.JvmmException;
import dev.jvmm.vmm.boot.KernelCommandLine.EntryPath;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelCommandLineTest {
    @Test
    void userWordsThenTheEntryPath() {
        assertEquals("", KernelCommandLine.of("", EntryPath.AUTO, false));
        assertEquals("exit=3", KernelCommandLine.of("  exit=3 ", EntryPath.AUTO, true));
        assertEquals("quiet entry=sysenter", KernelCommandLine.of("quiet", EntryPath.SYSENTER, true));
    }

    @Test
    void theProgramsArgvIsNotOnTheCommandLine() {
        JvmmException e = assertThrows(JvmmException.class, () -> KernelCommandLine.of("a -- b", EntryPath.AUTO, true));
        assertEquals("the kernel command line may not hold the word \"--\" when a program is given: jvmm passes the "
                + "program's argv itself (give the arguments after the program)", e.getMessage());
        assertEquals("a -- b", KernelCommandLine.of("a -- b", EntryPath.AUTO, false));
    }

    @Test
    void jvmmsWordsGoBeforeTheDemosArgvWhereTheKernelReadsThem() {
        assertEquals("a entry=int80 copy-out=/out,/tmp/x -- demo b",
                KernelCommandLine.of("a -- demo b", EntryPath.INT80, List.of("/out", "/tmp/x"), false));
        assertEquals("copy-out=/out", KernelCommandLine.of("", EntryPath.AUTO, List.of("/out"), true));
        assertEquals("a b  c copy-out=/out -- x  y", KernelCommandLine.of(" a b  c -- x  y ", EntryPath.AUTO, List.of("/out"), false));
        assertEquals("a  b", KernelCommandLine.of("a  b", EntryPath.AUTO, true));      // a multiboot kernel's spacing kept
    }

    @Test
    void theBundledKernelsWordsAreCheckedUpToTheProgramsArgv() {
        KernelCommandLine.checkBundledKernelWords("");
        KernelCommandLine.checkBundledKernelWords("exit=0 exit=255 test=spin test=unemulated entry=int80 quiet x=y -- exit=999 test=z");
        for (String bad : List.of("exit=256", "exit=-1", "exit=", "exit=0x10", "exit", "test=", "test=bogus", "entry=warp")) {
            JvmmException e = assertThrows(JvmmException.class, () -> KernelCommandLine.checkBundledKernelWords("quiet " + bad), bad);
            assertTrue(e.getMessage().startsWith("kernel command line word " + bad + ": "), e.getMessage());
        }
    }

    @Test
    void theTestWordsAreTheOnesTheKernelGuideLists() throws Exception {
        String guide = Files.readString(Path.of("").toAbsolutePath().getParent().resolve("docs/kernel.md"));
        assertTrue(guide.contains("| `test=" + String.join("\\|", KernelCommandLine.TEST_WORDS) + "` |"),
                "docs/kernel.md's test= row must list " + KernelCommandLine.TEST_WORDS);
    }

    @Test
    void aLineLongerThanTheBootAreaHoldsIsRefused() {
        String fits = "x".repeat(PvhBoot.CMDLINE_MAX);
        assertEquals(fits, KernelCommandLine.of(fits, EntryPath.AUTO, true));
        JvmmException e = assertThrows(JvmmException.class, () -> KernelCommandLine.of(fits, EntryPath.SYSCALL, true));
        int length = fits.length() + " entry=syscall".length();
        assertEquals("the guest kernel's command line would be " + length + " bytes, and at most " + PvhBoot.CMDLINE_MAX
                + " fit: --cmdline is too long", e.getMessage());
    }
}
