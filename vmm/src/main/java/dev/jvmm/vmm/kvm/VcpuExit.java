package dev.jvmm.vmm.kvm;

import dev.jvmm.kvm.kvm_h;
import dev.jvmm.kvm.kvm_run;

import java.lang.foreign.MemorySegment;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

import static dev.jvmm.kvm.kvm_h.*;

/**
 * Why KVM_RUN returned: the closed set of exits the VMM handles. {@link #decode} is the one
 * place that reads the {@code kvm_run} exit union.
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

    static VcpuExit decode(MemorySegment run) {
        int reason = kvm_run.exit_reason(run);
        return switch (reason) {
            case KVM_EXIT_IO -> {
                MemorySegment io = kvm_run.io(run);
                int port = Short.toUnsignedInt(kvm_run.io.port(io));
                int size = Byte.toUnsignedInt(kvm_run.io.size(io));
                int count = kvm_run.io.count(io);
                MemorySegment data = run.asSlice(kvm_run.io.data_offset(io), (long) size * count);
                yield kvm_run.io.direction(io) == KVM_EXIT_IO_OUT
                        ? new IoOut(port, size, count, data)
                        : new IoIn(port, size, count, data);
            }
            case KVM_EXIT_MMIO -> {
                MemorySegment mmio = kvm_run.mmio(run);
                MemorySegment data = kvm_run.mmio.data(mmio).asSlice(0, kvm_run.mmio.len(mmio));
                long address = kvm_run.mmio.phys_addr(mmio);
                yield kvm_run.mmio.is_write(mmio) != 0 ? new MmioWrite(address, data) : new MmioRead(address, data);
            }
            case KVM_EXIT_HLT -> new Hlt();
            case KVM_EXIT_SHUTDOWN -> new Shutdown();
            case KVM_EXIT_FAIL_ENTRY -> {
                MemorySegment failEntry = kvm_run.fail_entry(run);
                yield new FailEntry(kvm_run.fail_entry.hardware_entry_failure_reason(failEntry),
                        kvm_run.fail_entry.cpu(failEntry));
            }
            case KVM_EXIT_INTERNAL_ERROR -> {
                MemorySegment internal = kvm_run.internal(run);
                long[] data = new long[Math.min(kvm_run.internal.ndata(internal), 16)];
                for (int i = 0; i < data.length; i++) {
                    data[i] = kvm_run.internal.data(internal, i);
                }
                yield new InternalError(kvm_run.internal.suberror(internal), data);
            }
            case KVM_EXIT_SYSTEM_EVENT -> new SystemEvent(kvm_run.system_event.type(kvm_run.system_event(run)));
            default -> new Unhandled(reason);
        };
    }

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
