package dev.jvmm.vmm.devices;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ExitDeviceTest {
    @Test
    void bothPortsEndTheRunWithTheValueWritten() {
        List<Integer> statuses = new ArrayList<>();
        ExitDevice exit = new ExitDevice(statuses::add);
        IoBus bus = new IoBus();
        bus.register(ExitDevice.PORT, 1, exit);
        bus.register(ExitDevice.TEST_PORT, ExitDevice.TEST_PORT_SIZE, exit);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(4);
            data.set(JAVA_INT_UNALIGNED, 0, 0x23);
            bus.write(0xf4, 4, 1, data);                        // outl, as kvm-unit-tests exit
            data.set(JAVA_BYTE, 0, (byte) 7);
            bus.write(0x501, 1, 1, data);
            data.set(JAVA_INT_UNALIGNED, 0, 0x1ff);
            bus.write(0xf4, 2, 1, data);
        }
        assertEquals(List.of(0x23, 7, 0xff), statuses, "the low 8 bits: a process exit status");
        assertEquals(java.util.Map.of(), bus.unclaimedAccesses());
    }
}
