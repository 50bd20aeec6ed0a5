package dev.jvmm.vmm.devices;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MmioBusTest {
    private final MmioBus bus = new MmioBus();
    private final List<String> accesses = new ArrayList<>();
    private static final long STOP = 0x40;

    private final MmioDevice recorder = new MmioDevice() {
        @Override
        public int write(long offset, MemorySegment data) {
            accesses.add("w" + offset + ":" + data.byteSize());
            return offset == STOP ? 42 : RUN;
        }

        @Override
        public void read(long offset, MemorySegment data) {
            accesses.add("r" + offset + ":" + data.byteSize());
            data.fill((byte) 0x5a);
        }
    };

    @Test
    void dispatchesInsideWindowsAndCountsTheRest() {
        bus.register(0xd000_0000L, 0x200, recorder);
        bus.register(0xd000_0200L, 0x200, recorder);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment four = arena.allocate(4);
            assertEquals(MmioDevice.RUN, bus.write(0xd000_0070L, four));
            bus.read(0xd000_0204L, four);
            assertEquals(0x5a, four.get(JAVA_BYTE, 0));
            bus.read(0xd000_01feL, four);                 // straddles the first window's end
            assertEquals((byte) 0xff, four.get(JAVA_BYTE, 3));
            assertEquals(MmioDevice.RUN, bus.write(0xcfff_fffcL, four));
            bus.read(0xe000_0000L, four);
            assertEquals(List.of("w112:4", "r4:4"), accesses);
            assertEquals(3, bus.unclaimedAccesses());
        }
    }

    /** A device ends the run with a status through the bus, as a port device does (the run loop returns it). */
    @Test
    void aDevicesStatusComesBackFromTheBus() {
        bus.register(0xd000_0000L, 0x200, recorder);
        try (Arena arena = Arena.ofConfined()) {
            assertEquals(42, bus.write(0xd000_0000L + STOP, arena.allocate(4)));
        }
    }

    @Test
    void refusesOverlappingWindows() {
        bus.register(0x1000, 0x200, recorder);
        assertThrows(IllegalArgumentException.class, () -> bus.register(0x1100, 0x200, recorder));
        assertThrows(IllegalArgumentException.class, () -> bus.register(0x0f00, 0x101, recorder));
        bus.register(0x1200, 0x200, recorder);
    }
}
