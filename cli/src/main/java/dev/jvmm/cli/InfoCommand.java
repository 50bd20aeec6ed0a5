package dev.jvmm.cli;

import dev.jvmm.kvm.kvm_cpuid_entry2;
import dev.jvmm.vmm.Json;
import dev.jvmm.api.JvmmException;
import dev.jvmm.cli.bench.HostInfo;
import dev.jvmm.vmm.boot.BootImages;
import dev.jvmm.vmm.kvm.Cpuid;
import dev.jvmm.vmm.kvm.Kvm;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static dev.jvmm.kvm.kvm_h.*;

/** {@code jvmm info}: what this host offers jvmm, and whether {@code jvmm run} will work here. */
final class InfoCommand implements Callable<Integer> {
    static final Jvmm.Subcommand SUBCOMMAND = new Jvmm.Subcommand("info", new String[] {
            "What this host offers jvmm: KVM and the capabilities jvmm uses, the CPU and its fast-syscall "
                    + "features as a guest sees them, the KVM clock, and what will and will not work; "
                    + "with an IMAGE, first the protocol it boots by (PVH or multiboot v1) and what jvmm found in it."},
            jvmm -> new InfoCommand().spec);

    /** The status when the verdict is that {@code jvmm run} will not work: CI scripts stop on it. */
    static final int WILL_NOT_WORK = 1;

    private final OptionSpec json = Specs.flag("--json").description("Print the report as one JSON object.").build();

    private final PositionalParamSpec image = PositionalParamSpec.builder().index("0").arity("0..1").paramLabel("IMAGE")
            .type(Path.class)
            .description("A guest image to check: a bad one is reported as jvmm run would (status 125).").build();

    /** info's whole model. */
    final CommandSpec spec;

    InfoCommand() {
        spec = Specs.standardHelpOptions(Specs.command(this, SUBCOMMAND)).addOption(json).addPositional(image);
        spec.usageMessage()
                .exitCodeListHeading("%nExit status:%n")
                .exitCodeList(UsageMessageSpec.keyValuesMap(
                        "0:jvmm run will work here",
                        "1:jvmm run will not work here; the verdict says why",
                        "125:jvmm info itself failed (usage)"));
    }

    private record Capability(String name, int number, String use) {}

    private static final List<Capability> CAPABILITIES = List.of(
            new Capability("KVM_CAP_USER_MEMORY", KVM_CAP_USER_MEMORY, "guest RAM (required)"),
            new Capability("KVM_CAP_EXT_CPUID", KVM_CAP_EXT_CPUID, "the guest's CPUID (required)"),
            new Capability("KVM_CAP_ADJUST_CLOCK", KVM_CAP_ADJUST_CLOCK, "KVM_SET_CLOCK flags"),
            new Capability("KVM_CAP_KVMCLOCK_CTRL", KVM_CAP_KVMCLOCK_CTRL, "telling the guest it was stopped"),
            new Capability("KVM_CAP_GET_TSC_KHZ", KVM_CAP_GET_TSC_KHZ, "the TSC rate, for jvmm bench"),
            new Capability("KVM_CAP_IRQCHIP", KVM_CAP_IRQCHIP, "the in-kernel irqchip: 8259 PICs, IOAPIC, local APIC"),
            new Capability("KVM_CAP_PIT2", KVM_CAP_PIT2, "the in-kernel PIT (i8254)"),
            new Capability("KVM_CAP_TSC_DEADLINE_TIMER", KVM_CAP_TSC_DEADLINE_TIMER, "the local APIC timer's TSC-deadline mode"),
            new Capability("KVM_CAP_HLT", KVM_CAP_HLT, "HLT exits to the VMM (without the irqchip)"));

