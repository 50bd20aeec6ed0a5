/** Runs a child process with both streams drained and a deadline that kills it. */
module dev.jvmm.process {
    exports dev.jvmm.process;
}
