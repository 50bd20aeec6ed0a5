package dev.jvmm.vmm;

import dev.jvmm.vmm.kvm.VcpuExit;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts a run's VM exits by kind and by I/O port, without allocating per exit: a counter per
 * kind, and per port a two-level table whose 256-port pages appear on first use.
 */
final class ExitCounter {
    private static final int PAGE_BITS = 8;
    private static final int PAGE = 1 << PAGE_BITS;

    private final long[] byKind = new long[VcpuExit.Kind.values().length];
    private final long[][] byPort = new long[PAGE][];
    private long total;

    void count(VcpuExit exit) {
        total++;
        byKind[exit.kind().ordinal()]++;
        int port = exit.port();
        if (port >= 0) {
            long[] page = byPort[port >>> PAGE_BITS];
            if (page == null) {
                page = byPort[port >>> PAGE_BITS] = new long[PAGE];
            }
            page[port & (PAGE - 1)]++;
        }
    }

    long total() {
        return total;
    }

    Map<VcpuExit.Kind, Long> byKind() {
        Map<VcpuExit.Kind, Long> counts = new EnumMap<>(VcpuExit.Kind.class);
        for (VcpuExit.Kind kind : VcpuExit.Kind.values()) {
            if (byKind[kind.ordinal()] > 0) {
                counts.put(kind, byKind[kind.ordinal()]);
            }
        }
        return counts;
    }

    Map<Integer, Long> byPort() {
        Map<Integer, Long> counts = new TreeMap<>();
        for (int page = 0; page < PAGE; page++) {
            for (int i = 0; byPort[page] != null && i < PAGE; i++) {
                if (byPort[page][i] > 0) {
                    counts.put(page << PAGE_BITS | i, byPort[page][i]);
                }
            }
        }
        return counts;
    }
}
