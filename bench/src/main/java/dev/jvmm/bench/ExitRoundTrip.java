package dev.jvmm.bench;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import dev.jvmm.vmm.Machine;
import dev.jvmm.vmm.boot.ElfImage;
import dev.jvmm.vmm.kvm.Vcpu;
import dev.jvmm.vmm.kvm.VcpuExit;
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
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

import static dev.jvmm.kvm.kvm_h.KVM_RUN;

/**
 * One VM exit, round trip: KVM_RUN into the exitloop guest (which writes a UART register
 * forever), back out, and the exit decoded into a {@link VcpuExit}. Through jvmm's FFM binding,
 * and through JNA (direct mapping), the other binding on jvmm's design card. Run with
 * {@code -prof gc} to see the allocation per exit.
 *
 * <p>The machine is built as every run builds it ({@link Machine#create}: KVM, memory, image,
 * CPUID, devices); the benchmark then drives its vCPU's KVM_RUN directly, to time the exit alone.
 * A vCPU belongs to the thread that creates it: JMH runs this thread-scoped state's set-up, the
 * benchmark and the tear-down on its one worker thread.
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

    private Machine machine;
    private Vcpu vcpu;

    @Setup(Level.Trial)
    public void boot() throws IOException {
        ElfImage image;
        try (InputStream in = ExitRoundTrip.class.getResourceAsStream("/dev/jvmm/guest/exitloop.img")) {
            image = ElfImage.parse("exitloop.img", in.readAllBytes());
        }
        // 4e9 UART writes: forever, in effect.
        machine = Machine.create(new Machine.Config(image, 16L << 20, "4000000000", null, null, OutputStream.nullOutputStream()));
        vcpu = machine.vcpu();
    }

    @TearDown(Level.Trial)
    public void shutDown() {
        machine.close();
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
