package dev.jvmm.vmm.kvm;

import dev.jvmm.vmm.JvmmException;
import dev.jvmm.vmm.sys.Libc;

/** An ioctl on a KVM file descriptor failed: which one, and the errno it returned. */
public final class KvmException extends JvmmException {
    private final String operation;
    private final int errno;

    KvmException(String operation, int errno) {
        this(operation, errno, "");
    }

    KvmException(String operation, int errno, String hint) {
        super(operation + " failed: " + Libc.strerror(errno) + " (errno " + errno + ")" + (hint.isEmpty() ? "" : "; " + hint));
        this.operation = operation;
        this.errno = errno;
    }

    /** The ioctl (or call) that failed, e.g. {@code KVM_CREATE_VM}. */
    public String operation() {
        return operation;
    }

    public int errno() {
        return errno;
    }
}
