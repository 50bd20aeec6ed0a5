package dev.jvmm.vmm.kvm;

import dev.jvmm.kvm.kvm_clock_data;
import dev.jvmm.kvm.kvm_irq_level;
import dev.jvmm.kvm.kvm_pit_config;
import dev.jvmm.kvm.kvm_userspace_memory_region;
import dev.jvmm.vmm.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static dev.jvmm.kvm.kvm_h.*;

/**
 * A KVM virtual machine file descriptor: guest memory slots, the in-kernel interrupt controllers
 * and timer, interrupt lines, and vCPU creation.
 */
public final class Vm extends KvmFd {
    private final int vcpuMmapSize;
    /** KVM_IRQ_LINE's argument and errno, allocated once: devices raise and lower lines from any thread. */
    private final Arena lineArena = Arena.ofShared();
    private final MemorySegment irqLevel = lineArena.allocate(kvm_irq_level.layout());
    private final MemorySegment lineErrno = Libc.errnoState(lineArena);

    Vm(int fd, int vcpuMmapSize) {
        super(fd);
        this.vcpuMmapSize = vcpuMmapSize;
    }

    /**
     * KVM_CREATE_IRQCHIP: KVM's in-kernel interrupt controllers, two 8259 PICs and an IOAPIC for
     * the VM, and a local APIC for every vCPU created afterwards, so it must come before
     * KVM_CREATE_VCPU (Documentation/virt/kvm/api.rst, KVM_CREATE_IRQCHIP). GSIs 0-15 then reach
     * both the PICs and IOAPIC pins 0-15, GSIs 16-23 the IOAPIC only; HLT no longer exits to the
     * VMM, KVM waits for an interrupt itself.
     */
    public void createIrqchip() {
        ioctl("KVM_CREATE_IRQCHIP", KVM_CREATE_IRQCHIP, 0);
    }

    /**
     * KVM_CREATE_PIT2: an in-kernel i8254 on ports 0x40-0x43 (channel 0 on GSI 0), only after
     * KVM_CREATE_IRQCHIP (api.rst, KVM_CREATE_PIT2). {@code flags} 0: port 0x61, the speaker and
     * channel 2's gate, stays with the VMM (KVM_PIT_SPEAKER_DUMMY would claim it).
     */
    public void createPit2(int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment config = arena.allocate(kvm_pit_config.layout());
            kvm_pit_config.flags(config, flags);
            ioctl("KVM_CREATE_PIT2", KVM_CREATE_PIT2, config);
        }
    }

    /**
     * KVM_IRQ_LINE: drives input {@code gsi} of the in-kernel irqchip to {@code level} (api.rst,
     * KVM_IRQ_LINE: 1 always means asserted, whatever polarity the guest programmed; a
     * level-triggered IOAPIC pin keeps interrupting while it is asserted and unmasked). Safe from
     * any thread; it allocates nothing. Once the VM is closed a line leads nowhere, and setting
     * it does nothing.
     */
    public synchronized void setIrqLine(int gsi, boolean level) {
        if (!lineArena.scope().isAlive()) {
            return;
        }
        kvm_irq_level.irq(irqLevel, gsi);
        kvm_irq_level.level(irqLevel, level ? 1 : 0);
        if (Libc.ioctl(lineErrno, fd, KVM_IRQ_LINE, irqLevel) < 0) {
            throw new KvmException("KVM_IRQ_LINE", Libc.errno(lineErrno));
        }
    }

    /** Backs guest-physical {@code [guestPhysical, guestPhysical + host.byteSize())} with {@code host}. */
    public void setUserMemoryRegion(int slot, long guestPhysical, MemorySegment host) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment region = arena.allocate(kvm_userspace_memory_region.layout());
            kvm_userspace_memory_region.slot(region, slot);
            kvm_userspace_memory_region.flags(region, 0);
            kvm_userspace_memory_region.guest_phys_addr(region, guestPhysical);
            kvm_userspace_memory_region.memory_size(region, host.byteSize());
            kvm_userspace_memory_region.userspace_addr(region, host.address());
            ioctl("KVM_SET_USER_MEMORY_REGION", KVM_SET_USER_MEMORY_REGION, region);
        }
    }

    /**
     * KVM_SET_CLOCK: the guest's kvmclock reads {@code nanoseconds} now. With {@code hostRealtimeNs}
     * (host CLOCK_REALTIME, for KVM_CLOCK_REALTIME; -1 without) KVM adds the time that passes
     * between that reading and the ioctl.
     */
    public void setClock(long nanoseconds, long hostRealtimeNs) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(kvm_clock_data.layout());
            kvm_clock_data.clock(data, nanoseconds);
            if (hostRealtimeNs >= 0) {
                kvm_clock_data.flags(data, KVM_CLOCK_REALTIME);
                kvm_clock_data.realtime(data, hostRealtimeNs);
            }
            ioctl("KVM_SET_CLOCK", KVM_SET_CLOCK, data);
        }
    }

    /**
     * Whether the guest's kvmclock will be TSC-stable: KVM_GET_CLOCK's KVM_CLOCK_TSC_STABLE, set
     * when the host's KVM runs its master clock (a stable host TSC as its clocksource; api.rst,
     * KVM_GET_CLOCK). KVM then sets PVCLOCK_TSC_STABLE_BIT in the guest's pvclock page.
     */
    public boolean clockTscStable() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(kvm_clock_data.layout());
            ioctl("KVM_GET_CLOCK", KVM_GET_CLOCK, data);
            return (kvm_clock_data.flags(data) & KVM_CLOCK_TSC_STABLE) != 0;
        }
    }

    public Vcpu createVcpu(int id) {
        int vcpuFd = ioctl("KVM_CREATE_VCPU", KVM_CREATE_VCPU, id);
        return Vcpu.map(vcpuFd, id, vcpuMmapSize);
    }

    @Override
    public synchronized void close() {
        super.close();
        if (lineArena.scope().isAlive()) {
            lineArena.close();
        }
    }
}
