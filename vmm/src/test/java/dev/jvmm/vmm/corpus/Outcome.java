package dev.jvmm.vmm.corpus;

/**
 * What a user sees of one run: the exit status (128 + the signal for a killed program, as a
 * shell reports it) and everything the program wrote to stdout and stderr, in order.
 */
public record Outcome(int status, String output) {
    @Override
    public String toString() {
        return "status " + status + ", output \"" + output.replace("\n", "\\n") + "\"";
    }
}
