/**
 * The {@code jvmm} command ({@code run}, {@code info}, {@code bench}, {@code initrd}) and its
 * benchmark harness, on top of the library (module {@code dev.jvmm}), which exports to it the
 * parts of the VMM it needs beyond the API. Started by the launcher {@code ./jvmm}, on the class path.
 */
module dev.jvmm.cli {
    requires dev.jvmm;
    requires dev.jvmm.kvm;
    requires dev.jvmm.process;
    requires info.picocli;
    requires org.apache.commons.compress;
}
