package dev.jvmm.cli.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The host side, in the same run: the host's own vDSO clock_gettime and a null system call
 * (getppid), each called through FFM from this JVM, with an FFM call of a no-op libc function
 * (labs) as the baseline that both include.
 */
public final class HostBench {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle CLOCK_GETTIME = downcall("clock_gettime", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle GETPPID = downcall("getppid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle LABS = downcall("labs", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG));
    private static final int CLOCK_MONOTONIC = 1;

    private HostBench() {}

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor);
    }

    public static List<Row> run(int callsPerRound, int rounds) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment timespec = arena.allocate(16, 8);
            for (int i = 0; i < 3; i++) {               // warm-up: the timed rounds run compiled code
                clockGettime(timespec, callsPerRound);
                getppid(callsPerRound);
                baseline(callsPerRound);
            }
            double[] vdso = new double[rounds];
            double[] syscall = new double[rounds];
            double[] ffm = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                vdso[r] = clockGettime(timespec, callsPerRound);
                syscall[r] = getppid(callsPerRound);
                ffm[r] = baseline(callsPerRound);
            }
            return List.of(
                    Row.of("host", "vDSO clock_gettime (through FFM)", "ns", Stats.of(vdso), "the host kernel's own vDSO"),
                    Row.of("host", "null system call getppid (through FFM)", "ns", Stats.of(syscall), "the host kernel"),
                    Row.of("host", "FFM call of labs (baseline)", "ns", Stats.of(ffm), "included in the two above"));
        }
    }

    private static double clockGettime(MemorySegment timespec, int calls) {
        try {
            long start = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                int ignored = (int) CLOCK_GETTIME.invokeExact(CLOCK_MONOTONIC, timespec);
            }
            return (double) (System.nanoTime() - start) / calls;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static double getppid(int calls) {
        try {
            long start = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                int ignored = (int) GETPPID.invokeExact();
            }
            return (double) (System.nanoTime() - start) / calls;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static double baseline(int calls) {
        try {
            long start = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                long ignored = (long) LABS.invokeExact((long) -i);
            }
            return (double) (System.nanoTime() - start) / calls;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
