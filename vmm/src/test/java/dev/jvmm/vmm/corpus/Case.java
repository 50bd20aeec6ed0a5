package dev.jvmm.vmm.corpus;

import java.util.List;

/**
 * One run of the corpus: a program, its whole argv (argv[0] included, byte for byte), and what
 * the guest must produce. Most cases must match the same binary run on the host; a few differ
 * by design (the guest's own identity: its kernel release, its user with no user database, its
 * pid 1) and name the guest's own value instead.
 */
public record Case(Program program, List<String> argv, Expected expected) {
    public sealed interface Expected {}

    /** The guest behaves as the host does, given the same argv, environment and empty stdin. */
    public record SameAsHost() implements Expected {}

    /** The guest differs from the host for the reason given, and must produce this. */
    public record ByDesign(String why, Outcome guest) implements Expected {}

    static Case sameAsHost(Program program, String... argv) {
        return new Case(program, List.of(argv), new SameAsHost());
    }

    static Case byDesign(String why, Outcome guest, Program program, String... argv) {
        return new Case(program, List.of(argv), new ByDesign(why, guest));
    }

    /** A short name for reports: the program and its arguments (argv[0] is the program's name). */
    @Override
    public String toString() {
        String args = String.join(" ", argv.subList(1, argv.size())).replace("\n", "\\n").replace("\t", "\\t");
        if (args.length() > 100) {
            args = "(" + (argv.size() - 1) + " arguments, " + args.length() + " characters)";
        }
        if (args.isEmpty()) {
            return program.toString();
        }
        return program + (program.toolchain() == Program.Toolchain.BUSYBOX ? " " : ": ") + args;
    }
}
