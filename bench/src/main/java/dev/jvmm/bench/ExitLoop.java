package dev.jvmm.bench;

import dev.jvmm.vmm.Machine;
import dev.jvmm.vmm.RunResult;
import dev.jvmm.vmm.boot.ElfImage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

/**
 * A whole jvmm run of the exitloop guest: VM set-up, {@code exits} UART writes handled by the
 * machine's own run loop and device bus, and tear-down. With {@code -prof gc},
 * gc.alloc.rate.norm divided by {@code exits} bounds what the loop allocates per exit (the
 * set-up's own allocation is spread over the exits too).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ExitLoop {
    @Param({"100000"})
    public int exits;

    private ElfImage image;

    @Setup(Level.Trial)
    public void load() throws IOException {
        try (InputStream in = ExitLoop.class.getResourceAsStream("/dev/jvmm/guest/exitloop.img")) {
            image = ElfImage.parse("exitloop.img", in.readAllBytes());
        }
    }

    @Benchmark
    public RunResult run() {
        RunResult result = Machine.run(new Machine.Config(image, 16L << 20, Integer.toString(exits), null, null,
                OutputStream.nullOutputStream()));
        if (!(result.outcome() instanceof RunResult.Exited(int status)) || status != 0) {
            throw new IllegalStateException("the exitloop guest did not finish: " + result.outcome());
        }
        return result;
    }
}
