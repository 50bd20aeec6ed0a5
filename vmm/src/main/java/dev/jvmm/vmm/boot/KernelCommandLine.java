package dev.jvmm.vmm.boot;

import dev.jvmm.vmm.JvmmException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The guest kernel's command line, as jvmm's kernel reads it: the user's words, then
 * {@code entry=PATH} when a path is forced, then {@code -- ARGV...} for the program (as Linux
 * passes what follows "--" to init). The kernel splits words at spaces; a word with spaces is
 * written in double quotes, so a double quote itself cannot be passed.
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

    public static String of(String userWords, EntryPath entryPath, List<String> programArgv) {
        List<String> words = new ArrayList<>();
        if (!programArgv.isEmpty() && List.of(userWords.strip().split(" +")).contains("--")) {
            throw new JvmmException("the kernel command line may not hold the word \"--\" when a program is given: "
                    + "what follows \"--\" is the program's argv");
        }
        if (!userWords.isBlank()) {
            words.add(userWords.strip());
        }
        if (entryPath != null && entryPath != EntryPath.AUTO) {
            words.add("entry=" + entryPath.word());
        }
        if (!programArgv.isEmpty()) {
            words.add("--");
            for (String arg : programArgv) {
                words.add(quote(arg));
            }
        }
        return String.join(" ", words);
    }

    private static String quote(String arg) {
        if (arg.indexOf('"') >= 0) {
            throw new JvmmException("program argument " + arg + " contains a double quote, which the guest kernel's "
                    + "command line cannot carry");
        }
        return arg.isEmpty() || arg.indexOf(' ') >= 0 ? '"' + arg + '"' : arg;
    }
}
