package dev.jvmm.vmm.kvm;

import dev.jvmm.kvm.kvm_clock_data;
import dev.jvmm.kvm.kvm_userspace_memory_region;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static dev.jvmm.kvm.kvm_h.*;

/** A KVM virtual machine file descriptor: guest memory slots and vCPU creation. */
public final class Vm extends KvmFd {
    private final int vcpuMmapSize;

    Vm(int fd, int vcpuMmapSize) {
        super(fd);
        this.vcpuMmapSize = vcpuMmapSize;
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

    public Vcpu createVcpu(int id) {
        int vcpuFd = ioctl("KVM_CREATE_VCPU", KVM_CREATE_VCPU, id);
        return Vcpu.map(vcpuFd, id, vcpuMmapSize);
    }
}
