package dev.jvmm.junit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test (class or method) that boots microVMs with jvmm. Its parameters can be a
 * {@link dev.jvmm.api.MicroVm.Builder} (a runner: build and run VMs as the test likes) or a
 * {@link dev.jvmm.api.VmResult} annotated with {@link Boot} (a VM booted and run before the
 * test). Where /dev/kvm is not usable the test is skipped with the reason, unless it is strict
 * ({@link #strict()}, or the system property {@code jvmm.strict=true}): then it fails. Such tests
 * carry the JUnit tag {@value #TAG}, so a build can run them apart (Surefire's {@code groups} and
 * {@code excludedGroups}), e.g. on a machine that has KVM.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(JvmmExtension.class)
@Tag(JvmmTest.TAG)
public @interface JvmmTest {
    /** The JUnit tag of every test that boots microVMs. */
    String TAG = "kvm";


    /** Fail, rather than skip, where KVM is not usable (as a CI runner that must test should). */
    boolean strict() default false;
}
