package dev.jvmm.junit;

import dev.jvmm.api.Console;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a {@link dev.jvmm.api.VmResult} parameter of a {@link JvmmTest}: boot the bundled kernel
 * (or {@link #image()}) with this program and arguments, run it to the end, and pass the result.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Boot {
    /**
     * A static x86-64 Linux program (a path: in the {@link #initrd} when it holds it, else on the
     * host), or a built-in one by name: "demo" (the default) or "jvmm-bench" (a file of such a name
     * is "./demo").
     */
    String program() default "demo";

    String[] args() default {};

    /** Environment settings, "NAME=VALUE", over {@link dev.jvmm.api.MicroVm#DEFAULT_ENVIRONMENT} (PATH, HOME). */
    String[] env() default {};

    /** Start from an empty environment instead of the defaults. */
    boolean clearEnv() default false;

    /** Extra words for the guest kernel's command line. */
    String cmdline() default "";

    /** An initramfs, a newc cpio archive (a path; "" for none): the program may be a path in it. */
    String initrd() default "";

    /** A PVH image instead of the bundled kernel ("" for the bundled one). */
    String image() default "";

    /**
     * Where the program's streams go: AUTO (a virtio console for the bundled kernel, COM1 for
     * other images), VIRTIO or SERIAL (docs/api.md).
     */
    Console console() default Console.AUTO;

    /** Guest RAM in MiB. */
    int memoryMiB() default 128;

    /** Seconds the guest may run. */
    int timeoutSeconds() default 60;
}
