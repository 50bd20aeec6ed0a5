package dev.jvmm.vmm.boot;

import dev.jvmm.vmm.JvmmException;
import dev.jvmm.vmm.kvm.Vcpu;
import dev.jvmm.vmm.memory.GuestMemory;

import java.util.List;

/** Loads a {@link BootImage} by its protocol and starts the vCPU where that protocol says. */
public final class BootLoader {
    /**
     * The vCPU's entry: 32-bit flat protected mode at {@code rip} with {@code eax} and {@code ebx};
     * and the command line QEMU's fw_cfg would carry for this protocol (CMDLINE_SIZE/DATA: PVH
     * images get theirs, multiboot kernels read theirs from the information structure), or null.
     */
    public record Entry(long rip, int eax, long ebx, String firmwareCmdline) {}

    private BootLoader() {}

    /**
     * @param cmdline the kernel command line (for multiboot, the arguments after the image's name)
     * @param program the PVH module (the bundled kernel's user program), or null
     * @param modules the multiboot modules
     */
    public static Entry load(BootImage image, GuestMemory memory, String cmdline, byte[] program, List<BootModule> modules) {
        return switch (image) {
            case ElfImage pvh -> {
                if (!modules.isEmpty()) {
                    throw new JvmmException("modules (--module) are for multiboot images; " + pvh.name()
                            + " is a PVH image, which takes one program after --");
                }
                yield new Entry(pvh.entry(), 0, PvhBoot.load(pvh, memory, cmdline, program), cmdline);
            }
            case MultibootImage multiboot -> {
                if (program != null) {
                    throw new JvmmException(multiboot.name() + " is a multiboot image: give it files with --module, not a program after --");
                }
                long info = MultibootBoot.load(multiboot, memory, cmdline, modules);
                yield new Entry(multiboot.entry(), MultibootImage.BOOTLOADER_MAGIC, info, null);
            }
        };
    }

    public static void enter(Vcpu vcpu, Entry entry) {
        PvhBoot.enter(vcpu, entry.rip(), entry.eax(), entry.ebx());
    }
}
