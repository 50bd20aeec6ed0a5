package dev.jvmm.api;

import java.time.Duration;

/** How a run ended. */
public sealed interface Outcome {
    /** The process exit status {@code jvmm run} reports for this outcome. */
    int exitStatus();

    /** The guest wrote {@code status} to the exit device (port 0x501 or 0xf4). */
    record Exited(int status) implements Outcome {
        @Override
        public int exitStatus() {
            return status;
        }
    }

    /** The timeout expired and the vCPU was stopped: status 124, as timeout(1) exits. */
    record TimedOut(Duration timeout) implements Outcome {
        public static final int EXIT_STATUS = 124;

        @Override
        public int exitStatus() {
            return EXIT_STATUS;
        }
    }

    /**
     * The guest kernel can go no further (triple fault, failed VM entry, KVM internal error, HLT
     * with nothing to wake it): status 126.
     *
     * @param reason    what happened, in a sentence
     * @param registers the vCPU's registers when it happened, one per line
     */
    record GuestDied(String reason, String registers) implements Outcome {
        public static final int EXIT_STATUS = 126;

        @Override
        public int exitStatus() {
            return EXIT_STATUS;
        }
    }
}
