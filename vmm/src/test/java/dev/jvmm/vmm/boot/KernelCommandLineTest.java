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
    void userWordsThenTheEntryPathThenTheProgramsArgv() {
        assertEquals("", KernelCommandLine.of("", EntryPath.AUTO, List.of()));
        assertEquals("exit=3", KernelCommandLine.of("  exit=3 ", EntryPath.AUTO, List.of()));
        assertEquals("quiet entry=sysenter -- prog a", KernelCommandLine.of("quiet", EntryPath.SYSENTER, List.of("prog", "a")));
        assertEquals("-- prog \"two words\" \"\"", KernelCommandLine.of("", EntryPath.AUTO, List.of("prog", "two words", "")));
    }

    @Test
    void refusesWhatTheKernelCannotParse() {
        assertThrows(JvmmException.class, () -> KernelCommandLine.of("", EntryPath.AUTO, List.of("prog", "say \"hi\"")));
        JvmmException e = assertThrows(JvmmException.class, () -> KernelCommandLine.of("a -- b", EntryPath.AUTO, List.of("prog")));
        assertEquals("the kernel command line may not hold the word \"--\" when a program is given: what follows \"--\" "
                + "is the program's argv", e.getMessage());
        assertEquals("a -- b", KernelCommandLine.of("a -- b", EntryPath.AUTO, List.of()));
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
        String fits = "x".repeat(PvhBoot.CMDLINE_MAX - "-- p".length());
        assertEquals("-- p " + fits.substring(1), KernelCommandLine.of("", EntryPath.AUTO, List.of("p", fits.substring(1))));
        JvmmException e = assertThrows(JvmmException.class, () -> KernelCommandLine.of("", EntryPath.SYSCALL, List.of("p", fits)));
        int length = "entry=syscall -- p ".length() + fits.length();
        assertEquals("the guest kernel's command line would be " + length + " bytes, and at most " + PvhBoot.CMDLINE_MAX
                + " fit: the program and its arguments take " + (length - "entry=syscall".length())
                + " bytes of it, the kernel's words " + "entry=syscall".length(), e.getMessage());
    }
}
