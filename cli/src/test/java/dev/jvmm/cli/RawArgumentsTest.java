package dev.jvmm.cli;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class RawArgumentsTest {
    private static final byte[] CMDLINE = {'j', 'a', 'v', 'a', 0, '-', 'c', 'p', 0, 'x', 0, 'M', 0,
            'r', 'u', 'n', 0, '-', '-', 0, (byte) 0xff, 'a', 0, 0, (byte) 0xc3, (byte) 0xa9, 0};

    @Test
    void mainsArgumentsAreTheLastOnesWithTheirBytes() {
        List<byte[]> raw = RawArguments.of(List.of("run", "--", "\ufffda", "", "é"), CMDLINE, StandardCharsets.UTF_8);
        assertEquals(5, raw.size());
        assertArrayEquals(new byte[]{(byte) 0xff, 'a'}, raw.get(2));
        assertArrayEquals(new byte[0], raw.get(3));
        assertArrayEquals(new byte[]{(byte) 0xc3, (byte) 0xa9}, raw.get(4));
    }

    @Test
    void inTheCLocaleTooTheBytesAreKept() {
        List<byte[]> raw = RawArguments.of(List.of("\ufffd\ufffd"), CMDLINE, StandardCharsets.US_ASCII);
        assertArrayEquals(new byte[]{(byte) 0xc3, (byte) 0xa9}, raw.getFirst());
    }

    @Test
    void argumentsThatAreNotTheProcessesAreTheirUtf8() {
        List<byte[]> raw = RawArguments.of(List.of("run", "x"), CMDLINE, StandardCharsets.UTF_8);
        assertArrayEquals("x".getBytes(StandardCharsets.UTF_8), raw.get(1));
        assertEquals(2, RawArguments.of(List.of("a", "b"), new byte[0], StandardCharsets.UTF_8).size());
    }
}
