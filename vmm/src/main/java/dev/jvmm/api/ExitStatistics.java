package dev.jvmm.api;

import java.util.Map;

/**
 * A run's VM exits (each return from KVM_RUN), as the VMM counted them.
 *
 * @param total          every exit
 * @param byKind         by kind, named as {@code jvmm run --trace-exits} names them ({@code io-out},
 *                       {@code mmio-write}, {@code interrupted}, ...), in the VMM's order
 * @param byPort         port-I/O exits by port, in ascending order
 * @param unclaimedPorts accesses to I/O ports no device claims, by port
 * @param unclaimedMmio  MMIO accesses no device claims
 */
public record ExitStatistics(long total, Map<String, Long> byKind, Map<Integer, Long> byPort,
                             Map<Integer, Long> unclaimedPorts, long unclaimedMmio) {}
