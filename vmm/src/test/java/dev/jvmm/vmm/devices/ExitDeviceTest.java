package dev.jvmm.vmm.devices;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ExitDeviceTest {
    @Test
    void bothPortsEndTheRunWithTheValueWritten() {
        ExitDevice exit = new ExitDevice();
        IoBus bus = new IoBus();
        bus.register(ExitDevice.PORT, 1, exit);
        bus.register(ExitDevice.TEST_PORT, ExitDevice.TEST_PORT_SIZE, exit);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(4);
            data.set(JAVA_INT_UNALIGNED, 0, 0x23);
            assertEquals(0x23, bus.write(0xf4, 4, 1, data));                  // outl, as kvm-unit-tests exit
            data.set(JAVA_BYTE, 0, (byte) 7);
            assertEquals(7, bus.write(0x501, 1, 1, data));
            data.set(JAVA_INT_UNALIGNED, 0, 0x1ff);
            assertEquals(0xff, bus.write(0xf4, 2, 1, data), "the low 8 bits: a process exit status");
            data.set(JAVA_INT_UNALIGNED, 0, 0);
            assertEquals(0, bus.write(0x501, 1, 1, data), "status 0 ends the run too");
        }
        assertEquals(Map.of(), bus.unclaimedAccesses());
    }

    @Test
    void aStringWriteStopsAtTheDeviceThatEndsTheRun() {
        List<Integer> after = new ArrayList<>();
        IoBus bus = new IoBus();
        bus.register(ExitDevice.PORT, 1, new ExitDevice());
        bus.register(0x80, 1, new PortDevice() {
            @Override
            public int write(int offset, int size, int value) {
                after.add(value);
                return RUN;
            }

            @Override
            public int read(int offset, int size) {
                return 0;
            }
        });
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(3);
            data.set(JAVA_BYTE, 0, (byte) 5);
            data.set(JAVA_BYTE, 1, (byte) 6);
            data.set(JAVA_BYTE, 2, (byte) 7);
            assertEquals(5, bus.write(ExitDevice.PORT, 1, 3, data), "rep outsb: the first byte ends the run");
            assertEquals(PortDevice.RUN, bus.write(0x80, 1, 3, data), "a device that lets the guest run on");
        }
        assertEquals(List.of(5, 6, 7), after);
    }
}
