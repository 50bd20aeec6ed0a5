package dev.jvmm.vmm.kvm;

import dev.jvmm.junit.JvmmTest;
import dev.jvmm.kvm.kvm_cpuid_entry2;
import dev.jvmm.vmm.JvmmException;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import static dev.jvmm.kvm.kvm_h.KVM_API_VERSION;
import static dev.jvmm.kvm.kvm_h.KVM_CAP_USER_MEMORY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@JvmmTest
class KvmTest {
    @Test
    void opensKvmAndReadsItsApi() {
        try (Kvm kvm = Kvm.open(); Arena arena = Arena.ofConfined()) {
            assertEquals(KVM_API_VERSION, kvm.apiVersion());
            assertTrue(kvm.checkExtension(KVM_CAP_USER_MEMORY) > 0);
            assertTrue(kvm.vcpuMmapSize() >= 4096);
            Cpuid cpuid = kvm.supportedCpuid(arena);
            assertTrue(cpuid.count() > 4);
            MemorySegment kvmLeaf = cpuid.find(0x40000000, 0);
            assertNotNull(kvmLeaf, "KVM's own CPUID leaf 0x40000000");
            byte[] signature = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN)
                    .putInt(kvm_cpuid_entry2.ebx(kvmLeaf)).putInt(kvm_cpuid_entry2.ecx(kvmLeaf)).putInt(kvm_cpuid_entry2.edx(kvmLeaf)).array();
            assertEquals("KVMKVMKVM\0\0\0", new String(signature, StandardCharsets.US_ASCII));
            assertNotNull(cpuid.find(0x40000001, 0), "KVM feature leaf 0x40000001");
        }
    }

    @Test
    void aCpuidCopyAnswersALeafKvmLacksAndReplacesOneItHas() {
        try (Kvm kvm = Kvm.open(); Arena arena = Arena.ofConfined()) {
            Cpuid supported = kvm.supportedCpuid(arena);
            assertNull(supported.find(0x40000010, 0), "KVM states no timing leaf of its own");
            Cpuid timed = supported.with(arena, 0x40000010, 2_000_000, 1_000_000, 0, 0);
            assertEquals(supported.count() + 1, timed.count());
            assertEquals(1_000_000, kvm_cpuid_entry2.ebx(timed.find(0x40000010, 0)));
            Cpuid replaced = timed.with(arena, 0x40000001, 1, 2, 3, 4);
            assertEquals(timed.count(), replaced.count());
            MemorySegment leaf = replaced.find(0x40000001, 0);
            assertEquals(List.of(1, 2, 3, 4), List.of(kvm_cpuid_entry2.eax(leaf), kvm_cpuid_entry2.ebx(leaf),
                    kvm_cpuid_entry2.ecx(leaf), kvm_cpuid_entry2.edx(leaf)));
            assertEquals(kvm_cpuid_entry2.ebx(supported.find(0x40000000, 0)), kvm_cpuid_entry2.ebx(replaced.find(0x40000000, 0)));
        }
    }

    @Test
    void aFailedIoctlNamesItselfAndItsErrno() {
        try (Kvm kvm = Kvm.open(); Vm vm = kvm.createVm()) {
            vm.createVcpu(0).close();
            KvmException e = assertThrows(KvmException.class, () -> vm.createVcpu(0));
            assertEquals("KVM_CREATE_VCPU", e.operation());
            assertEquals(17, e.errno(), "EEXIST: vCPU 0 exists already");
            assertEquals("KVM_CREATE_VCPU failed: File exists (errno 17)", e.getMessage());
        }
    }

    @Test
    void aMissingDeviceSaysSo() {
        JvmmException e = assertThrows(JvmmException.class, () -> Kvm.open("/dev/no-such-kvm"));
        assertTrue(e.getMessage().startsWith("cannot open /dev/no-such-kvm: no such device; this host has no KVM"), e.getMessage());
    }
}
