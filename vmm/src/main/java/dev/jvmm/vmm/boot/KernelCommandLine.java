package dev.jvmm.vmm.boot;

import dev.jvmm.vmm.JvmmException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The guest kernel's command line, as jvmm writes it: the user's words, then {@code entry=PATH}
 * when a path is forced. The program's argv and environment travel in an {@link ArgumentBlock},
 * not here; the kernel's other form, {@code -- ARGV...} on the command line, is for a bare
 * program under QEMU (docs/kernel.md).
 */
public final class KernelCommandLine {
    /** The system-call entry paths the kernel can be told to use for its gate. */
    public enum EntryPath {
        AUTO, SYSCALL, SYSENTER, INT80;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private KernelCommandLine() {}

    /** The command line; with a program, the user's words may not hold "--" (the kernel would ignore its argv). */
    public static String of(String userWords, EntryPath entryPath, boolean program) {
        List<String> words = new ArrayList<>();
        if (program && List.of(userWords.strip().split(" +")).contains("--")) {
            throw new JvmmException("the kernel command line may not hold the word \"--\" when a program is given: "
                    + "jvmm passes the program's argv itself (give the arguments after the program)");
        }
        if (!userWords.isBlank()) {
            words.add(userWords.strip());
        }
        if (entryPath != null && entryPath != EntryPath.AUTO) {
            words.add("entry=" + entryPath.word());
        }
        return String.join(" ", words);
    }
}
