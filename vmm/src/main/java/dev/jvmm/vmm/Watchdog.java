package dev.jvmm.vmm;

import dev.jvmm.vmm.kvm.Vcpu;
import dev.jvmm.vmm.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Stops a vCPU thread at a deadline, wherever the guest is (kernel or user mode, looping or not).
 *
 * <p>The kick is a signal to the vCPU thread, the way QEMU kicks vCPUs: the thread keeps the
 * signal blocked, and KVM_SET_SIGNAL_MASK unblocks it only inside KVM_RUN. A kick while the guest
 * runs makes KVM_RUN return EINTR; a kick while the VMM handles an exit stays pending and makes
 * the next KVM_RUN return EINTR at once, so no kick is lost. Because the signal is blocked
 * outside KVM_RUN (KVM keeps the thread's own mask in {@code real_blocked}), its default action
 * never runs. {@link #close} joins the timer, takes any pending kick, then restores the mask.
 */
final class Watchdog implements AutoCloseable {
    private static final int KICK = Libc.SIGUSR1;
    private static final int ARMED = 0;
    private static final int FIRED = 1;
    private static final int DISARMED = 2;

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment kickSet = Libc.sigset(arena, KICK);
    private final MemorySegment savedMask = arena.allocate(Libc.SIGSET_SIZE, 8);
    private final AtomicInteger state = new AtomicInteger(ARMED);
    private final Thread timer;

    /** Arms a watchdog for the calling thread, which must be the one that runs {@code vcpu}. */
    Watchdog(Vcpu vcpu, Duration timeout) {
        Libc.pthreadSigmask(Libc.SIG_BLOCK, kickSet, savedMask);
        MemorySegment insideRun = arena.allocate(Libc.SIGSET_SIZE, 8);
        insideRun.copyFrom(savedMask);
        insideRun.set(JAVA_LONG, 0, savedMask.get(JAVA_LONG, 0) & ~(1L << (KICK - 1)));
        vcpu.setSignalMask(insideRun);
        long vcpuThread = Libc.pthreadSelf();
        timer = Thread.ofVirtual().name("jvmm-watchdog").start(() -> {
            try {
                Thread.sleep(timeout);
            } catch (InterruptedException e) {
                return;
            }
            if (state.compareAndSet(ARMED, FIRED)) {
                Libc.pthreadKill(vcpuThread, KICK);
            }
        });
    }

    /** True once the deadline has passed and the vCPU was kicked. */
    boolean fired() {
        return state.get() == FIRED;
    }

    @Override
    public void close() {
        boolean fired = !state.compareAndSet(ARMED, DISARMED);
        timer.interrupt();
        try {
            timer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (fired) {
            Libc.sigtimedwaitNow(kickSet, arena.allocate(16, 8));
        }
        Libc.pthreadSigmask(Libc.SIG_SETMASK, savedMask, MemorySegment.NULL);
        arena.close();
    }
}
