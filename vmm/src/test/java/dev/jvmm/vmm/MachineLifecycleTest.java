package dev.jvmm.vmm;

import dev.jvmm.vmm.boot.ElfImage;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Building a machine where KVM is not what it should be: the failure says so, and nothing is left open. Runs without KVM. */
class MachineLifecycleTest {
    private static final ElfImage IMAGE = ElfImage.parse("guest.img", BundledImage.bytes());

    private static Machine.Config on(String device) {
        return new Machine.Config(IMAGE, 32L << 20, 1, "exit=3", null, List.of(), null, OutputStream.nullOutputStream(),
                clock -> { }, null, null, device, null);
    }

    @Test
    void theDeviceIsTheOneConfiguredAndAFailedBuildClosesWhatItOpened() throws IOException {
        long before = MachineTest.openFileDescriptors();
        JvmmException missing = assertThrows(JvmmException.class, () -> Machine.create(on("/dev/no-kvm-here")));
        assertTrue(missing.getMessage().startsWith("cannot open /dev/no-kvm-here: no such device"), missing.getMessage());
        JvmmException notKvm = assertThrows(JvmmException.class, () -> Machine.run(on("/dev/null")));
        assertTrue(notKvm.getMessage().startsWith("/dev/null is not a KVM device"), notKvm.getMessage());
        assertEquals(before, MachineTest.openFileDescriptors(), "the device opened for the check is closed again");
    }
}
