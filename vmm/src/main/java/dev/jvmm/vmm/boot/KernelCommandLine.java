package dev.jvmm.vmm.boot;

import dev.jvmm.vmm.JvmmException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    /** The word "--", where the demo's argv begins. */
    private static final Pattern ARGV = Pattern.compile("(?<=^| )--(?= |$)");

    /** The bundled kernel's {@code test=} words (docs/kernel.md, "Kernel command line"). */
    public static final List<String> TEST_WORDS = List.of("spin", "halt", "triple-fault", "unemulated", "units");

    private KernelCommandLine() {}

    /**
     * Refuses the words of the bundled kernel that it would misread: {@code exit=} outside the
     * exit device's 0-255 (the kernel would write the low byte of 300, or 0 for "abc"),
     * {@code test=} and {@code entry=} values it does not know (it would ignore them). Words
     * after "--" are the demo's argv; other words are left to the kernel.
     */
    public static void checkBundledKernelWords(String userWords) {
        for (String word : userWords.strip().split(" +")) {
            if (word.equals("--")) {
                return;
            }
            int equals = word.indexOf('=');
            String value = equals < 0 ? "" : word.substring(equals + 1);
            switch (equals < 0 ? word : word.substring(0, equals)) {
                case "exit" -> {
                    if (!value.matches("[0-9]{1,3}") || Integer.parseInt(value) > 255) {
                        throw new JvmmException("kernel command line word " + word + ": the exit status is a number "
                                + "from 0 to 255 (the exit device carries one byte)");
                    }
                }
                case "test" -> {
                    if (!TEST_WORDS.contains(value)) {
                        throw new JvmmException("kernel command line word " + word + ": the bundled kernel knows test="
                                + String.join(", test=", TEST_WORDS));
                    }
                }
                case "entry" -> {
                    if (Arrays.stream(EntryPath.values()).noneMatch(path -> path.word().equals(value))) {
                        throw new JvmmException("kernel command line word " + word + ": the entry paths are "
                                + String.join(", ", Arrays.stream(EntryPath.values()).map(EntryPath::word).toList())
                                + " (or use --entry-path)");
                    }
                }
                default -> { }
            }
        }
    }

    /** The command line; with a program, the user's words may not hold "--" (the kernel would ignore its argv). */
    public static String of(String userWords, EntryPath entryPath, boolean program) {
        return of(userWords, entryPath, List.of(), program);
    }

    /**
     * The command line, with {@code copy-out=DIR[,DIR...]} for the directories to copy out at the
     * end (docs/kernel.md, "Copy-out"). jvmm's words go before a "--" of the user's words (the
     * demo's argv), where the kernel still reads them.
     */
    public static String of(String userWords, EntryPath entryPath, List<String> copyOut, boolean program) {
        String user = userWords.strip();                    // the user's spacing kept (a multiboot kernel sees it)
        Matcher argv = ARGV.matcher(user);
        boolean hasArgv = argv.find();
        if (program && hasArgv) {
            throw new JvmmException("the kernel command line may not hold the word \"--\" when a program is given: "
                    + "jvmm passes the program's argv itself (give the arguments after the program)");
        }
        List<String> words = new ArrayList<>();
        String head = hasArgv ? user.substring(0, argv.start()).strip() : user;
        if (!head.isEmpty()) {
            words.add(head);
        }
        if (entryPath != null && entryPath != EntryPath.AUTO) {
            words.add("entry=" + entryPath.word());
        }
        if (!copyOut.isEmpty()) {
            words.add("copy-out=" + String.join(",", copyOut));
        }
        if (hasArgv) {
            words.add(user.substring(argv.start()).strip());
        }
        String line = String.join(" ", words);
        int length = line.getBytes(StandardCharsets.UTF_8).length;
        if (length > PvhBoot.CMDLINE_MAX) {
            throw new JvmmException("the guest kernel's command line would be " + length + " bytes, and at most "
                    + PvhBoot.CMDLINE_MAX + " fit: --cmdline is too long");
        }
        return line;
    }
}
