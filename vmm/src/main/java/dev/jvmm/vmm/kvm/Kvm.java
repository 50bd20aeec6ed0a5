package dev.jvmm.vmm.kvm;

import dev.jvmm.kvm.kvm_cpuid2;
import dev.jvmm.kvm.kvm_cpuid_entry2;
import dev.jvmm.vmm.JvmmException;
import dev.jvmm.vmm.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static dev.jvmm.kvm.kvm_h.*;

/** The KVM system file descriptor (/dev/kvm): capabilities, supported CPUID, and VM creation. */
public final class Kvm extends KvmFd {
    public static final String DEVICE = "/dev/kvm";
    private static final int MAX_CPUID_ENTRIES = 1024;

    private record Capability(int number, String name) {}

    /** Capabilities jvmm cannot run without: guest RAM from user memory, and the CPUID it sets. */
    private static final Capability[] REQUIRED = {
            new Capability(KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY"),
            new Capability(KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID"),
    };

    private Kvm(int fd) {
        super(fd);
    }

    /** Opens /dev/kvm and checks the API version and the capabilities jvmm needs. */
    public static Kvm open() {
        return open(DEVICE);
    }

    /** Opens {@code device} (another than /dev/kvm for diagnosis, and for tests of what users see) and checks it. */
    public static Kvm open(String device) {
        int fd;
        int errno;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errnoState = Libc.errnoState(arena);
            fd = Libc.open(errnoState, device, Libc.O_RDWR | Libc.O_CLOEXEC);
            errno = Libc.errno(errnoState);
        }
        if (fd < 0) {
            throw new JvmmException(switch (errno) {
                case 2 -> "cannot open " + device + ": no such device; this host has no KVM "
                        + "(use a machine with hardware virtualization, or load the kvm module)";
                case 13, 1 -> "cannot open " + device + ": permission denied; add your user to the kvm group "
                        + "(sudo usermod -aG kvm $USER, then log in again), with a udev rule giving that group the device: "
                        + "KERNEL==\"kvm\", GROUP=\"kvm\", MODE=\"0660\"";
                default -> "cannot open " + device + ": " + Libc.strerror(errno) + " (errno " + errno + ")";
            });
        }
        Kvm kvm = new Kvm(fd);
        try {
            int version;
            try {
                version = kvm.apiVersion();
            } catch (KvmException e) {
                throw new JvmmException(device + " is not a KVM device (" + e.getMessage() + ")");
            }
            if (version != KVM_API_VERSION) {
                throw new JvmmException(device + " speaks KVM API version " + version + "; jvmm needs " + KVM_API_VERSION);
            }
            for (Capability cap : REQUIRED) {
                if (kvm.checkExtension(cap.number()) <= 0) {
                    throw new JvmmException("this host's KVM lacks " + cap.name() + ", which jvmm needs (a newer kernel has it)");
                }
            }
            return kvm;
        } catch (RuntimeException e) {
            kvm.close();
            throw e;
        }
    }

    public int apiVersion() {
        return ioctl("KVM_GET_API_VERSION", KVM_GET_API_VERSION, 0);
    }

    /** KVM_CHECK_EXTENSION: 0 when absent, otherwise a capability-specific positive value. */
    public int checkExtension(int capability) {
        return ioctl("KVM_CHECK_EXTENSION", KVM_CHECK_EXTENSION, capability);
    }

    public int vcpuMmapSize() {
        return ioctl("KVM_GET_VCPU_MMAP_SIZE", KVM_GET_VCPU_MMAP_SIZE, 0);
    }

    /** The CPUID leaves KVM can offer a guest on this host (KVM_GET_SUPPORTED_CPUID). */
    public Cpuid supportedCpuid(Arena arena) {
        MemorySegment cpuid = arena.allocate(kvm_cpuid2.sizeof() + MAX_CPUID_ENTRIES * kvm_cpuid_entry2.sizeof(), 8);
        kvm_cpuid2.nent(cpuid, MAX_CPUID_ENTRIES);
        ioctl("KVM_GET_SUPPORTED_CPUID", KVM_GET_SUPPORTED_CPUID, cpuid);
        return new Cpuid(cpuid);
    }

    public Vm createVm() {
        int vmFd = ioctl("KVM_CREATE_VM", KVM_CREATE_VM, 0);
        return new Vm(vmFd, vcpuMmapSize());
    }
}
