package dev.jvmm.vmm.devices;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class IoBusTest {
    private final IoBus bus = new IoBus();
    private final List<String> writes = new ArrayList<>();

    private final PortDevice recorder = new PortDevice() {
        @Override
        public int write(int offset, int size, int value) {
            writes.add(offset + ":" + size + ":" + Integer.toHexString(value));
            return RUN;
        }

        @Override
        public int read(int offset, int size) {
            return 0x1200 + offset;
        }
    };

    @Test
    void aDeviceWithoutStringMethodsSeesEachElement() {
        bus.register(0x100, 4, recorder);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(4);
            data.set(JAVA_BYTE, 0, (byte) 0xab);
            data.set(JAVA_BYTE, 1, (byte) 0xcd);
            bus.write(0x102, 1, 2, data);
            bus.write(0x100, 2, 1, data);
            bus.write(0x101, 2, 2, data);
            assertEquals(List.of("2:1:ab", "2:1:cd", "0:2:cdab", "1:2:cdab", "1:2:0"), writes);

            bus.read(0x103, 2, 2, data);
            assertEquals(0x1203, data.get(JAVA_SHORT_UNALIGNED, 0));
            assertEquals(0x1203, data.get(JAVA_SHORT_UNALIGNED, 2));
        }
    }

    /** A device that takes string I/O whole, and what it was given. */
    private final PortDevice stringDevice = new PortDevice() {
        @Override
        public int write(int offset, int size, int value) {
            writes.add("write " + offset + ":" + size + ":" + Integer.toHexString(value));
            return RUN;
        }

        @Override
        public int read(int offset, int size) {
            writes.add("read " + offset + ":" + size);
            return 0x5a;
        }

        @Override
        public int writeString(int offset, int size, int count, MemorySegment data) {
            writes.add("outs " + offset + ":" + size + ":" + count + " "
                    + new String(data.toArray(JAVA_BYTE), StandardCharsets.ISO_8859_1));
            return 'x';
        }

        @Override
        public void readString(int offset, int size, int count, MemorySegment data) {
            writes.add("ins " + offset + ":" + size + ":" + count);
            for (int i = 0; i < count * size; i++) {
                data.set(JAVA_BYTE, i, (byte) ('a' + i));
            }
        }
    };

    @Test
    void aStringExitIsOneCallWithItsElementsInOrder() {
        bus.register(0x3f8, 8, stringDevice);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(16);
            data.copyFrom(MemorySegment.ofArray("hello".getBytes(StandardCharsets.ISO_8859_1)));
            assertEquals('x', bus.write(0x3f8, 1, 5, data.asSlice(0, 5)), "the device's status comes back");
            assertEquals(List.of("outs 0:1:5 hello"), writes);

            writes.clear();
            bus.read(0x3fd, 2, 3, data.asSlice(0, 6));
            assertEquals(List.of("ins 5:2:3"), writes);
            assertEquals("abcdef", new String(data.asSlice(0, 6).toArray(JAVA_BYTE), StandardCharsets.ISO_8859_1));

            writes.clear();
            bus.write(0x3f8, 1, 1, data);
            bus.read(0x3f9, 1, 1, data);
            assertEquals(List.of("write 0:1:61", "read 1:1"), writes, "a single out or in is not a string");
            assertEquals(0x5a, data.get(JAVA_BYTE, 0));
        }
    }

    @Test
    void countsUnclaimedPortsAndReadsAllOnes() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(4);
            bus.write(0x80, 1, 1, data);
            bus.write(0x80, 1, 1, data);
            bus.read(0x61, 1, 1, data);
            assertEquals((byte) 0xff, data.get(JAVA_BYTE, 0));
            bus.read(0x62, 2, 2, data);
            assertEquals(-1, data.get(JAVA_INT_UNALIGNED, 0), "every element of a string read");
        }
        assertEquals(Map.of(0x80, 2L, 0x61, 1L, 0x62, 2L), bus.unclaimedAccesses());
    }

    @Test
    void refusesOverlappingDevices() {
        bus.register(0x3f8, 8, recorder);
        assertThrows(IllegalArgumentException.class, () -> bus.register(0x3ff, 1, recorder));
    }
}
