package dev.jvmm.vmm.kvm;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Locale;


/**
 * Why KVM_RUN returned: the closed set of exits the VMM handles. {@link ExitDecoder} is the one
 * place that reads the {@code kvm_run} exit union. The data of an I/O or MMIO exit is a view of
 * the vCPU's kvm_run page, valid until the vCPU runs again.
 */
public sealed interface VcpuExit {

    /** What kind of exit this is: for statistics and traces. */
    enum Kind {
        IO_OUT, IO_IN, MMIO_WRITE, MMIO_READ, HLT, SHUTDOWN, FAIL_ENTRY, INTERNAL_ERROR, SYSTEM_EVENT, INTERRUPTED, UNHANDLED;

        /** As traces and tables print it: io-out, mmio-read, ... */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    Kind kind();

    /** The I/O port of a port exit; -1 for the others. */
    default int port() {
        return -1;
    }

    /** {@code out} (or {@code outs}): {@code count} items of {@code size} bytes each, in {@code data}. */
    record IoOut(int port, int size, int count, MemorySegment data) implements VcpuExit {
        public Kind kind() {
            return Kind.IO_OUT;
        }
    }

    /** {@code in} (or {@code ins}): the VMM fills {@code data} before the next KVM_RUN. */
    record IoIn(int port, int size, int count, MemorySegment data) implements VcpuExit {
        public Kind kind() {
            return Kind.IO_IN;
        }
    }

    record MmioWrite(long address, MemorySegment data) implements VcpuExit {
        public Kind kind() {
            return Kind.MMIO_WRITE;
        }
    }

    /** An MMIO read: the VMM fills {@code data} before the next KVM_RUN. */
    record MmioRead(long address, MemorySegment data) implements VcpuExit {
        public Kind kind() {
            return Kind.MMIO_READ;
        }
    }

    /** HLT, with no in-kernel interrupt controller to wait on. */
    record Hlt() implements VcpuExit {
        public Kind kind() {
            return Kind.HLT;
        }
    }

    /** The guest shut down: a triple fault, on x86. */
    record Shutdown() implements VcpuExit {
        public Kind kind() {
            return Kind.SHUTDOWN;
        }
    }

    /** VM entry failed; {@code hardwareReason} is the hardware's reason code. */
    record FailEntry(long hardwareReason, int cpu) implements VcpuExit {
        public Kind kind() {
            return Kind.FAIL_ENTRY;
        }
    }

    /** KVM could not handle the exit itself (KVM_EXIT_INTERNAL_ERROR), e.g. an emulation failure. */
    record InternalError(int suberror, long[] data) implements VcpuExit {
        public Kind kind() {
            return Kind.INTERNAL_ERROR;
        }
    }

    record SystemEvent(int type) implements VcpuExit {
        public Kind kind() {
            return Kind.SYSTEM_EVENT;
        }
    }

    /** KVM_RUN returned EINTR: the vCPU was kicked out by a signal. */
    record Interrupted() implements VcpuExit {
        public Kind kind() {
            return Kind.INTERRUPTED;
        }
    }

    /** An exit reason the VMM does not handle. */
    record Unhandled(int reason) implements VcpuExit {
        public Kind kind() {
            return Kind.UNHANDLED;
        }
    }

    Interrupted INTERRUPTED = new Interrupted();

    /**
     * The KVM_EXIT_* names of the exit reasons, indexed by value, as {@code linux/kvm.h} lists them.
     * A fixed table, not a search of {@code kvm_h}: sub-type constants of the same prefix
     * ({@code KVM_EXIT_HYPERV_SYNIC} is 1, as {@code KVM_EXIT_EXCEPTION} is) would name them wrongly.
     */
    List<String> REASON_NAMES = List.of(
            "KVM_EXIT_UNKNOWN", "KVM_EXIT_EXCEPTION", "KVM_EXIT_IO", "KVM_EXIT_HYPERCALL", "KVM_EXIT_DEBUG",
            "KVM_EXIT_HLT", "KVM_EXIT_MMIO", "KVM_EXIT_IRQ_WINDOW_OPEN", "KVM_EXIT_SHUTDOWN", "KVM_EXIT_FAIL_ENTRY",
            "KVM_EXIT_INTR", "KVM_EXIT_SET_TPR", "KVM_EXIT_TPR_ACCESS", "KVM_EXIT_S390_SIEIC", "KVM_EXIT_S390_RESET",
            "KVM_EXIT_DCR", "KVM_EXIT_NMI", "KVM_EXIT_INTERNAL_ERROR", "KVM_EXIT_OSI", "KVM_EXIT_PAPR_HCALL",
            "KVM_EXIT_S390_UCONTROL", "KVM_EXIT_WATCHDOG", "KVM_EXIT_S390_TSCH", "KVM_EXIT_EPR", "KVM_EXIT_SYSTEM_EVENT",
            "KVM_EXIT_S390_STSI", "KVM_EXIT_IOAPIC_EOI", "KVM_EXIT_HYPERV", "KVM_EXIT_ARM_NISV", "KVM_EXIT_X86_RDMSR",
            "KVM_EXIT_X86_WRMSR", "KVM_EXIT_DIRTY_RING_FULL", "KVM_EXIT_AP_RESET_HOLD", "KVM_EXIT_X86_BUS_LOCK",
            "KVM_EXIT_XEN", "KVM_EXIT_RISCV_SBI", "KVM_EXIT_RISCV_CSR", "KVM_EXIT_NOTIFY");

    /** The KVM_EXIT_* name of an exit reason, for messages. */
    static String reasonName(int reason) {
        return reason >= 0 && reason < REASON_NAMES.size() ? REASON_NAMES.get(reason) : "exit reason " + reason;
    }
}
