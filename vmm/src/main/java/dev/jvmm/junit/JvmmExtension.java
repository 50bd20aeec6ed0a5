package dev.jvmm.junit;

import dev.jvmm.api.JvmmException;
import dev.jvmm.api.MicroVm;
import dev.jvmm.api.VmResult;
import dev.jvmm.vmm.kvm.Kvm;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JUnit 5 extension behind {@link JvmmTest}: skips (or, strict, fails) where /dev/kvm is
 * not usable, and resolves {@link MicroVm.Builder} and {@link Boot}-annotated {@link VmResult}
 * parameters.
 */
public final class JvmmExtension implements ExecutionCondition, BeforeEachCallback, ParameterResolver {
    /** The system property that makes every {@link JvmmTest} strict. */
    public static final String STRICT_PROPERTY = "jvmm.strict";
    /**
     * The system property naming the KVM device the tests' VMs open instead of /dev/kvm: for
     * diagnosis, and for tests of what users see without KVM. Read here, at the edge; the VMM is
     * given the device.
     */
    public static final String DEVICE_PROPERTY = "jvmm.kvm.device";

    /** Why KVM is not usable here, by device, or empty if it is (checked once per device and JVM). */
    private static final Map<String, Optional<String>> KVM_PROBLEMS = new ConcurrentHashMap<>();

    /** JUnit creates the extension, for {@link JvmmTest}. */
    public JvmmExtension() {
    }

    private static String device() {
        return System.getProperty(DEVICE_PROPERTY, Kvm.DEVICE);
    }

    private static Optional<String> kvmProblem() {
        return KVM_PROBLEMS.computeIfAbsent(device(), device -> {
            try (Kvm kvm = Kvm.open(device)) {
                return Optional.empty();
            } catch (JvmmException e) {
                return Optional.of(e.getMessage());
            }
        });
    }

    private static boolean strict(ExtensionContext context) {
        if (Boolean.getBoolean(STRICT_PROPERTY)) {
            return true;
        }
        Optional<JvmmTest> onMethod = context.getTestMethod().flatMap(m -> AnnotationSupport.findAnnotation(m, JvmmTest.class));
        Optional<JvmmTest> onClass = context.getTestClass().flatMap(c -> AnnotationSupport.findAnnotation(c, JvmmTest.class));
        return onMethod.or(() -> onClass).map(JvmmTest::strict).orElse(false);
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<String> problem = kvmProblem();
        if (problem.isEmpty()) {
            return ConditionEvaluationResult.enabled("KVM is usable");
        }
        if (strict(context)) {
            return ConditionEvaluationResult.enabled("strict: the test fails where KVM is not usable");
        }
        return ConditionEvaluationResult.disabled("KVM is not usable here: " + problem.get());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        kvmProblem().ifPresent(problem -> {
            throw new IllegalStateException("jvmm test needs KVM (strict): " + problem);
        });
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == MicroVm.Builder.class || (type == VmResult.class && parameter.isAnnotated(Boot.class));
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        if (parameter.getParameter().getType() == MicroVm.Builder.class) {
            return MicroVm.builder().kvmDevice(Path.of(device()));
        }
        Boot boot = parameter.findAnnotation(Boot.class).orElseThrow();
        try {
            MicroVm.Builder builder = MicroVm.builder()
                    .kvmDevice(Path.of(device()))
                    .memory((long) boot.memoryMiB() << 20)
                    .cmdline(boot.cmdline())
                    .console(boot.console())
                    .timeout(Duration.ofSeconds(boot.timeoutSeconds()));
            if (boot.clearEnv()) {
                builder.environment(Map.of());
            }
            for (String setting : boot.env()) {
                builder.env(setting);
            }
            if (!boot.image().isEmpty()) {
                builder.image(Path.of(boot.image()));
            }
            if (!boot.initrd().isEmpty()) {
                builder.initrd(Path.of(boot.initrd()));
            }
            if (MicroVm.BUILT_IN_PROGRAMS.contains(boot.program())) {
                builder.builtInProgram(boot.program(), boot.args());
            } else {
                List<String> argv = new ArrayList<>(List.of(boot.program()));
                argv.addAll(List.of(boot.args()));
                builder.program(argv);
            }
            return builder.build().run();
        } catch (JvmmException e) {
            throw new ParameterResolutionException("jvmm could not boot the VM for " + parameter.getParameter() + ": " + e.getMessage(), e);
        }
    }
}
