/** The generated Panama FFM bindings of linux/kvm.h (see this module's README). */
module dev.jvmm.kvm {
    exports dev.jvmm.kvm;
}
