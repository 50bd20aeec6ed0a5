package dev.jvmm.vmm.boot;

import dev.jvmm.vmm.JvmmException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

public class ArgumentBlockTest {
    /** What a reader of docs/boot-protocol.md finds in a block: argv and envp, and where the program starts. */
    public record Decoded(List<String> argv, List<String> envp, int programOffset) {}

    public static Decoded decode(byte[] module) {
        ByteBuffer in = ByteBuffer.wrap(module).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("JVMMARGS", new String(module, 0, 8, StandardCharsets.US_ASCII));
        assertEquals(1, in.getInt(8));
        int argc = in.getInt(12);
        int envc = in.getInt(16);
        int strings = in.getInt(20);
        int size = in.getInt(24);
        assertEquals(0, in.getInt(28));
        assertEquals(0, size % 4096);
        int area = 32 + 4 * (argc + envc);
        assertEquals(0, module[area + strings - 1], "the strings area ends in a NUL");
        List<String> all = new ArrayList<>();
        for (int i = 0; i < argc + envc; i++) {
            int start = area + in.getInt(32 + 4 * i);
            int end = start;
            while (module[end] != 0) {
                end++;
            }
            all.add(new String(module, start, end - start, StandardCharsets.UTF_8));
        }
        return new Decoded(all.subList(0, argc), all.subList(argc, all.size()), size);
    }

    @Test
    void holdsEveryByteButNulAndPutsTheProgramOnAPageBoundary() {
        List<String> argv = List.of("prog", "say \"hi\"", "back\\slash", "", "two words", "line\nbreak", "héllo 日本");
        List<String> envp = List.of("PATH=/bin", "EMPTY=", "Q=\"'");
        byte[] program = {0x7f, 'E', 'L', 'F', 1, 2, 3};
        byte[] module = ArgumentBlock.of(argv, envp).module(program);
        Decoded decoded = decode(module);
        assertEquals(argv, decoded.argv());
        assertEquals(envp, decoded.envp());
        assertEquals(4096, decoded.programOffset());
        assertArrayEquals(program, Arrays.copyOfRange(module, decoded.programOffset(), module.length));
        assertEquals(4096, ArgumentBlock.of(argv, envp).bytes().length, "without a program, the block alone");
    }

    @Test
    void carriesBytesThatAreNotUtf8() {
        byte[] raw = {(byte) 0xff, (byte) 0x80, 'x', 1};
        byte[] block = ArgumentBlock.ofBytes(List.of("p".getBytes(StandardCharsets.US_ASCII), raw), List.of()).bytes();
        int area = 32 + 4 * 2;
        assertArrayEquals(new byte[]{'p', 0, (byte) 0xff, (byte) 0x80, 'x', 1, 0}, Arrays.copyOfRange(block, area, area + 7));
    }

    @Test
    void aThousandArgumentsAndTheLargestStringSpanPages() {
        List<String> argv = new ArrayList<>(List.of("prog"));
        for (int i = 0; i < 1000; i++) {
            argv.add("argument " + i);
        }
        argv.add("x".repeat(ArgumentBlock.MAX_ARG_STRLEN - 1));
        Decoded decoded = decode(ArgumentBlock.of(argv, List.of("A=1")).bytes());
        assertEquals(argv, decoded.argv());
        assertEquals(List.of("A=1"), decoded.envp());
    }

    @Test
    void refusesWhatLinuxsExecveRefuses() {
        JvmmException tooLong = assertThrows(JvmmException.class,
                () -> ArgumentBlock.of(List.of("prog", "x".repeat(ArgumentBlock.MAX_ARG_STRLEN)), List.of()));
        assertEquals("argv[1] is 131073 bytes with its NUL; Linux's execve takes at most 131072 per string "
                + "(MAX_ARG_STRLEN): argument list too long", tooLong.getMessage());
        JvmmException longVariable = assertThrows(JvmmException.class,
                () -> ArgumentBlock.of(List.of("prog"), List.of("BIG=" + "x".repeat(ArgumentBlock.MAX_ARG_STRLEN))));
        assertEquals("environment variable BIG is 131077 bytes with its NUL; Linux's execve takes at most 131072 per string "
                + "(MAX_ARG_STRLEN): argument list too long", longVariable.getMessage());

        // 16 strings of 128 KiB are 2 MiB with their NULs, and their pointers do not fit beside them.
        List<String> sixteen = Collections.nCopies(16, "y".repeat(ArgumentBlock.MAX_ARG_STRLEN - 1));
        JvmmException total = assertThrows(JvmmException.class, () -> ArgumentBlock.of(sixteen, List.of()));
        assertEquals("argv and the environment take 2097280 bytes (16 arguments, 0 variables: their strings and 8-byte "
                + "pointers); Linux's execve takes at most 2097152 (a quarter of the 8 MiB stack limit): argument list too long",
                total.getMessage());
        // Exactly the limit is accepted: 15 such strings and one that leaves room for the 16 pointers.
        List<String> exact = new ArrayList<>(sixteen.subList(0, 15));
        exact.add("z".repeat(ArgumentBlock.MAX_ARG_STRLEN - 1 - 16 * 8));
        assertEquals(16, decode(ArgumentBlock.of(exact, List.of()).bytes()).argv().size());
    }

    @Test
    void refusesNulBytesAndAnEmptyArgv() {
        assertEquals("argv[2] contains a NUL byte, which a C string cannot hold", assertThrows(JvmmException.class,
                () -> ArgumentBlock.of(List.of("prog", "a", "b\0c"), List.of())).getMessage());
        assertEquals("environment variable X contains a NUL byte, which a C string cannot hold", assertThrows(JvmmException.class,
                () -> ArgumentBlock.of(List.of("prog"), List.of("X=\0"))).getMessage());
        assertEquals("a program needs an argv[0]", assertThrows(JvmmException.class,
                () -> ArgumentBlock.of(List.of(), List.of())).getMessage());
    }
}
