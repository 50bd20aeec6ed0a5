package dev.jvmm.api;

import java.util.Map;
import java.util.TreeMap;

import static dev.jvmm.kvm.kvm_h.KVM_CLOCK_HOST_TSC;
import static dev.jvmm.kvm.kvm_h.KVM_CLOCK_REALTIME;
import static dev.jvmm.kvm.kvm_h.KVM_CLOCK_TSC_STABLE;

/**
 * The paravirtual clock as the host offered it to the guest.
 *
 * @param adjustClockFlags KVM_CAP_ADJUST_CLOCK's flags: KVM_CLOCK_TSC_STABLE (0x2),
 *                         KVM_CLOCK_REALTIME (0x4), KVM_CLOCK_HOST_TSC (0x8)
 * @param tscKhz           the guest TSC's rate (KVM_GET_TSC_KHZ)
 * @param tscStable        whether the guest's kvmclock is TSC-stable (KVM_GET_CLOCK's
 *                         KVM_CLOCK_TSC_STABLE: the host's KVM runs its master clock); without
 *                         it the guest kernel's vDSO reads the time through a system call
 */
public record HostClock(int adjustClockFlags, long tscKhz, boolean tscStable) {
    private static final Map<Integer, String> ADJUST_CLOCK_FLAGS = new TreeMap<>(Map.of(
            KVM_CLOCK_TSC_STABLE, "TSC_STABLE", KVM_CLOCK_REALTIME, "REALTIME", KVM_CLOCK_HOST_TSC, "HOST_TSC"));

    /** One line, as {@code jvmm run -v} prints it. */
    public String describe() {
        StringBuilder flags = new StringBuilder();
        for (Map.Entry<Integer, String> flag : ADJUST_CLOCK_FLAGS.entrySet()) {
            if ((adjustClockFlags & flag.getKey()) != 0) {
                flags.append(flags.isEmpty() ? "" : " ").append(flag.getValue());
            }
        }
        return "KVM clock: KVM_CAP_ADJUST_CLOCK 0x" + Integer.toHexString(adjustClockFlags)
                + " (" + (flags.isEmpty() ? "none" : flags) + "), guest TSC " + tscKhz + " kHz, "
                + (tscStable ? "TSC-stable" : "not TSC-stable (no master clock on the host: the vDSO makes system calls)");
    }
}
