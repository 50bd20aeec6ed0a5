package dev.jvmm.vmm;

import dev.jvmm.vmm.kvm.Vcpu;
import dev.jvmm.vmm.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Brings a vCPU thread out of KVM_RUN: at a deadline, wherever the guest is (kernel or user mode,
 * looping or halted), and, with the in-kernel irqchip, every {@link #PROBE} as well, so that the
 * run loop can look at a guest that halted with interrupts off (KVM keeps such a vCPU waiting
 * inside KVM_RUN, where the VMM would never see it).
 *
 * <p>The kick is a signal to the vCPU thread, the way QEMU kicks vCPUs: the thread keeps the
 * signal blocked, and KVM_SET_SIGNAL_MASK unblocks it only inside KVM_RUN. A kick while the guest
 * runs or waits makes KVM_RUN return EINTR; a kick while the VMM handles an exit stays pending and
 * makes the next KVM_RUN return EINTR at once, so no kick is lost. Because the signal is blocked
 * outside KVM_RUN (KVM puts the thread's own mask back from {@code real_blocked} before it
 * returns), its default action never runs, and it stays pending: the run loop must
 * {@link #takeKick take} it after each EINTR, or every later KVM_RUN returns EINTR at once (QEMU's
 * old kvm_eat_signals did the same). {@link #close} stops the timer, takes any pending kick, then
 * restores the mask.
 */
final class Watchdog implements AutoCloseable {
    /** How often a vCPU is brought out to be looked at: a dead halt is reported within about this long. */
    static final Duration PROBE = Duration.ofMillis(100);
    private static final int KICK = Libc.SIGUSR1;
    private static final int ARMED = 0;
    private static final int FIRED = 1;
    private static final int DISARMED = 2;

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment kickSet = Libc.sigset(arena, KICK);
    private final MemorySegment savedMask = arena.allocate(Libc.SIGSET_SIZE, 8);
    private final MemorySegment zeroTimespec = arena.allocate(16, 8);
    private final AtomicInteger state = new AtomicInteger(ARMED);
    private final Thread timer;
    private final long vcpuThread;
    private boolean closed;

    /**
     * Arms a watchdog for the calling thread, which must be the one that runs {@code vcpu}.
     *
     * @param timeout the deadline, or null for none
     * @param probe   kick every {@link #PROBE} too
     */
    Watchdog(Vcpu vcpu, Duration timeout, boolean probe) {
        Libc.pthreadSigmask(Libc.SIG_BLOCK, kickSet, savedMask);
        MemorySegment insideRun = arena.allocate(Libc.SIGSET_SIZE, 8);
        insideRun.copyFrom(savedMask);
        insideRun.set(JAVA_LONG, 0, savedMask.get(JAVA_LONG, 0) & ~(1L << (KICK - 1)));
        vcpu.setSignalMask(insideRun);
        vcpuThread = Libc.pthreadSelf();
        long deadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
        timer = Thread.ofVirtual().name("jvmm-watchdog").start(() -> {
            while (true) {
                long left = timeout == null ? Long.MAX_VALUE : deadline - System.nanoTime();
                try {
                    Thread.sleep(Duration.ofNanos(probe ? Math.min(left, PROBE.toNanos()) : left));
                } catch (InterruptedException e) {
                    return;
                }
                if (timeout != null && System.nanoTime() - deadline >= 0) {
                    if (state.compareAndSet(ARMED, FIRED)) {
                        kick();
                    }
                    return;
                }
                if (state.get() != ARMED) {
                    return;
                }
                kick();
            }
        });
    }

    /**
     * Brings the vCPU out of KVM_RUN now (another vCPU ended the run), or at its next KVM_RUN.
     * Safe from any thread until {@link #close}, after which it does nothing: the vCPU thread
     * then no longer blocks the signal, whose default action would end the process.
     */
    synchronized void kick() {
        if (!closed) {
            Libc.pthreadKill(vcpuThread, KICK);
        }
    }

    /** True once the deadline has passed and the vCPU was kicked for it. */
    boolean fired() {
        return state.get() == FIRED;
    }

    /** Takes a pending kick, if any, without waiting: after KVM_RUN returned EINTR, and at the end. */
    void takeKick() {
        Libc.sigtimedwaitNow(kickSet, zeroTimespec);
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        state.compareAndSet(ARMED, DISARMED);
        timer.interrupt();
        try {
            timer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        takeKick();     // a kick sent after the last KVM_RUN
        Libc.pthreadSigmask(Libc.SIG_SETMASK, savedMask, MemorySegment.NULL);
        arena.close();
    }
}
