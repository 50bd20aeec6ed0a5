package dev.jvmm.vmm.corpus;

import java.util.List;

/**
 * What a user sees of one run: the exit status (128 + the signal for a killed program, as a
 * shell reports it) and everything the program wrote to stdout and stderr, in order. Where the
 * two streams arrived apart (jvmm's virtio console), {@code stderr} holds the second one and
 * {@code output} only stdout; elsewhere (the host's one pipe, a serial console) {@code stderr}
 * is null.
 */
public record Outcome(int status, String output, String stderr) {
    public Outcome(int status, String output) {
        this(status, output, null);
    }

    /**
     * This outcome with one stream, to compare with {@code reference} (which has one): stdout and
     * stderr interleaved line by line as in the reference, where their lines can be so
     * interleaved; otherwise both, stderr marked, so that the comparison fails and shows them.
     */
    Outcome mergedLike(Outcome reference) {
        if (stderr == null) {
            return this;
        }
        if (stderr.isEmpty() || output.isEmpty()) {
            return new Outcome(status, output + stderr);
        }
        boolean interleaves = interleaving(lines(output), lines(stderr), lines(reference.output()));
        return new Outcome(status, interleaves ? reference.output() : output + "[stderr]" + stderr);
    }

    /** Whether {@code merged} is {@code a} and {@code b} interleaved, each in its own order. */
    private static boolean interleaving(List<String> a, List<String> b, List<String> merged) {
        if (a.size() + b.size() != merged.size()) {
            return false;
        }
        boolean[][] can = new boolean[a.size() + 1][b.size() + 1];
        can[0][0] = true;
        for (int i = 0; i <= a.size(); i++) {
            for (int j = 0; j <= b.size(); j++) {
                String next = i + j < merged.size() ? merged.get(i + j) : null;
                if (can[i][j] && i < a.size() && a.get(i).equals(next)) {
                    can[i + 1][j] = true;
                }
                if (can[i][j] && j < b.size() && b.get(j).equals(next)) {
                    can[i][j + 1] = true;
                }
            }
        }
        return can[a.size()][b.size()];
    }

    /** The text's lines, each with its newline (a last line without one stays apart). */
    private static List<String> lines(String text) {
        return List.of(text.split("(?<=\n)"));
    }

    @Override
    public String toString() {
        return "status " + status + ", output \"" + output.replace("\n", "\\n") + "\""
                + (stderr == null ? "" : ", stderr \"" + stderr.replace("\n", "\\n") + "\"");
    }
}
