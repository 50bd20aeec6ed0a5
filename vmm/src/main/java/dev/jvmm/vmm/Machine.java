package dev.jvmm.vmm;

import dev.jvmm.kvm.kvm_cpuid_entry2;
import dev.jvmm.vmm.RunResult.Exited;
import dev.jvmm.vmm.RunResult.GuestDied;
import dev.jvmm.vmm.RunResult.Outcome;
import dev.jvmm.vmm.RunResult.TimedOut;
import dev.jvmm.vmm.boot.BootImage;
import dev.jvmm.vmm.boot.BootLoader;
import dev.jvmm.vmm.boot.BootModule;
import dev.jvmm.vmm.devices.CopyOut;
import dev.jvmm.vmm.devices.ExitDevice;
import dev.jvmm.vmm.devices.FwCfg;
import dev.jvmm.vmm.devices.IoBus;
import dev.jvmm.vmm.devices.MmioBus;
import dev.jvmm.vmm.devices.PageDiscard;
import dev.jvmm.vmm.devices.PortDevice;
import dev.jvmm.vmm.devices.Serial16550;
import dev.jvmm.vmm.devices.virtio.ConsoleSlot;
import dev.jvmm.vmm.devices.virtio.VirtioMmio;
import dev.jvmm.vmm.kvm.Cpuid;
import dev.jvmm.vmm.kvm.Kvm;
import dev.jvmm.vmm.kvm.Vcpu;
import dev.jvmm.vmm.kvm.VcpuExit;
import dev.jvmm.vmm.kvm.Vm;
import dev.jvmm.vmm.memory.GuestMemory;

