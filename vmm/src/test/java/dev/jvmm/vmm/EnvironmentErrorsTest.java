package dev.jvmm.vmm;

import dev.jvmm.vmm.kvm.Kvm;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the library says when the host cannot run jvmm (what jvmm run says: EnvironmentErrorsCommandTest, in the cli module). */
class EnvironmentErrorsTest {
    @Test
    void aDeviceThatIsNotKvmIsNamed() {
        JvmmException e = assertThrows(JvmmException.class, () -> Kvm.open("/dev/null"));
        assertTrue(e.getMessage().startsWith("/dev/null is not a KVM device (KVM_GET_API_VERSION failed: "), e.getMessage());
    }
}
