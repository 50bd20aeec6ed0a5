package dev.jvmm.api;

import java.util.Locale;

/** The system-call entry path the bundled kernel's gate uses (docs/kernel.md): {@code entry=} on its command line. */
public enum EntryPath {
    /** The first path the kernel's probe finds native on this CPU. */
    AUTO,
    SYSCALL,
    SYSENTER,
    INT80;

    /** The word's value on the kernel command line: {@code auto}, {@code syscall}, ... */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
