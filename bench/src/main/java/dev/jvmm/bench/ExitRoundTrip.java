package dev.jvmm.bench;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import dev.jvmm.vmm.boot.ElfImage;
import dev.jvmm.vmm.boot.PvhBoot;
import dev.jvmm.vmm.kvm.Kvm;
import dev.jvmm.vmm.kvm.Vcpu;
import dev.jvmm.vmm.kvm.VcpuExit;
import dev.jvmm.vmm.kvm.Vm;
import dev.jvmm.vmm.memory.GuestMemory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.util.concurrent.TimeUnit;

import static dev.jvmm.kvm.kvm_h.KVM_RUN;

/**
 * One VM exit, round trip: KVM_RUN into the exitloop guest (which writes a UART register
 * forever), back out, and the exit decoded into a {@link VcpuExit}. Through jvmm's FFM binding,
 * and through JNA (direct mapping), the other binding on jvmm's design card. Run with
 * {@code -prof gc} to see the allocation per exit.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ExitRoundTrip {

    /** libc's ioctl through JNA's direct mapping, its fastest form. */
    static final class JnaLibc {
        static {
            Native.register(NativeLibrary.getInstance("c"));
        }

        static native int ioctl(int fd, long request, long argument);
    }

    private Kvm kvm;
    private Vm vm;
    private GuestMemory memory;
    private Vcpu vcpu;
    private Arena arena;

    @Setup(Level.Trial)
    public void boot() throws IOException {
        ElfImage image;
        try (InputStream in = ExitRoundTrip.class.getResourceAsStream("/dev/jvmm/guest/exitloop.img")) {
            image = ElfImage.parse("exitloop.img", in.readAllBytes());
        }
        kvm = Kvm.open();
        vm = kvm.createVm();
        memory = GuestMemory.allocate(16L << 20);
        vm.setUserMemoryRegion(0, 0, memory.hostMapping());
        long startInfo = PvhBoot.load(image, memory, "4000000000", null);    // writes the UART forever, in effect
        arena = Arena.ofConfined();
        vcpu = vm.createVcpu(0);
        vcpu.setCpuid(kvm.supportedCpuid(arena));
        PvhBoot.enter(vcpu, image.entry(), startInfo);
    }

    @TearDown(Level.Trial)
    public void shutDown() {
        vcpu.close();
        arena.close();
        memory.close();
        vm.close();
        kvm.close();
    }

    @Benchmark
    public VcpuExit ffm() {
        return vcpu.run();
    }

    @Benchmark
    public VcpuExit jna() {
        if (JnaLibc.ioctl(vcpu.fileDescriptor(), KVM_RUN, 0) < 0) {
            throw new IllegalStateException("KVM_RUN failed: errno " + Native.getLastError());
        }
        return vcpu.lastExit();
    }
}
