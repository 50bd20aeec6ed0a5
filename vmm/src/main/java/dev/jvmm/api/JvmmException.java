package dev.jvmm.api;

/**
 * A failure of jvmm itself, or of its inputs and host, as opposed to something the guest did: a
 * bad image, a missing /dev/kvm, an ioctl the host refused, a command line that does not fit. The
 * message is one line meant for the user: what was wrong and, where there is one, what to do.
 */
public class JvmmException extends RuntimeException {
    public JvmmException(String message) {
        super(message);
    }

    public JvmmException(String message, Throwable cause) {
        super(message, cause);
    }
}
