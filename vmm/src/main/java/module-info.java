/**
 * jvmm as a library: {@link dev.jvmm.api.MicroVm} boots and runs a microVM on KVM, and
 * {@link dev.jvmm.junit.JvmmTest} brings it to JUnit 5 tests. Only these two packages are
 * exported; the VMM behind them ({@code dev.jvmm.vmm} and below) may change at any time.
 *
 * <p>The module needs native access for FFM ({@code --enable-native-access=dev.jvmm} on the
 * module path, {@code ALL-UNNAMED} on the class path), and the bundled guest kernel, the
 * {@code jvmm-guest-kernel} jar, where its class loader sees it (the class path, or the module
 * path with {@code --add-modules jvmm.guest.kernel}).
 */
module dev.jvmm {
    requires dev.jvmm.kvm;
    requires org.apache.commons.compress;
    // The extension's types appear in its signatures: a test module that reads dev.jvmm reads them too.
    requires static transitive org.junit.jupiter.api;
    requires static org.junit.platform.commons;

    exports dev.jvmm.api;
    exports dev.jvmm.junit;

    // The jvmm command (module dev.jvmm.cli) reaches past the API: its benchmarks drive Machine on
    // images of their own, info asks KVM what it supports, and its options check against the VMM's limits.
    exports dev.jvmm.vmm to dev.jvmm.cli;
    exports dev.jvmm.vmm.boot to dev.jvmm.cli;
    exports dev.jvmm.vmm.kvm to dev.jvmm.cli;
    exports dev.jvmm.vmm.memory to dev.jvmm.cli;

    // JUnit instantiates the extension reflectively.
    opens dev.jvmm.junit to org.junit.platform.commons;
}
