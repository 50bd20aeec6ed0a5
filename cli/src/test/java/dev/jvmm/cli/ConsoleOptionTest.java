package dev.jvmm.cli;

import dev.jvmm.cli.JvmmUsageTest.Result;
import dev.jvmm.vmm.MultibootKernels;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.jvmm.cli.JvmmUsageTest.jvmm;

/** {@code jvmm run --console}, parsed in this JVM: what it accepts and refuses before anything boots. */
class ConsoleOptionTest {
    @Test
    void anUnknownKindIsRefusedWithTheKinds() {
        assertEquals(new Result(125, "", "jvmm: Invalid value for option '--console': expected one of [AUTO, VIRTIO, SERIAL] "
                + "(case-insensitive) but was 'hvc0' (see 'jvmm run --help')\n"), jvmm("run", "--console", "hvc0"));
    }

    @Test
    void aMultibootKernelCannotHaveTheVirtioConsole() throws Exception {
        String kernel = MultibootKernels.path(MultibootKernels.ELF32).toString();
        Result result = jvmm("run", "--console", "virtio", kernel);
        assertEquals(125, result.status(), result.err());
        assertEquals("jvmm: the virtio console is for PVH images; " + kernel + " is a multiboot kernel, whose console is COM1 "
                + "(use the serial console)\n", result.err());
        assertEquals("", result.out());
    }

    @Test
    void helpDescribesTheConsolesAndTheStreams() {
        Result help = jvmm("run", "--help");
        assertEquals(0, help.status());
        String text = help.out().replaceAll("\\s+", " ");
        for (String part : new String[] {"[--console=KIND]", "--console=KIND", "virtio (a virtio console",
                "standard output carries exactly the program's stdout", "with --verbose"}) {
            assertTrue(text.contains(part), part + " in:\n" + help.out());
        }
    }
}