import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static dev.jvmm.kvm.kvm_h.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * One microVM, as Firecracker's builder makes one: {@link #create} opens KVM, creates the VM, maps
 * guest memory, loads the image, creates the vCPUs and wires the devices, and returns the machine
 * that owns them all; {@link #run} runs the vCPUs until the guest exits, dies, or runs out of time,
 * and returns the outcome; {@link #close} releases everything, devices first and KVM last. The
 * CLI, the API, the tests and the JMH benchmarks all go through this one path.
 *
 * <p>The machine belongs to the thread that creates it: that thread runs vCPU 0, the bootstrap
 * processor (its {@code kvm_run} page and the watchdog's signal mask are that thread's). Each
 * application processor has a thread of its own, which creates, runs and closes its vCPU, as QEMU
 * gives each vCPU a thread; KVM keeps it inside KVM_RUN until the guest starts it with INIT and a
 * start-up IPI. The first vCPU to reach an end (the exit device, a death, the deadline) ends the
 * run for all: the others are kicked out of KVM_RUN and stop. Exits are handled one at a time,
 * under one lock (QEMU's big lock), so devices see one caller. Other threads touch only guest
 * memory (the virtio console's stdin reader) and interrupt lines (KVM_IRQ_LINE, from the same
 * reader), which are shared for that reason.
 *
 * <p>jvmm sends no KVM_KVMCLOCK_CTRL: that ioctl tells a guest that the VMM paused its vCPU so
 * that, when it is resumed, its soft-lockup watchdog does not count the pause (api.rst,
 * KVM_KVMCLOCK_CTRL; QEMU sends it on resume, Firecracker on pause). jvmm never pauses a vCPU to
 * resume it later: a vCPU stops only to be destroyed, where the flag would reach no one. A pause
 * (snapshots, a debugger) would have to send it before the vCPU runs again.
 */
public final class Machine implements AutoCloseable {

    /**
     * @param cpus      how many vCPUs (several need KVM's in-kernel irqchip)
     * @param cmdline   the kernel command line (see {@link dev.jvmm.vmm.boot.KernelCommandLine})
     * @param program   the user program, passed to the kernel as a PVH module, or null
     * @param modules   a multiboot image's modules
     * @param timeout   how long the guest may run, or null for no limit
     * @param serial    where COM1's output goes, byte by byte as the guest writes it
     * @param onStart   told what the host's clock offers, once the VM exists and before it runs
     * @param trace     where each VM exit is described as it happens, or null
     * @param console   the program's streams on a virtio console ({@link ConsoleSlot}: its window,
     *                  its interrupt, and its word at the end of the kernel command line), or null
     *                  for none: COM1 is then the only console
     * @param kvmDevice the KVM device to open ({@link Kvm#DEVICE}, or another for diagnosis and tests)
     * @param copyOut   where the copy-out device puts the archive of the guest's directories at the
     *                  end of the run, or null for no device
     */
    public record Config(BootImage image, long memorySize, int cpus, String cmdline, byte[] program, List<BootModule> modules,
                         Duration timeout, OutputStream serial, Consumer<RunResult.HostClock> onStart, PrintStream trace,
                         ConsoleSlot.Streams console, String kvmDevice, CopyOut.Archive copyOut) {

        public Config(BootImage image, long memorySize, String cmdline, byte[] program, Duration timeout,
                      OutputStream serial) {
            this(image, memorySize, 1, cmdline, program, List.of(), timeout, serial, clock -> { }, null, null, Kvm.DEVICE, null);
        }
    }

    private static final int BOOT_VCPU = 0;
    private static final int CPUID_1_ECX_TSC_DEADLINE = 1 << 24;
    private static final int CPUID_TOPOLOGY = 0xb;
    private static final int CPUID_TOPOLOGY_V2 = 0x1f;
    private static final int CPUID_AMD_EXTENDED_APIC_ID = 0x8000001e;
    private static final int CPUID_1_ECX_HYPERVISOR = 1 << 31;
    /**
     * The hypervisor's timing leaf (VMware's definition, which QEMU gives with
     * {@code vmware-cpuid-freq}): EAX the TSC's kHz, EBX the local APIC timer's. A guest that
     * measures the APIC timer against its clock under load measures it low, by as much as its
     * VM exits were delayed (a 60th of the rate, on a busy nested KVM), and then wakes early
     * again and again.
     */
    private static final int CPUID_TIMING_LEAF = 0x40000010;
    /** KVM's APIC bus runs at 1 GHz (APIC_BUS_CYCLE_NS_DEFAULT), which jvmm leaves as it is. */
    private static final int KVM_APIC_TIMER_KHZ = 1_000_000;
    /** The most vCPUs jvmm gives a VM, where the host's KVM allows as many (KVM_CAP_MAX_VCPUS). */
    public static final int MAX_CPUS = 64;

    private final Config config;
    private final long created = System.nanoTime();
    private final IoBus ioBus = new IoBus();
    private final MmioBus mmioBus = new MmioBus();
    private final ExitCounter exits = new ExitCounter();
    private Kvm kvm;
    private Vm vm;
    private GuestMemory memory;
    private Vcpu vcpu;
    private final List<ApplicationProcessor> applicationProcessors = new ArrayList<>();
    private VirtioMmio console;
    private boolean irqchip;
    private boolean tscDeadline;
    /** The run's end, set once by the first vCPU thread to reach one. */
    private final AtomicReference<RunEnd> ended = new AtomicReference<>();
    /** The watchdogs of the vCPUs in their run loops: how one vCPU's end reaches the others. */
    private final List<Watchdog> running = new CopyOnWriteArrayList<>();
    private final Stalls stalls;
    private int adjustClock;
    private RunResult.HostClock clock;
    private boolean ran;

    private Machine(Config config) {
        this.config = config;
        this.stalls = new Stalls(config.cpus());
    }

    /**
     * Builds the machine: KVM, the VM and its interrupt controllers, guest memory with the image
     * loaded, the vCPU at the image's entry, and the devices. Nothing runs yet. On failure,
     * whatever was created is closed again.
     */
    public static Machine create(Config config) {
        Machine machine = new Machine(config);
        try {
            machine.build();
            return machine;
        } catch (RuntimeException | Error e) {
            machine.close();
            throw e;
        }
    }

    /** Creates a machine, runs it and closes it: what one {@code jvmm run} does. */
    public static RunResult run(Config config) {
        try (Machine machine = create(config)) {
            return machine.run();
        }
    }

    private void build() {
        kvm = Kvm.open(config.kvmDevice());
        vm = Phases.marked(Phases.VM_CREATED, kvm.createVm());
        memory = GuestMemory.allocate(config.memorySize());
        vm.setUserMemoryRegion(0, 0, memory.hostMapping());
        Phases.mark(Phases.MEMORY_MAPPED);
        irqchip = createInterruptControllers(kvm, vm);
        checkCpus(config.cpus(), kvm, irqchip);
        ioBus.register(Serial16550.COM1, Serial16550.PORT_COUNT, new Serial16550(config.serial()));
        ExitDevice exit = new ExitDevice();
        ioBus.register(ExitDevice.PORT, 1, exit);
        ioBus.register(ExitDevice.TEST_PORT, ExitDevice.TEST_PORT_SIZE, exit);
        ioBus.register(PageDiscard.PORT, PageDiscard.PORT_COUNT, new PageDiscard(memory));
        if (config.copyOut() != null) {
            ioBus.register(CopyOut.PORT, CopyOut.PORT_COUNT, new CopyOut(memory, config.copyOut()));
        }
        String cmdline = config.cmdline();
        if (config.console() != null) {
            console = ConsoleSlot.attach(mmioBus, memory, config.console(),
                    irqchip ? new LevelLine(vm, ConsoleSlot.GSI) : level -> { }, this::complain);
            cmdline = ConsoleSlot.withDeviceWord(cmdline);
        }
        BootLoader.Entry entry = BootLoader.load(config.image(), memory, cmdline, config.program(), config.modules());
        Phases.mark(Phases.GUEST_LOADED);
        ioBus.register(FwCfg.PORT, FwCfg.PORT_COUNT, new FwCfg(config.cpus(), memory.size(), entry.firmwareCmdline()));
        adjustClock = kvm.checkExtension(KVM_CAP_ADJUST_CLOCK);
        tscDeadline = irqchip && kvm.checkExtension(KVM_CAP_TSC_DEADLINE_TIMER) > 0;
        vcpu = createVcpu(BOOT_VCPU);
        BootLoader.enter(vcpu, entry);
        for (int id = BOOT_VCPU + 1; id < config.cpus(); id++) {
            applicationProcessors.add(new ApplicationProcessor(id));
        }
    }

    /** Refuses a vCPU count outside 1 to {@link #MAX_CPUS}. */
    public static void checkCpuCount(int cpus) {
        if (cpus < 1 || cpus > MAX_CPUS) {
            throw new JvmmException("a VM has 1 to " + MAX_CPUS + " vCPUs, not " + cpus);
        }
    }

    /** A vCPU with its CPUID, for the calling thread, which will run it. */
    private Vcpu createVcpu(int id) {
        Vcpu created = vm.createVcpu(id);
        try (Arena arena = Arena.ofConfined()) {
            created.setCpuid(cpuidFor(created, kvm.supportedCpuid(arena), tscDeadline, arena));
            return created;
        } catch (RuntimeException | Error e) {
            created.close();
            throw e;
        }
    }

    /**
     * Several vCPUs need the in-kernel irqchip: application processors wait in KVM for the
     * bootstrap processor's INIT and start-up IPIs, which only KVM's local APICs deliver.
     */
    private static void checkCpus(int cpus, Kvm kvm, boolean irqchip) {
        checkCpuCount(cpus);
        if (cpus > 1 && !irqchip) {
            throw new JvmmException(cpus + " vCPUs need KVM's in-kernel irqchip (KVM_CAP_IRQCHIP), which this host lacks:"
                    + " application processors are started by IPIs through its local APICs");
        }
        // api.rst, KVM_CREATE_VCPU: KVM_CAP_MAX_VCPUS, or KVM_CAP_NR_VCPUS where it is 0, or 4.
        int max = kvm.checkExtension(KVM_CAP_MAX_VCPUS);
        max = max > 0 ? max : kvm.checkExtension(KVM_CAP_NR_VCPUS);
        max = max > 0 ? max : 4;
        if (cpus > max) {
            throw new JvmmException(cpus + " vCPUs asked for; this host's KVM allows at most " + max + " in a VM (KVM_CAP_MAX_VCPUS)");
        }
    }

    /**
     * Runs the vCPUs until the guest exits (a device ends the run with the guest's status), dies,
     * or outlives the configured timeout. Once per machine, on the thread that created it.
     */
    public RunResult run() {
        if (ran) {
            throw new IllegalStateException("a machine runs once");
        }
        ran = true;
        startClock(vm, adjustClock);
        // Only now, with the vCPU's TSC synchronised and the clock set, does KVM_GET_CLOCK say
        // whether the master clock (and so a TSC-stable kvmclock) is in use.
        clock = new RunResult.HostClock(adjustClock, vcpu.tscKhz(), vm.clockTscStable());
        config.onStart().accept(clock);
        applicationProcessors.forEach(ApplicationProcessor::start);
        try {
            Phases.mark(Phases.FIRST_KVM_RUN);
            runVcpu(vcpu);
            Phases.mark(Phases.GUEST_EXIT);
        } catch (RuntimeException | Error e) {
            end(new RunEnd(null, e));
            throw e;
        } finally {
            applicationProcessors.forEach(ApplicationProcessor::join);
            detachConsole();
        }
        RunEnd end = ended.get();
        if (end.failure() instanceof RuntimeException e) {
            throw e;
        } else if (end.failure() instanceof Error e) {
            throw e;
        }
        Outcome outcome = end.outcome();
        RunResult.ExitStatistics statistics = new RunResult.ExitStatistics(exits.total(), exits.byKind(),
                exits.byPort(), ioBus.unclaimedAccesses(), mmioBus.unclaimedAccesses());
        return new RunResult(outcome, statistics, Duration.ofNanos(System.nanoTime() - created), clock);
    }

    /** vCPU 0, the bootstrap processor, for callers that drive KVM_RUN themselves (the exit round-trip benchmark). */
    public Vcpu vcpu() {
        return vcpu;
    }

    /** Releases the devices, the vCPUs, the VM, guest memory and KVM, in that order; idempotent. */
    @Override
    public void close() {
        detachConsole();
        end(new RunEnd(null, null));        // application processors that never ran close their vCPUs
        applicationProcessors.forEach(ApplicationProcessor::start);
        applicationProcessors.forEach(ApplicationProcessor::join);
        if (vcpu != null) {
            vcpu.close();
        }
        if (vm != null) {
            vm.close();
        }
        if (memory != null) {
            memory.close();
        }
        if (kvm != null) {
            kvm.close();
        }
    }

    private void detachConsole() {
        if (console != null) {
            console.detach();
            console = null;
        }
    }

    /**
     * KVM's in-kernel interrupt controllers, as QEMU and Firecracker create them: KVM_CREATE_IRQCHIP
     * (two 8259s, an IOAPIC, and a local APIC for each vCPU created after it, so before the vCPU),
     * then the in-kernel PIT where the host offers KVM_CAP_PIT2. A host without KVM_CAP_IRQCHIP
     * gets neither, and HLT exits to the VMM as before. True if the irqchip exists.
     */
    private static boolean createInterruptControllers(Kvm kvm, Vm vm) {
        if (kvm.checkExtension(KVM_CAP_IRQCHIP) <= 0) {
            return false;
        }
        vm.createIrqchip();
        if (kvm.checkExtension(KVM_CAP_PIT2) > 0) {
            vm.createPit2(0);
        }
        return true;
    }

    /** A device asked its driver for a reset: said on the exit trace, where one is asked for. */
    private void complain(String why) {
        if (config.trace() != null) {
            config.trace().println("jvmm: virtio console: " + why);
        }
    }

    /** An irqchip input driven by a device's level: KVM_IRQ_LINE only when the level changes. */
    private static final class LevelLine implements Consumer<Boolean> {
        private final Vm vm;
        private final int gsi;
        private boolean level;

        LevelLine(Vm vm, int gsi) {
            this.vm = vm;
            this.gsi = gsi;
        }

        @Override
        public synchronized void accept(Boolean raised) {
            if (raised != level) {
                level = raised;
                vm.setIrqLine(gsi, raised);
            }
        }
    }

    /**
     * The host's supported CPUID, with this vCPU's initial APIC ID in leaf 1 (EBX[31:24]) and its
     * x2APIC ID in the topology leaves, the
     * TSC-deadline timer in leaf 1 (ECX[24]) where KVM_CAP_TSC_DEADLINE_TIMER says the in-kernel
     * APIC has it (KVM_GET_SUPPORTED_CPUID leaves the bit clear, as it cannot know the VMM made
     * an in-kernel APIC; x2APIC, ECX[21], it reports and jvmm keeps), and the KVM clock advertised
     * in KVM's feature leaf: KVM_FEATURE_CLOCKSOURCE2 (the MSRs at 0x4b564d00) and
     * KVM_FEATURE_CLOCKSOURCE_STABLE_BIT (the guest may trust PVCLOCK_TSC_STABLE_BIT).
     */
    private static Cpuid cpuidFor(Vcpu vcpu, Cpuid supported, boolean tscDeadline, Arena arena) {
        Cpuid cpuid = supported.with(arena, CPUID_TIMING_LEAF, (int) vcpu.tscKhz(), KVM_APIC_TIMER_KHZ, 0, 0);
        MemorySegment hypervisor = cpuid.find(KVM_CPUID_SIGNATURE, 0);
        if (hypervisor != null && Integer.compareUnsigned(kvm_cpuid_entry2.eax(hypervisor), CPUID_TIMING_LEAF) < 0) {
            kvm_cpuid_entry2.eax(hypervisor, CPUID_TIMING_LEAF);
        }
        MemorySegment leaf1 = cpuid.find(1, 0);
        if (leaf1 != null) {
            kvm_cpuid_entry2.ebx(leaf1, (kvm_cpuid_entry2.ebx(leaf1) & 0x00ffffff) | (vcpu.id() << 24));
            // KVM_GET_SUPPORTED_CPUID leaves the bit to the VMM; guests look for leaves
            // 0x400000xx only where it is set, as QEMU sets it.
            kvm_cpuid_entry2.ecx(leaf1, kvm_cpuid_entry2.ecx(leaf1) | CPUID_1_ECX_HYPERVISOR);
            if (tscDeadline) {
                kvm_cpuid_entry2.ecx(leaf1, kvm_cpuid_entry2.ecx(leaf1) | CPUID_1_ECX_TSC_DEADLINE);
            }
        }
        // The x2APIC ID in every sub-leaf of the topology leaves (SDM Vol. 3A 10.12.8.1; QEMU sets
        // it so), and in AMD's extended APIC ID leaf: KVM_GET_SUPPORTED_CPUID gives 0 in each.
        for (int i = 0; i < cpuid.count(); i++) {
            MemorySegment entry = cpuid.entry(i);
            int function = kvm_cpuid_entry2.function(entry);
            if (function == CPUID_TOPOLOGY || function == CPUID_TOPOLOGY_V2) {
                kvm_cpuid_entry2.edx(entry, vcpu.id());
            } else if (function == CPUID_AMD_EXTENDED_APIC_ID) {
                kvm_cpuid_entry2.eax(entry, vcpu.id());
            }
        }
        MemorySegment kvmFeatures = cpuid.find(KVM_CPUID_FEATURES, 0);
        if (kvmFeatures != null) {
            kvm_cpuid_entry2.eax(kvmFeatures, kvm_cpuid_entry2.eax(kvmFeatures)
                    | (1 << KVM_FEATURE_CLOCKSOURCE2) | (1 << KVM_FEATURE_CLOCKSOURCE_STABLE_BIT));
        }
        return cpuid;
    }

    /**
     * The guest's kvmclock starts at 0 when it boots, as a machine's clock does. Its
     * CLOCK_REALTIME then agrees with the host's: KVM reports the wall clock at kvmclock 0
     * (MSR_KVM_WALL_CLOCK_NEW) as host realtime minus kvmclock. KVM_CLOCK_REALTIME, where the host
     * has it, carries the host's time of the call, so the latency of the ioctl is not lost.
     */
    private static void startClock(Vm vm, int adjustClock) {
        boolean realtime = (adjustClock & KVM_CLOCK_REALTIME) != 0;
        vm.setClock(0, realtime ? hostRealtimeNanos() : -1);
    }

    private static long hostRealtimeNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /**
     * Runs one vCPU on the calling thread until the run ends, by this vCPU or by another. Its
     * watchdog joins {@link #running} before the first KVM_RUN and looks at {@link #ended} after
     * that, so an end that comes meanwhile is seen or kicks it.
     */
    private void runVcpu(Vcpu cpu) {
        boolean watched = config.timeout() != null || irqchip;
        try (Watchdog watchdog = watched ? new Watchdog(cpu, config.timeout(), irqchip) : null) {
            if (watchdog != null) {
                running.add(watchdog);
            }
            try {
                Outcome outcome = ended.get() == null ? runLoop(cpu, watchdog) : null;
                if (outcome != null) {
                    end(new RunEnd(outcome, null));
                }
            } finally {
                running.remove(watchdog);
            }
        }
    }

    /** How the run ended: the guest's outcome, or the failure of a vCPU thread (both null: closed before it ran). */
    private record RunEnd(Outcome outcome, Throwable failure) {}

    /** Ends the run, unless it has ended already, and brings every vCPU out of KVM_RUN. */
    private void end(RunEnd end) {
        if (ended.compareAndSet(null, end)) {
            running.forEach(Watchdog::kick);
        }
    }

    /** The vCPU's exits until its part of the run ends: its outcome, or null when another vCPU ended the run. */
    private Outcome runLoop(Vcpu cpu, Watchdog watchdog) {
        while (true) {
            VcpuExit exit = cpu.run();
            int status = countAndServe(cpu, exit);
            switch (exit) {
                case VcpuExit.IoOut _, VcpuExit.IoIn _, VcpuExit.MmioRead _, VcpuExit.MmioWrite _ -> { }
                case VcpuExit.Interrupted _ -> {
                    if (watchdog != null) {
                        watchdog.takeKick();
                        if (watchdog.fired()) {
                            return new TimedOut(config.timeout());
                        }
                    }
                    if (ended.get() != null) {
                        return null;
                    }
                    if (irqchip && stalls.all(cpu.id(), cpu.cannotWakeItself(), System.nanoTime())) {
                        return died(cpu, config.cpus() == 1
                                ? "the guest executed HLT with interrupts disabled (IF=0) and no NMI pending: nothing can wake it"
                                : "every vCPU is halted with interrupts disabled (IF=0) and no NMI pending, or waits for a"
                                + " start-up IPI: nothing can wake them (the registers are vCPU " + cpu.id() + "'s)");
                    }
                }
                case VcpuExit.Hlt _ -> {
                    return died(cpu, "the guest executed HLT and nothing can wake it (the host's KVM has no in-kernel irqchip)");
                }
                case VcpuExit.Shutdown _ -> {
                    return died(cpu, "the guest shut down: triple fault (KVM_EXIT_SHUTDOWN)" + (RegisterDump.reset(cpu)
                            ? "; its registers are lost: KVM re-initialises an AMD vCPU after a shutdown (SVM leaves the VMCB undefined)"
                            : ""));
                }
                case VcpuExit.FailEntry(long reason, int hardwareCpu) -> {
                    return died(cpu, "VM entry failed on cpu " + hardwareCpu + ", hardware reason 0x" + Long.toHexString(reason));
                }
                case VcpuExit.InternalError(int suberror, long[] data) -> {
                    return died(cpu, "KVM internal error, suberror " + suberror + " (" + internalErrorName(suberror) + ")"
                            + (data.length == 0 ? "" : ", data " + hex(data)));
                }
                case VcpuExit.SystemEvent(int type) -> {
                    return died(cpu, "the guest raised system event " + type + " (reset or shutdown)");
                }
                case VcpuExit.Unhandled(int reason) -> {
                    return died(cpu, "unexpected VM exit " + VcpuExit.reasonName(reason));
                }
            }
            if (status != PortDevice.RUN) {
                return new Exited(status);
            }
        }
    }

    /**
     * Counts the exit, traces it where asked, and serves it if a device's: the device's status
     * ({@link PortDevice#RUN} to go on). One exit at a time, whichever vCPU's.
     */
    private int countAndServe(Vcpu cpu, VcpuExit exit) {
        synchronized (exits) {
            exits.count(exit);
            if (config.trace() != null) {
                config.trace().println("jvmm: exit " + exits.total() + (config.cpus() > 1 ? " on vcpu " + cpu.id() : "")
                        + ": " + describe(exit));
            }
            return switch (exit) {
                case VcpuExit.IoOut(int port, int size, int count, MemorySegment data) -> ioBus.write(port, size, count, data);
                case VcpuExit.IoIn(int port, int size, int count, MemorySegment data) -> {
                    ioBus.read(port, size, count, data);
                    yield PortDevice.RUN;
                }
                case VcpuExit.MmioRead(long address, MemorySegment data) -> {
                    mmioBus.read(address, data);
                    yield PortDevice.RUN;
                }
                case VcpuExit.MmioWrite(long address, MemorySegment data) -> mmioBus.write(address, data);
                default -> PortDevice.RUN;
            };
        }
    }

    /**
     * Which vCPUs cannot wake themselves ({@link Vcpu#cannotWakeItself}), as the watchdog's probes
     * find them. Nothing can wake any once all are so and each has been seen so since the last of
     * them became so: a vCPU woken by another in between is then seen running again.
     */
    private static final class Stalls {
        private final long[] since;
        private final long[] seen;

        Stalls(int cpus) {
            since = new long[cpus];
            seen = new long[cpus];
        }

        /** Records one probe of vCPU {@code id}; true if now no vCPU can run again. */
        synchronized boolean all(int id, boolean stalled, long now) {
            if (!stalled) {
                since[id] = 0;
                return false;
            }
            if (since[id] == 0) {
                since[id] = now;
            }
            seen[id] = now;
            long last = Long.MIN_VALUE;
            for (long start : since) {
                if (start == 0) {
                    return false;
                }
                last = Math.max(last, start);
            }
            for (long time : seen) {
                if (time < last) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * An application processor: a vCPU on a thread of its own, which creates it (a vCPU belongs to
     * the thread that creates it), waits for the run, runs it, and closes it.
     */
    private final class ApplicationProcessor {
        private final CompletableFuture<Void> created = new CompletableFuture<>();
        private final CompletableFuture<Void> started = new CompletableFuture<>();
        private final Thread thread;

        ApplicationProcessor(int id) {
            thread = Thread.ofPlatform().name("jvmm-vcpu-" + id).daemon().start(() -> {
                Vcpu cpu;
                try {
                    cpu = createVcpu(id);
                    created.complete(null);
                } catch (RuntimeException | Error e) {
                    created.completeExceptionally(e);
                    return;
                }
                try (cpu) {
                    started.join();
                    runVcpu(cpu);
                } catch (RuntimeException | Error e) {
                    end(new RunEnd(null, e));
                }
            });
            try {
                created.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }

        void start() {
            started.complete(null);
        }

        void join() {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One exit, for --trace-exits: its kind, port or address, and data. */
    private static String describe(VcpuExit exit) {
        return exit.kind().label() + switch (exit) {
            case VcpuExit.IoOut(int port, int size, int count, MemorySegment data) ->
                    String.format(" port 0x%x size %d count %d data %s", port, size, count, hex(data));
            case VcpuExit.IoIn(int port, int size, int count, MemorySegment data) ->
                    String.format(" port 0x%x size %d count %d", port, size, count);
            case VcpuExit.MmioWrite(long address, MemorySegment data) -> String.format(" address 0x%x data %s", address, hex(data));
            case VcpuExit.MmioRead(long address, MemorySegment data) -> String.format(" address 0x%x length %d", address, data.byteSize());
            case VcpuExit.FailEntry(long reason, int cpu) -> String.format(" hardware reason 0x%x cpu %d", reason, cpu);
            case VcpuExit.InternalError(int suberror, long[] data) -> " suberror " + suberror;
            case VcpuExit.SystemEvent(int type) -> " type " + type;
            case VcpuExit.Unhandled(int reason) -> " " + VcpuExit.reasonName(reason);
            case VcpuExit.Hlt _, VcpuExit.Shutdown _, VcpuExit.Interrupted _ -> "";
        };
    }

    private static String hex(MemorySegment data) {
        StringBuilder out = new StringBuilder();
        for (byte b : data.toArray(JAVA_BYTE)) {
            out.append(String.format("%02x", b));
        }
        return out.toString();
    }

    private static GuestDied died(Vcpu cpu, String reason) {
        return new GuestDied(reason, RegisterDump.of(cpu));
    }

    private static String internalErrorName(int suberror) {
        return switch (suberror) {
            case 1 -> "emulation failure";
            case 2 -> "double fault during event delivery";
            case 3 -> "delivery event";
            case 4 -> "unexpected exit reason";
            default -> "unknown";
        };
    }

    private static String hex(long[] values) {
        StringBuilder out = new StringBuilder();
        for (long value : values) {
            out.append(out.isEmpty() ? "" : " ").append("0x").append(Long.toHexString(value));
        }
        return out.toString();
    }
}
