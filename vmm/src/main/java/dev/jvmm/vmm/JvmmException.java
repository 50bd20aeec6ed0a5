package dev.jvmm.vmm;

/**
 * The VMM's own {@link dev.jvmm.api.JvmmException}: what its internals throw, a subclass so that
 * users of the API catch every failure as the API's type.
 */
public class JvmmException extends dev.jvmm.api.JvmmException {
    public JvmmException(String message) {
        super(message);
    }

    public JvmmException(String message, Throwable cause) {
        super(message, cause);
    }
}
