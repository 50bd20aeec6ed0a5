package dev.jvmm.vmm.kvm;

import dev.jvmm.kvm.kvm_h;

import java.lang.foreign.MemorySegment;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;


/**
 * Why KVM_RUN returned: the closed set of exits the VMM handles. {@link ExitDecoder} is the one
 * place that reads the {@code kvm_run} exit union. The data of an I/O or MMIO exit is a view of
 * the vCPU's kvm_run page, valid until the vCPU runs again.
 */
public sealed interface VcpuExit {

    /** {@code out} (or {@code outs}): {@code count} items of {@code size} bytes each, in {@code data}. */
    record IoOut(int port, int size, int count, MemorySegment data) implements VcpuExit {}

    /** {@code in} (or {@code ins}): the VMM fills {@code data} before the next KVM_RUN. */
    record IoIn(int port, int size, int count, MemorySegment data) implements VcpuExit {}

    record MmioWrite(long address, MemorySegment data) implements VcpuExit {}

    /** An MMIO read: the VMM fills {@code data} before the next KVM_RUN. */
    record MmioRead(long address, MemorySegment data) implements VcpuExit {}

    /** HLT, with no in-kernel interrupt controller to wait on. */
    record Hlt() implements VcpuExit {}

    /** The guest shut down: a triple fault, on x86. */
    record Shutdown() implements VcpuExit {}

    /** VM entry failed; {@code hardwareReason} is the hardware's reason code. */
    record FailEntry(long hardwareReason, int cpu) implements VcpuExit {}

    /** KVM could not handle the exit itself (KVM_EXIT_INTERNAL_ERROR), e.g. an emulation failure. */
    record InternalError(int suberror, long[] data) implements VcpuExit {}

    record SystemEvent(int type) implements VcpuExit {}

    /** KVM_RUN returned EINTR: the vCPU was kicked out by a signal. */
    record Interrupted() implements VcpuExit {}

    /** An exit reason the VMM does not handle. */
    record Unhandled(int reason) implements VcpuExit {}

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
