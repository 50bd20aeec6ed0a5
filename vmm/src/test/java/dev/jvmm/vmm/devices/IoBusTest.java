package dev.jvmm.vmm.devices;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
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
    void dispatchesByPortWithOffsetsAndRepeatsStringIo() {
        bus.register(0x100, 4, recorder);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(4);
            data.set(JAVA_BYTE, 0, (byte) 0xab);
            data.set(JAVA_BYTE, 1, (byte) 0xcd);
            bus.write(0x102, 1, 2, data);
            bus.write(0x100, 2, 1, data);
            assertEquals(List.of("2:1:ab", "2:1:cd", "0:2:cdab"), writes);

            bus.read(0x103, 2, 2, data);
            assertEquals(0x1203, data.get(JAVA_SHORT_UNALIGNED, 0));
            assertEquals(0x1203, data.get(JAVA_SHORT_UNALIGNED, 2));
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
        }
        assertEquals(Map.of(0x80, 2L, 0x61, 1L), bus.unclaimedAccesses());
    }

    @Test
    void refusesOverlappingDevices() {
        bus.register(0x3f8, 8, recorder);
        assertThrows(IllegalArgumentException.class, () -> bus.register(0x3ff, 1, recorder));
    }
}
