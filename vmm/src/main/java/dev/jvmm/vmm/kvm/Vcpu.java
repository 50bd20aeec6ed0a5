package dev.jvmm.vmm.kvm;

import dev.jvmm.kvm.kvm_mp_state;
import dev.jvmm.kvm.kvm_regs;
import dev.jvmm.kvm.kvm_signal_mask;
import dev.jvmm.kvm.kvm_vcpu_events;
import dev.jvmm.vmm.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static dev.jvmm.kvm.kvm_h.*;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * A vCPU file descriptor and its shared {@code kvm_run} page, mapped once. {@link #run} is the
 * hot path: one preallocated errno segment, and exits decoded without allocation for port I/O.
 *
 * <p>A vCPU belongs to the thread that creates it, as KVM wants (a vCPU's ioctls come from one
 * thread, api.rst "General description"): its {@code kvm_run} page and scratch structures live in
 * a confined arena, so a call from another thread is a {@link WrongThreadException}, and the
 * vCPU must be closed by that thread too. Others reach it only by a signal (the watchdog's kick).
 */
public final class Vcpu extends KvmFd {
    private final int id;
    private final Arena arena;
    private final MemorySegment run;
    private final MemorySegment errnoState;
    private final ExitDecoder exits;
    private final MemorySegment mpState;
    private final MemorySegment regs;
    private final MemorySegment events;

    private Vcpu(int fd, int id, Arena arena, MemorySegment run, MemorySegment errnoState) {
        super(fd);
        this.id = id;
        this.arena = arena;
        this.run = run;
        this.errnoState = errnoState;
        this.exits = new ExitDecoder(run);
        this.mpState = arena.allocate(kvm_mp_state.layout());
        this.regs = arena.allocate(kvm_regs.layout());
        this.events = arena.allocate(kvm_vcpu_events.layout());
    }

    static Vcpu map(int fd, int id, int mmapSize) {
        Arena arena = Arena.ofConfined();
        MemorySegment errnoState = Libc.errnoState(arena);
        MemorySegment page = Libc.mmap(errnoState, mmapSize, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED, fd, 0);
        if (page.equals(MemorySegment.NULL)) {
            int errno = Libc.errno(errnoState);
            arena.close();
            Libc.close(fd);
            throw new KvmException("mmap of the kvm_run page", errno);
        }
        MemorySegment run = page.reinterpret(mmapSize, arena, segment -> Libc.munmap(segment, mmapSize));
        return new Vcpu(fd, id, arena, run, errnoState);
    }

    public int id() {
        return id;
    }

    /** The vCPU's file descriptor, for callers that make KVM_RUN themselves (the JNA benchmark). */
    public int fileDescriptor() {
        return fd;
    }


    /** Enters the guest until the next exit that needs the VMM. */
    public VcpuExit run() {
        if (Libc.ioctl(errnoState, fd, KVM_RUN, 0) < 0) {
            int errno = Libc.errno(errnoState);
            if (errno == Libc.EINTR || errno == Libc.EAGAIN) {
                return VcpuExit.INTERRUPTED;
            }
            throw new KvmException("KVM_RUN", errno);
        }
        return exits.decode();
    }

    /**
     * True if the vCPU will not run again unless another vCPU wakes it:
     * <ul>
     * <li>it sits in HLT that no maskable interrupt can end: KVM_GET_MP_STATE says
     * KVM_MP_STATE_HALTED (with the in-kernel irqchip KVM keeps a halted vCPU inside KVM_RUN and
     * reports it so when a signal brings it out; api.rst, KVM_GET_MP_STATE), RFLAGS.IF is clear
     * (SDM Vol. 2A HLT), and KVM_GET_VCPU_EVENTS shows no NMI pending or being injected;</li>
     * <li>or it is an application processor still waiting for INIT and a start-up IPI
     * (KVM_MP_STATE_UNINITIALIZED or KVM_MP_STATE_INIT_RECEIVED: with the in-kernel irqchip KVM
     * creates every vCPU but the bootstrap processor so, SDM Vol. 3A 8.4).</li>
     * </ul>
     * Only an IPI (NMI, INIT, SIPI) from another vCPU could wake it; jvmm's devices send none. For
     * the thread that runs the vCPU, between two KVM_RUNs; it allocates nothing.
     */
    public boolean cannotWakeItself() {
        vcpuIoctl("KVM_GET_MP_STATE", KVM_GET_MP_STATE, mpState);
        int state = kvm_mp_state.mp_state(mpState);
        if (state == KVM_MP_STATE_UNINITIALIZED || state == KVM_MP_STATE_INIT_RECEIVED) {
            return true;
        }
        if (state != KVM_MP_STATE_HALTED) {
            return false;
        }
        vcpuIoctl("KVM_GET_REGS", KVM_GET_REGS, regs);
        if ((kvm_regs.rflags(regs) & RFLAGS_IF) != 0) {
            return false;
        }
        vcpuIoctl("KVM_GET_VCPU_EVENTS", KVM_GET_VCPU_EVENTS, events);
        MemorySegment nmi = kvm_vcpu_events.nmi(events);
        return kvm_vcpu_events.nmi.pending(nmi) == 0 && kvm_vcpu_events.nmi.injected(nmi) == 0;
    }

    private static final long RFLAGS_IF = 1L << 9;

    /** One ioctl with the vCPU's own errno segment: nothing allocated. */
    private void vcpuIoctl(String name, long request, MemorySegment arg) {
        if (Libc.ioctl(errnoState, fd, request, arg) < 0) {
            throw new KvmException(name, Libc.errno(errnoState));
        }
    }

    /** The exit the last KVM_RUN left, for callers that make KVM_RUN themselves (the JNA benchmark). */
    public VcpuExit lastExit() {
        return exits.decode();
    }

    public void getRegs(MemorySegment kvmRegs) {
        ioctl("KVM_GET_REGS", KVM_GET_REGS, kvmRegs);
    }

    public void setRegs(MemorySegment kvmRegs) {
        ioctl("KVM_SET_REGS", KVM_SET_REGS, kvmRegs);
    }

    public void getSregs(MemorySegment kvmSregs) {
        ioctl("KVM_GET_SREGS", KVM_GET_SREGS, kvmSregs);
    }

    public void setSregs(MemorySegment kvmSregs) {
        ioctl("KVM_SET_SREGS", KVM_SET_SREGS, kvmSregs);
    }

    /** KVM_GET_TSC_KHZ: the guest TSC's frequency. */
    public long tscKhz() {
        return ioctl("KVM_GET_TSC_KHZ", KVM_GET_TSC_KHZ, 0);
    }

    public void setCpuid(Cpuid cpuid) {
        ioctl("KVM_SET_CPUID2", KVM_SET_CPUID2, cpuid.segment());
    }

    /**
     * The signal mask in force while the vCPU is inside KVM_RUN (KVM_SET_SIGNAL_MASK), as a
     * kernel sigset: the first 8 bytes of a glibc sigset_t.
     */
    public void setSignalMask(MemorySegment sigset) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment mask = call.allocate(kvm_signal_mask.sizeof() + 8, 8);
            kvm_signal_mask.len(mask, 8);
            // struct kvm_signal_mask puts the 8-byte set right after a 4-byte length: unaligned.
            mask.set(JAVA_LONG_UNALIGNED, kvm_signal_mask.sigset$offset(), sigset.get(JAVA_LONG, 0));
            ioctl("KVM_SET_SIGNAL_MASK", KVM_SET_SIGNAL_MASK, mask);
        }
    }

    @Override
    public void close() {
        super.close();
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
