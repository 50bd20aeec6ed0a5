/**
 * The corpus of real programs (issue 10): unmodified static Linux programs, built at test time
 * from Debian's toolchains ({@link dev.jvmm.vmm.corpus.Program}), run on the host and as the
 * guest's user process, and compared ({@link dev.jvmm.vmm.corpus.CorpusAssertions}).
 *
 * <ul>
 *   <li>{@link dev.jvmm.vmm.corpus.Corpus} lists the cases; a case is a program, its whole argv
 *       and what is expected (the host's outcome, or the guest's own where it differs by design).
 *   <li>{@link dev.jvmm.vmm.corpus.Host} runs the reference; {@link dev.jvmm.vmm.corpus.Guest}
 *       runs the guest under QEMU or jvmm and is the one place that knows how argv travels and how
 *       the program's output is told from the kernel's.
 *   <li>{@link dev.jvmm.vmm.corpus.CorpusQemuTest} (QEMU TCG, Intel and AMD) and
 *       {@link dev.jvmm.vmm.corpus.CorpusJvmmTest} (jvmm, needs /dev/kvm) run the same cases.
 * </ul>
 *
 * Sources: {@code src/test/c} (musl-gcc and gcc -static), {@code src/test/cpp} (g++ -static),
 * {@code src/test/rust} (Debian's /usr/bin/rustc -C target-feature=+crt-static), and Debian's
 * /bin/busybox. Outputs are kept under {@code target/corpus} and {@code target/guest-programs}.
 *
 * <pre>
 * mvn -o -pl vmm -am test -Dtest='CorpusQemuTest' -Dsurefire.failIfNoSpecifiedTests=false
 * mvn -o -pl vmm -am test -Dtest='CorpusJvmmTest' -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
package dev.jvmm.vmm.corpus;
