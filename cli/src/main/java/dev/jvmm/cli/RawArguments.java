package dev.jvmm.cli;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * jvmm's own arguments as bytes. The JVM decodes its arguments with the locale's charset
 * ({@code sun.jnu.encoding}): a byte that is not text in it (any non-UTF-8 sequence; any
 * non-ASCII byte in the C locale) reaches {@code main} as a replacement character, and a program's
 * argument must not lose it. On Linux, /proc/self/cmdline holds the process's arguments as execve
 * got them, {@code main}'s last: each is taken only if it decodes to the string {@code main} got,
 * else that string's UTF-8 bytes.
 */
final class RawArguments {
    private static final Path CMDLINE = Path.of("/proc/self/cmdline");

    private RawArguments() {}

    /** One byte array per argument of {@code main}. */
    static List<byte[]> of(List<String> args) {
        byte[] cmdline;
        try {
            cmdline = Files.readAllBytes(CMDLINE);
        } catch (IOException | UnsupportedOperationException e) {
            cmdline = new byte[0];
        }
        return of(args, cmdline, Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8")));
    }

    static List<byte[]> of(List<String> args, byte[] cmdline, Charset charset) {
        List<byte[]> entries = new ArrayList<>();
        for (int start = 0, end; start < cmdline.length; start = end + 1) {
            end = start;
            while (end < cmdline.length && cmdline[end] != 0) {
                end++;
            }
            entries.add(Arrays.copyOfRange(cmdline, start, end));
        }
        List<byte[]> tail = entries.subList(Math.max(0, entries.size() - args.size()), entries.size());
        boolean same = tail.size() == args.size();
        for (int i = 0; same && i < args.size(); i++) {
            same = new String(tail.get(i), charset).equals(args.get(i));
        }
        return same ? List.copyOf(tail) : args.stream().map(arg -> arg.getBytes(StandardCharsets.UTF_8)).toList();
    }
}
