package dev.jvmm.vmm.kvm;

import dev.jvmm.kvm.kvm_h;

import java.lang.foreign.MemorySegment;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
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

    /** The KVM_EXIT_* name of an exit reason, for messages. */
    static String reasonName(int reason) {
        for (Field field : kvm_h.class.getFields()) {
            try {
                if (field.getName().startsWith("KVM_EXIT_") && Modifier.isStatic(field.getModifiers())
                        && field.getType() == int.class && field.getInt(null) == reason
                        && !field.getName().startsWith("KVM_EXIT_IO_")) {
                    return field.getName();
                }
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
        return "exit reason " + reason;
    }
}
