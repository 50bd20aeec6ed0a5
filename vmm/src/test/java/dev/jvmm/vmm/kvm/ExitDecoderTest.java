package dev.jvmm.vmm.kvm;

import dev.jvmm.kvm.kvm_run;
import dev.jvmm.vmm.devices.ExitDevice;
import dev.jvmm.vmm.devices.IoBus;
import dev.jvmm.vmm.devices.MmioBus;
import dev.jvmm.vmm.devices.Serial16550;
import dev.jvmm.vmm.devices.MmioDevice;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.Map;

import static dev.jvmm.kvm.kvm_h.KVM_EXIT_IO;
import static dev.jvmm.kvm.kvm_h.KVM_EXIT_IO_OUT;
import static dev.jvmm.kvm.kvm_h.KVM_EXIT_MMIO;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MMIO exits decoded from a kvm_run page as KVM fills it, without KVM. */
class ExitDecoderTest {

    /** An MMIO exit's way from the kvm_run page to a device allocates nothing, as a port exit's does. */
    @Test
    void decodingAndDispatchingAnMmioExitAllocatesNothing() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment run = arena.allocate(kvm_run.layout());
            ExitDecoder decoder = new ExitDecoder(run);
            MmioBus bus = new MmioBus();
            long[] seen = new long[1];
            bus.register(0xd000_0000L, 0x200, new MmioDevice() {
                public int write(long offset, MemorySegment data) {
                    seen[0] += offset;
                    return RUN;
                }

                public void read(long offset, MemorySegment data) {
                    data.set(JAVA_INT_UNALIGNED, 0, (int) offset);
                }
            });
            kvm_run.exit_reason(run, KVM_EXIT_MMIO);
            MemorySegment mmio = kvm_run.mmio(run);
            kvm_run.mmio.len(mmio, 4);
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = 0;
            for (int round = 0; round < 2; round++) {          // the first round warms up the compiler
                before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 100_000; i++) {
                    kvm_run.mmio.phys_addr(mmio, 0xd000_0000L + 4 * (i & 7));
                    kvm_run.mmio.is_write(mmio, (byte) (i & 1));
                    switch (decoder.decode()) {
                        case VcpuExit.MmioWrite(long address, MemorySegment data) -> bus.write(address, data);
                        case VcpuExit.MmioRead(long address, MemorySegment data) -> bus.read(address, data);
                        default -> throw new AssertionError();
                    }
                }
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertTrue(allocated < 100_000, allocated + " bytes for 100,000 MMIO exits");
            assertTrue(seen[0] > 0);
        }
    }

    /**
     * A port write's way from the kvm_run page through the bus to the UART, and the exit device's
     * status back out, allocate nothing: the run loop's per-exit cost has no garbage in it.
     */
    @Test
    void decodingAndDispatchingAPortExitAllocatesNothing() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment run = arena.allocate(kvm_run.layout().byteSize() + 16, 8);
            ExitDecoder decoder = new ExitDecoder(run);
            IoBus bus = new IoBus();
            bus.register(Serial16550.COM1, Serial16550.PORT_COUNT, new Serial16550(OutputStream.nullOutputStream()));
            bus.register(ExitDevice.PORT, 1, new ExitDevice());
            kvm_run.exit_reason(run, KVM_EXIT_IO);
            MemorySegment io = kvm_run.io(run);
            kvm_run.io.direction(io, (byte) KVM_EXIT_IO_OUT);
            kvm_run.io.size(io, (byte) 1);
            kvm_run.io.count(io, 1);
            kvm_run.io.data_offset(io, kvm_run.layout().byteSize());
            run.set(JAVA_BYTE, kvm_run.layout().byteSize(), (byte) 'x');
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = 0;
            long stops = 0;
            for (int round = 0; round < 2; round++) {          // the first round warms up the compiler
                before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 100_000; i++) {
                    kvm_run.io.port(io, (short) ((i & 15) == 0 ? ExitDevice.PORT : Serial16550.COM1));
                    if (decoder.decode() instanceof VcpuExit.IoOut(int port, int size, int count, MemorySegment data)
                            && bus.write(port, size, count, data) == 'x') {
                        stops++;
                    }
                }
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertTrue(allocated < 100_000, allocated + " bytes for 100,000 port exits");
            assertEquals(2 * 100_000 / 16, stops, "every write to the exit device ends the run with its byte");
            assertEquals(Map.of(), bus.unclaimedAccesses());
        }
    }

    @Test
    void mmioExitsAreDecodedWithoutAllocatingForARepeatedAccess() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment run = arena.allocate(kvm_run.layout());
            ExitDecoder decoder = new ExitDecoder(run);
            kvm_run.exit_reason(run, KVM_EXIT_MMIO);
            MemorySegment mmio = kvm_run.mmio(run);
            kvm_run.mmio.phys_addr(mmio, 0xd000_0050L);
            kvm_run.mmio.len(mmio, 4);
            kvm_run.mmio.is_write(mmio, (byte) 1);
            kvm_run.mmio.data(mmio).set(JAVA_INT_UNALIGNED, 0, 6);
            VcpuExit.MmioWrite write = assertInstanceOf(VcpuExit.MmioWrite.class, decoder.decode());
            assertEquals(0xd000_0050L, write.address());
            assertEquals(4, write.data().byteSize());
            assertEquals(6, write.data().get(JAVA_INT_UNALIGNED, 0));
            assertSame(write, decoder.decode(), "the same access again: the same record");
            kvm_run.mmio.data(mmio).set(JAVA_INT_UNALIGNED, 0, 7);
            assertEquals(7, write.data().get(JAVA_INT_UNALIGNED, 0), "its data is a view of the page");

            kvm_run.mmio.is_write(mmio, (byte) 0);
            kvm_run.mmio.len(mmio, 2);
            VcpuExit.MmioRead read = assertInstanceOf(VcpuExit.MmioRead.class, decoder.decode());
            assertEquals(2, read.data().byteSize());
            read.data().fill((byte) 0x5a);
            assertEquals((byte) 0x5a, kvm_run.mmio.data(mmio).get(JAVA_BYTE, 1), "reads fill the page");
            kvm_run.mmio.phys_addr(mmio, 0xd000_0050L + 64 * 4);      // the same cache slot, another address
            VcpuExit.MmioRead other = assertInstanceOf(VcpuExit.MmioRead.class, decoder.decode());
            assertNotSame(read, other);
            assertEquals(0xd000_0050L + 64 * 4, other.address());
        }
    }
}
