package dev.jvmm.vmm.kvm;

import dev.jvmm.kvm.kvm_run;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static dev.jvmm.kvm.kvm_h.*;

/**
 * Reads the exit KVM_RUN left in one vCPU's kvm_run page: the one place that reads the exit
 * union. It allocates nothing for the exits a VMM takes by the million: a single-byte port
 * access is an interned record per port (KVM puts PIO data at a fixed offset of the page,
 * KVM_PIO_PAGE_OFFSET), and an MMIO access an interned record per address and width (its data
 * lies in the page's mmio.data), so the hot path of the run loop stays allocation-free.
 */
final class ExitDecoder {
    private static final long EXIT_REASON = kvm_run.exit_reason$offset();
    private static final long IO = kvm_run.io$offset();
    private static final long IO_DIRECTION = IO + kvm_run.io.direction$offset();
    private static final long IO_SIZE = IO + kvm_run.io.size$offset();
    private static final long IO_PORT = IO + kvm_run.io.port$offset();
    private static final long IO_COUNT = IO + kvm_run.io.count$offset();
    private static final long IO_DATA_OFFSET = IO + kvm_run.io.data_offset$offset();
    private static final long MMIO = kvm_run.mmio$offset();
    private static final long MMIO_ADDRESS = MMIO + kvm_run.mmio.phys_addr$offset();
    private static final long MMIO_LENGTH = MMIO + kvm_run.mmio.len$offset();
    private static final long MMIO_IS_WRITE = MMIO + kvm_run.mmio.is_write$offset();
    private static final int PORT_CACHE = 256;
    private static final int MMIO_CACHE = 64;
    private static final int MMIO_DATA_MAX = 8;

    private final MemorySegment run;
    private long byteDataOffset = -1;
    private MemorySegment byteData;
    private final VcpuExit.IoOut[] byteOuts = new VcpuExit.IoOut[PORT_CACHE];
    private final VcpuExit.IoIn[] byteIns = new VcpuExit.IoIn[PORT_CACHE];
    /** mmio.data as 1 to 8 bytes: its views, made once. */
    private final MemorySegment[] mmioData = new MemorySegment[MMIO_DATA_MAX + 1];
    private final VcpuExit.MmioWrite[] mmioWrites = new VcpuExit.MmioWrite[MMIO_CACHE];
    private final VcpuExit.MmioRead[] mmioReads = new VcpuExit.MmioRead[MMIO_CACHE];

    ExitDecoder(MemorySegment run) {
        this.run = run;
        MemorySegment data = kvm_run.mmio.data(kvm_run.mmio(run));
        for (int length = 1; length <= MMIO_DATA_MAX; length++) {
            mmioData[length] = data.asSlice(0, length);
        }
    }

    VcpuExit decode() {
        int reason = run.get(kvm_run.exit_reason$layout(), EXIT_REASON);
        return reason == KVM_EXIT_IO ? io() : other(reason);
    }

    private VcpuExit io() {
        boolean out = run.get(kvm_run.io.direction$layout(), IO_DIRECTION) == KVM_EXIT_IO_OUT;
        int size = Byte.toUnsignedInt(run.get(kvm_run.io.size$layout(), IO_SIZE));
        int port = Short.toUnsignedInt(run.get(kvm_run.io.port$layout(), IO_PORT));
        int count = run.get(kvm_run.io.count$layout(), IO_COUNT);
        long dataOffset = run.get(kvm_run.io.data_offset$layout(), IO_DATA_OFFSET);
        if (size != 1 || count != 1) {
            MemorySegment data = run.asSlice(dataOffset, (long) size * count);
            return out ? new VcpuExit.IoOut(port, size, count, data) : new VcpuExit.IoIn(port, size, count, data);
        }
        if (dataOffset != byteDataOffset) {
            byteDataOffset = dataOffset;
            byteData = run.asSlice(dataOffset, 1);
            Arrays.fill(byteOuts, null);
            Arrays.fill(byteIns, null);
        }
        int slot = port & (PORT_CACHE - 1);
        if (out) {
            VcpuExit.IoOut exit = byteOuts[slot];
            if (exit == null || exit.port() != port) {
                exit = byteOuts[slot] = new VcpuExit.IoOut(port, 1, 1, byteData);
            }
            return exit;
        }
        VcpuExit.IoIn exit = byteIns[slot];
        if (exit == null || exit.port() != port) {
            exit = byteIns[slot] = new VcpuExit.IoIn(port, 1, 1, byteData);
        }
        return exit;
    }

    private VcpuExit mmio() {
        long address = run.get(kvm_run.mmio.phys_addr$layout(), MMIO_ADDRESS);
        int length = Math.clamp(run.get(kvm_run.mmio.len$layout(), MMIO_LENGTH), 1, MMIO_DATA_MAX);
        MemorySegment data = mmioData[length];
        int slot = (int) (address >>> 2) & (MMIO_CACHE - 1);
        if (run.get(kvm_run.mmio.is_write$layout(), MMIO_IS_WRITE) != 0) {
            VcpuExit.MmioWrite exit = mmioWrites[slot];
            if (exit == null || exit.address() != address || exit.data() != data) {
                exit = mmioWrites[slot] = new VcpuExit.MmioWrite(address, data);
            }
            return exit;
        }
        VcpuExit.MmioRead exit = mmioReads[slot];
        if (exit == null || exit.address() != address || exit.data() != data) {
            exit = mmioReads[slot] = new VcpuExit.MmioRead(address, data);
        }
        return exit;
    }

    private VcpuExit other(int reason) {
        return switch (reason) {
            case KVM_EXIT_MMIO -> mmio();
            case KVM_EXIT_HLT -> new VcpuExit.Hlt();
            case KVM_EXIT_SHUTDOWN -> new VcpuExit.Shutdown();
            case KVM_EXIT_FAIL_ENTRY -> {
                MemorySegment failEntry = kvm_run.fail_entry(run);
                yield new VcpuExit.FailEntry(kvm_run.fail_entry.hardware_entry_failure_reason(failEntry),
                        kvm_run.fail_entry.cpu(failEntry));
            }
            case KVM_EXIT_INTERNAL_ERROR -> {
                MemorySegment internal = kvm_run.internal(run);
                long[] data = new long[Math.min(kvm_run.internal.ndata(internal), 16)];
                for (int i = 0; i < data.length; i++) {
                    data[i] = kvm_run.internal.data(internal, i);
                }
                yield new VcpuExit.InternalError(kvm_run.internal.suberror(internal), data);
            }
            case KVM_EXIT_SYSTEM_EVENT -> new VcpuExit.SystemEvent(kvm_run.system_event.type(kvm_run.system_event(run)));
            default -> new VcpuExit.Unhandled(reason);
        };
    }
}
