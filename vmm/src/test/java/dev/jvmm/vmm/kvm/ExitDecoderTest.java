package dev.jvmm.vmm.kvm;

import dev.jvmm.kvm.kvm_run;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static dev.jvmm.kvm.kvm_h.KVM_EXIT_MMIO;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/** MMIO exits decoded from a kvm_run page as KVM fills it, without KVM. */
class ExitDecoderTest {

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
