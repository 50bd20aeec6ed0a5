package dev.jvmm.vmm.boot;

import dev.jvmm.vmm.JvmmException;
import dev.jvmm.vmm.boot.KernelCommandLine.EntryPath;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
