package dev.jvmm.vmm.kvm;

import dev.jvmm.kvm.kvm_cpuid2;
import dev.jvmm.kvm.kvm_cpuid_entry2;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

import static dev.jvmm.kvm.kvm_h.KVM_CPUID_FLAG_SIGNIFCANT_INDEX;

/** A {@code struct kvm_cpuid2} and its flexible array of entries. */
public final class Cpuid {
    private final MemorySegment cpuid;

    Cpuid(MemorySegment cpuid) {
        this.cpuid = cpuid;
    }

    MemorySegment segment() {
        return cpuid;
    }

    public int count() {
        return kvm_cpuid2.nent(cpuid);
    }

    public MemorySegment entry(int i) {
        return kvm_cpuid2.entries(cpuid, Objects.checkIndex(i, count()));
    }

    /** The entry for leaf {@code function} (and {@code index}, for leaves that have sub-leaves), or null. */
    public MemorySegment find(int function, int index) {
        for (int i = 0; i < count(); i++) {
            MemorySegment entry = entry(i);
            if (kvm_cpuid_entry2.function(entry) == function
                    && ((kvm_cpuid_entry2.flags(entry) & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) == 0
                        || kvm_cpuid_entry2.index(entry) == index)) {
                return entry;
            }
        }
        return null;
    }

    /** A copy holding just the entries in use, for one vCPU to adjust. */
    public Cpuid copy(Arena arena) {
        long size = kvm_cpuid2.sizeof() + (long) count() * kvm_cpuid_entry2.sizeof();
        return new Cpuid(arena.allocate(size, 8).copyFrom(cpuid.asSlice(0, size)));
    }

    /**
     * A copy in which leaf {@code function} (one without sub-leaves) answers these registers,
     * whether or not this one has it.
     */
    public Cpuid with(Arena arena, int function, int eax, int ebx, int ecx, int edx) {
        Cpuid copy;
        MemorySegment entry;
        if (find(function, 0) != null) {
            copy = copy(arena);
            entry = copy.find(function, 0);
        } else {
            long size = kvm_cpuid2.sizeof() + (long) count() * kvm_cpuid_entry2.sizeof();
            copy = new Cpuid(arena.allocate(size + kvm_cpuid_entry2.sizeof(), 8));
            copy.cpuid.copyFrom(cpuid.asSlice(0, size));
            kvm_cpuid2.nent(copy.cpuid, count() + 1);
            entry = copy.entry(count());
            kvm_cpuid_entry2.function(entry, function);
        }
        kvm_cpuid_entry2.eax(entry, eax);
        kvm_cpuid_entry2.ebx(entry, ebx);
        kvm_cpuid_entry2.ecx(entry, ecx);
        kvm_cpuid_entry2.edx(entry, edx);
        return copy;
    }
}
