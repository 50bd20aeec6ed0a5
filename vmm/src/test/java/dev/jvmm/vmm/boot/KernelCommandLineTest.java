package dev.jvmm.vmm.boot;

import dev.jvmm.vmm.JvmmException;
import dev.jvmm.vmm.boot.KernelCommandLine.EntryPath;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
