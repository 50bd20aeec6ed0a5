package dev.jvmm.vmm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * When each phase of a run was reached ({@code jvmm run --timings}): marks taken on the monotonic
 * clock by whoever records them in this thread. The VMM marks its phases through {@link #mark},
 * which costs nothing but a check where no one records; a recorder is bound to a thread, for the
 * duration of one call, by {@link #record}, so runs in other threads are not mixed in.
 *
 * <p>Phase names are free text in the order reached: the VMM's are {@link #VM_CREATED},
 * {@link #MEMORY_MAPPED}, {@link #GUEST_LOADED}, {@link #FIRST_KVM_RUN}, {@link #GUEST_EXIT}; the
 * guest kernel's own phases, read from its clock, join the same list through {@link #addKernel}.
 */
public final class Phases {
    public static final String VM_CREATED = "VM created";
    public static final String MEMORY_MAPPED = "memory mapped";
    public static final String GUEST_LOADED = "guest loaded";
    public static final String FIRST_KVM_RUN = "first KVM_RUN";
    public static final String GUEST_EXIT = "guest exit";

    private static final ScopedValue<Phases> CURRENT = ScopedValue.newInstance();

    /** One phase: its name and when it was reached ({@link System#nanoTime}). */
    public record Mark(String name, long nanoTime) {}

    private final List<Mark> marks = new ArrayList<>();

    /** Records {@code name} as reached now, in this recorder. */
    public void add(String name) {
        marks.add(new Mark(name, System.nanoTime()));
    }

    /** How the kernel's phases are named among the marks: "kernel long", "kernel tables", ... */
    public static final String KERNEL_PREFIX = "kernel ";

    /**
     * Joins the bundled kernel's boot phases ({@code KernelReport.bootPhases()}: microseconds since
     * its first instruction, by its own clock) to the marks, named {@value #KERNEL_PREFIX} and the
     * phase, in time order. The kernel's first instruction is placed at {@link #FIRST_KVM_RUN}
     * (the guest starts there), so "first" itself adds nothing; without that mark, nothing is added.
     */
    public void addKernel(Map<String, Long> microsSinceFirstInstruction) {
        Mark start = marks.stream().filter(mark -> mark.name().equals(FIRST_KVM_RUN)).findFirst().orElse(null);
        if (start == null) {
            return;
        }
        microsSinceFirstInstruction.forEach((phase, micros) -> {
            if (!phase.equals("first")) {
                marks.add(new Mark(KERNEL_PREFIX + phase, start.nanoTime() + micros * 1000));
            }
        });
        marks.sort(Comparator.comparingLong(Mark::nanoTime));
    }

    /** The phases reached so far, in order. */
    public List<Mark> marks() {
        return Collections.unmodifiableList(marks);
    }

    /** Records {@code name} as reached now, if this thread is recording (inside {@link #record}). */
    public static void mark(String name) {
        if (CURRENT.isBound()) {
            CURRENT.get().add(name);
        }
    }

    /** {@link #mark} of {@code name}, then {@code value}: for a phase reached by creating something. */
    public static <T> T marked(String name, T value) {
        mark(name);
        return value;
    }

    /** Runs {@code operation} with this recorder receiving the marks of this thread. */
    public <R, X extends Throwable> R record(ScopedValue.CallableOp<? extends R, X> operation) throws X {
        return ScopedValue.where(CURRENT, this).call(operation);
    }
}
