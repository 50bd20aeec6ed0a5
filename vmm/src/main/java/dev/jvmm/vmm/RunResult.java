package dev.jvmm.vmm;

import dev.jvmm.vmm.kvm.VcpuExit;

import java.time.Duration;
import java.util.Map;

/**
 * How a run ended, with what the VMM counted on the way: the VMM's own record, which
 * {@link dev.jvmm.api.MicroVm} turns into the API's {@link dev.jvmm.api.VmResult}.
 *
 * @param exits the VM exits handled (each return from KVM_RUN)
 * @param clock the paravirtual clock the host offered the guest
 */
public record RunResult(Outcome outcome, ExitStatistics exits, Duration elapsed, HostClock clock) {

    /**
     * @param total          every return from KVM_RUN
     * @param byKind         by kind of exit
     * @param byPort         port-I/O exits by port
     * @param unclaimedPorts accesses to I/O ports no device claims, by port
     * @param unclaimedMmio  MMIO accesses no device claims
     */
    public record ExitStatistics(long total, Map<VcpuExit.Kind, Long> byKind, Map<Integer, Long> byPort,
                                 Map<Integer, Long> unclaimedPorts, long unclaimedMmio) {}

    /**
     * The KVM clock as the host offers it: KVM_CAP_ADJUST_CLOCK's flags, the guest TSC's rate
     * (KVM_GET_TSC_KHZ), and whether the guest's kvmclock is TSC-stable (KVM_GET_CLOCK).
     */
    public record HostClock(int adjustClockFlags, long tscKhz, boolean tscStable) {}

    public sealed interface Outcome {
        /** The process exit status {@code jvmm run} reports for this outcome. */
        int exitStatus();
    }

    /** The guest wrote {@code status} to the exit device. */
    public record Exited(int status) implements Outcome {
        public int exitStatus() {
            return status;
        }
    }

    /** {@code --timeout} expired and the vCPU was stopped. */
    public record TimedOut(Duration timeout) implements Outcome {
        public static final int EXIT_STATUS = 124;

        public int exitStatus() {
            return EXIT_STATUS;
        }
    }

    /** The guest kernel can go no further (triple fault, entry failure, KVM internal error, ...). */
    public record GuestDied(String reason, String registers) implements Outcome {
        public static final int EXIT_STATUS = 126;

        public int exitStatus() {
            return EXIT_STATUS;
        }
    }
}
