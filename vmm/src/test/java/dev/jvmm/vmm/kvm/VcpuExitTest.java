package dev.jvmm.vmm.kvm;

import dev.jvmm.kvm.kvm_h;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Exit reasons are named as linux/kvm.h names them, not by the first constant with the same value. */
class VcpuExitTest {
    @Test
    void exitReasonsHaveTheirOwnNames() {
        assertEquals("KVM_EXIT_UNKNOWN", VcpuExit.reasonName(0));
        assertEquals("KVM_EXIT_EXCEPTION", VcpuExit.reasonName(1));
        assertEquals("KVM_EXIT_IO", VcpuExit.reasonName(2));
        assertEquals("KVM_EXIT_HYPERCALL", VcpuExit.reasonName(3));
        assertEquals("KVM_EXIT_SHUTDOWN", VcpuExit.reasonName(8));
        assertEquals("KVM_EXIT_INTERNAL_ERROR", VcpuExit.reasonName(17));
        assertEquals("KVM_EXIT_NOTIFY", VcpuExit.reasonName(37));
        assertEquals("exit reason 99", VcpuExit.reasonName(99));
        assertEquals("exit reason -1", VcpuExit.reasonName(-1));
    }

    @Test
    void everyNameIsTheGeneratedConstantOfItsValue() throws ReflectiveOperationException {
        for (int reason = 0; reason < VcpuExit.REASON_NAMES.size(); reason++) {
            String name = VcpuExit.REASON_NAMES.get(reason);
            assertEquals(reason, kvm_h.class.getField(name).getInt(null), name);
        }
    }
}