    @Override
    public Integer call() {
        Path image = this.image.getValue();
        boolean json = this.json.getValue();
        Map<String, Object> report = new LinkedHashMap<>();
        if (image != null) {
            report.put("image", image.toString());
            report.put("boot protocol", BootImages.read(image).protocol());
        }
        report.put("cpu", HostInfo.cpu());
        report.put("hypervisor", HostInfo.hypervisor());
        report.put("software_hypervisor", !HostInfo.hardwareVirtualization());
        Map<String, Object> verdict = new LinkedHashMap<>();
        int status = 0;
        try (Kvm kvm = Kvm.open(); Arena arena = Arena.ofConfined()) {
            report.put("kvm_api_version", kvm.apiVersion());
            Map<String, Object> caps = new LinkedHashMap<>();
            for (Capability cap : CAPABILITIES) {
                caps.put(cap.name(), kvm.checkExtension(cap.number()));
            }
            report.put("capabilities", caps);
            Cpuid cpuid = kvm.supportedCpuid(arena);
            Map<String, Object> guestCpu = new LinkedHashMap<>();
            guestCpu.put("sysenter (CPUID.01H:EDX.SEP)", bit(cpuid, 1, "edx", 11));
            guestCpu.put("syscall (CPUID.80000001H:EDX.SYSCALL)", bit(cpuid, 0x80000001, "edx", 11));
            guestCpu.put("nx (CPUID.80000001H:EDX.NX)", bit(cpuid, 0x80000001, "edx", 20));
            guestCpu.put("kvm clock (CPUID.40000001H:EAX.CLOCKSOURCE2)", bit(cpuid, KVM_CPUID_FEATURES, "eax", KVM_FEATURE_CLOCKSOURCE2));
            guestCpu.put("stable kvm clock (CPUID.40000001H:EAX.CLOCKSOURCE_STABLE_BIT)",
                    bit(cpuid, KVM_CPUID_FEATURES, "eax", KVM_FEATURE_CLOCKSOURCE_STABLE_BIT));
            report.put("guest_cpuid", guestCpu);
            boolean hardware = HostInfo.hardwareVirtualization();
            verdict.put("jvmm run", "works: /dev/kvm is usable and has the capabilities jvmm needs");
            verdict.put("system calls", hardware
                    ? "SYSCALL and INT 0x80 enter the guest kernel natively; SYSENTER too on Intel (on AMD the kernel serves it from #UD)"
                    : "no entry instruction enters the guest kernel from user mode on this software hypervisor: the kernel "
                            + "serves each from its fault (emulated), and kernel code runs emulated, so a system call costs about 100-350 us");
            boolean irqchip = kvm.checkExtension(KVM_CAP_IRQCHIP) > 0;
            verdict.put("interrupts", !irqchip
                    ? "no in-kernel irqchip: the guest gets no timer interrupt, and its sleeps keep a host CPU busy"
                    : "in-kernel irqchip (PIC, IOAPIC, local APIC)"
                            + (kvm.checkExtension(KVM_CAP_PIT2) > 0 ? " and PIT" : ", no in-kernel PIT")
                            + "; the guest's timer is the local APIC's, "
                            + (kvm.checkExtension(KVM_CAP_TSC_DEADLINE_TIMER) > 0 ? "in TSC-deadline mode" : "one-shot")
                            + ", and a sleeping guest halts without costing the host CPU time");
            verdict.put("vdso time", Boolean.TRUE.equals(guestCpu.get("kvm clock (CPUID.40000001H:EAX.CLOCKSOURCE2)"))
                    ? "the KVM clock is offered: clock_gettime, gettimeofday and time run in user mode, without kernel entries"
                    : "no KVM clock: the kernel calibrates the TSC against the PIT");
        } catch (JvmmException e) {
            verdict.put("jvmm run", "will not work: " + e.getMessage());
            status = WILL_NOT_WORK;
        }
        report.put("verdict", verdict);
        spec.commandLine().getOut().println(json ? Json.write(report) : text(report, ""));
        return status;
    }

    private static boolean bit(Cpuid cpuid, int leaf, String register, int bit) {
        MemorySegment entry = cpuid.find(leaf, 0);
        if (entry == null) {
            return false;
        }
        int value = switch (register) {
            case "eax" -> kvm_cpuid_entry2.eax(entry);
            case "ecx" -> kvm_cpuid_entry2.ecx(entry);
            default -> kvm_cpuid_entry2.edx(entry);
        };
        return (value >>> bit & 1) != 0;
    }

    private static String text(Map<String, Object> map, String indent) {
        StringBuilder out = new StringBuilder();
        map.forEach((key, value) -> {
            if (value instanceof Map<?, ?> inner) {
                @SuppressWarnings("unchecked")
                Map<String, Object> nested = (Map<String, Object>) inner;
                out.append(indent).append(key).append(":\n").append(text(nested, indent + "  "));
            } else {
                out.append(indent).append(key).append(": ").append(value).append('\n');
            }
        });
        return out.toString();
    }
}
