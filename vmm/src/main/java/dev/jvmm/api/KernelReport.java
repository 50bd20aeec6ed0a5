package dev.jvmm.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the bundled kernel reported on its console (docs/kernel.md, "Boot report"): the CPU, the
 * clock and the timer, the entry-path probe and the gate it chose, its boot phases, how the program ended, and the system calls
 * that entered the kernel, by number. Fields are null (or empty) when the kernel did not get as
 * far as reporting them, or when the image is not jvmm's kernel.
 *
 * @param clock           the clock the kernel and the vDSO read: "kvm-clock", or "tsc ... kHz, ..."
 * @param timer           the interrupt sleeps wait for: "x2apic tsc-deadline", "xapic one-shot N kHz", ...,
 *                        or "none (why)" when sleeps wait on the clock
 * @param entryPaths      syscall, sysenter, int80 -> native, emulated or unavailable
 * @param exitStatus      the program's exit status, if it exited
 * @param killedBySignal  the signal that killed the program, if one did
 * @param syscalls        system calls that entered the kernel, by number (those the vDSO served are not here)
 * @param unimplemented   calls without a handler, by number (-1 for numbers at or above 512)
 * @param unimplementedNames the Linux names of those calls, by number (numbers Linux does not
 *                        assign have none)
 * @param bootPhases      the kernel's boot phases from its own clock, in microseconds since its first
 *                        instruction, in order: first (0), long (long mode), tables, clock, probe, user (the
 *                        program loaded, about to run); empty when the kernel ran no program
 */
public record KernelReport(String cpuVendor, String clock, String timer, Map<String, String> entryPaths, String gate,
                           Integer exitStatus, Integer killedBySignal, long syscallsTotal,
                           Map<Integer, Long> syscalls, Map<Integer, Long> unimplemented,
                           Map<Integer, String> unimplementedNames, Map<String, Long> bootPhases) {

    /** How each line of the kernel's report begins. */
    public static final String LINE_PREFIX = "jvmm-kernel: ";

    private static final Pattern ENTRY = Pattern.compile("jvmm-kernel: entry cpu=(\\S+) (.*) gate=(\\S+)");
    private static final Pattern CLOCK = Pattern.compile("jvmm-kernel: clock (.*?)(?:; timer (.*))?");
    private static final Pattern EXIT = Pattern.compile("jvmm-kernel: exit (\\d+)");
    private static final Pattern PHASES = Pattern.compile("jvmm-kernel: phases ((?:\\w+=\\d+ ?)+) \\(us\\)");
    private static final Pattern KILLED = Pattern.compile("jvmm-kernel: killed by signal (\\d+) .*");
    private static final Pattern SYSCALLS = Pattern.compile("jvmm-kernel: syscalls (\\d+)(?: \\((.*)\\))?, unimplemented (\\d+)(?:: (.*))?");
    /** "1 x2" (by number) or "202 futex (x1)", ">=512 (x1)" (unimplemented, named where Linux names it). */
    private static final Pattern COUNT = Pattern.compile("(>=512|\\d+)(?: ([a-z0-9_]+))? \\(?x(\\d+)\\)?");

    public static KernelReport parse(List<String> serial) {
        String vendor = null;
        String clock = null;
        String timer = null;
        String gate = null;
        Integer exit = null;
        Integer signal = null;
        long total = 0;
        Map<String, String> paths = new LinkedHashMap<>();
        Map<Integer, Long> syscalls = new TreeMap<>();
        Map<Integer, Long> unimplemented = new TreeMap<>();
        Map<Integer, String> names = new TreeMap<>();
        Map<String, Long> phases = new LinkedHashMap<>();
        for (String serialLine : serial) {
            String line = serialLine.substring(Math.max(0, gluedReport(serialLine)));
            Matcher m;
            if ((m = ENTRY.matcher(line)).matches()) {
                vendor = m.group(1);
                gate = m.group(3);
                for (String word : m.group(2).split(" ")) {
                    String[] pair = word.split("=", 2);
                    paths.put(pair[0], pair.length > 1 ? pair[1] : "");
                }
            } else if ((m = CLOCK.matcher(line)).matches()) {
                clock = m.group(1);
                timer = m.group(2);
            } else if ((m = PHASES.matcher(line)).matches()) {
                for (String word : m.group(1).strip().split(" ")) {
                    String[] pair = word.split("=", 2);
                    phases.put(pair[0], Long.parseLong(pair[1]));
                }
            } else if ((m = EXIT.matcher(line)).matches()) {
                exit = Integer.parseInt(m.group(1));
            } else if ((m = KILLED.matcher(line)).matches()) {
                signal = Integer.parseInt(m.group(1));
            } else if ((m = SYSCALLS.matcher(line)).matches()) {
                total = Long.parseLong(m.group(1));
                counts(m.group(2), syscalls, names);
                counts(m.group(4), unimplemented, names);
            }
        }
        return new KernelReport(vendor, clock, timer, Collections.unmodifiableMap(paths), gate, exit, signal, total,
                Collections.unmodifiableMap(syscalls), Collections.unmodifiableMap(unimplemented),
                Collections.unmodifiableMap(names), Collections.unmodifiableMap(phases));
    }

    /**
     * Where a line's glued exit report begins, or -1. The kernel does not start its exit report on
     * a new line: after a program whose last output had no newline, the report's first line
     * ({@code exit N} or {@code killed by signal ...}) ends that line.
     */
    static int gluedReport(String line) {
        int at = line.lastIndexOf(LINE_PREFIX);
        if (at <= 0) {
            return -1;
        }
        String report = line.substring(at);
        return EXIT.matcher(report).matches() || KILLED.matcher(report).matches() ? at : -1;
    }

    private static void counts(String list, Map<Integer, Long> into, Map<Integer, String> names) {
        if (list == null) {
            return;
        }
        for (String item : list.split(", ")) {
            Matcher m = COUNT.matcher(item.strip());
            if (m.matches()) {
                int number = m.group(1).equals(">=512") ? -1 : Integer.parseInt(m.group(1));
                into.put(number, Long.parseLong(m.group(3)));
                if (m.group(2) != null) {
                    names.put(number, m.group(2));
                }
            }
        }
    }

    /** How many times system call {@code number} entered the kernel. */
    public long syscallCount(int number) {
        return syscalls.getOrDefault(number, 0L) + unimplemented.getOrDefault(number, 0L);
    }
}
