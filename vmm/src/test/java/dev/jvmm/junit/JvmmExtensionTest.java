package dev.jvmm.junit;

import dev.jvmm.api.MicroVm;
import dev.jvmm.api.VmResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.engine.TestExecutionResult;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/** The extension, seen from outside: what a test class that uses it reports, with and without KVM. */
class JvmmExtensionTest {

    /** A user's test class (run through the JUnit launcher by the tests below, not directly). */
    @JvmmTest
    static class UsersTest {
        @Test
        void bootsTheDemo(@Boot(args = {"from", "junit"}) VmResult demo) {
            assertEquals(0, demo.exitStatus());
            assertTrue(demo.programLines().contains("jvmm-demo: argv[2] = junit"), demo.stdoutText());
        }

        @Test
        void runsWithTheInjectedRunner(MicroVm.Builder vm) {
            VmResult result = vm.cmdline("exit=5").build().run();
            assertEquals(5, result.exitStatus());
            assertEquals("syscall", result.kernel().gate());
        }
    }

    @JvmmTest(strict = true)
    static class StrictTest {
        @Test
        void needsKvm(MicroVm.Builder vm) {
            vm.build().run();
        }
    }

    record Outcome(String test, String status, String detail) {}

    static List<Outcome> run(Class<?> testClass) {
        List<Outcome> outcomes = new ArrayList<>();
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectClass(testClass))
                .configurationParameter("junit.jupiter.conditions.deactivate", "")
                .build();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(request, new TestExecutionListener() {
            @Override
            public void executionSkipped(TestIdentifier test, String reason) {
                outcomes.add(new Outcome(test.getDisplayName(), "skipped", reason));
            }

            @Override
            public void executionFinished(TestIdentifier test, TestExecutionResult result) {
                if (test.isTest()) {
                    outcomes.add(new Outcome(test.getDisplayName(), result.getStatus().name(),
                            result.getThrowable().map(Throwable::getMessage).orElse("")));
                }
            }
        });
        return outcomes;
    }

    @AfterEach
    void restore() {
        System.clearProperty("jvmm.kvm.device");
        System.setProperty(JvmmExtension.STRICT_PROPERTY, "true");
    }

    @Test
    @Tag(JvmmTest.TAG)
    void withKvmTheTestsBootAndRunVms() {
        List<Outcome> outcomes = run(UsersTest.class);
        assertEquals(2, outcomes.size(), outcomes.toString());
        assertTrue(outcomes.stream().allMatch(o -> o.status().equals("SUCCESSFUL")), outcomes.toString());
    }

    @Test
    void withoutKvmTheyAreSkippedWithTheReason() {
        System.setProperty("jvmm.kvm.device", "/dev/no-kvm-here");
        System.clearProperty(JvmmExtension.STRICT_PROPERTY);
        List<Outcome> outcomes = run(UsersTest.class);
        assertEquals(1, outcomes.size(), "the class is skipped as a whole: " + outcomes);
        assertEquals("skipped", outcomes.getFirst().status());
        assertTrue(outcomes.getFirst().detail().startsWith("KVM is not usable here: cannot open /dev/no-kvm-here: no such device"),
                outcomes.getFirst().detail());
    }

    @Test
    void strictTestsFailWithoutKvm() {
        System.setProperty("jvmm.kvm.device", "/dev/no-kvm-here");
        System.clearProperty(JvmmExtension.STRICT_PROPERTY);
        List<Outcome> strictClass = run(StrictTest.class);
        assertEquals(List.of("FAILED"), strictClass.stream().map(Outcome::status).toList(), strictClass.toString());
        assertTrue(strictClass.getFirst().detail().startsWith("jvmm test needs KVM (strict): cannot open /dev/no-kvm-here"),
                strictClass.toString());
        System.setProperty(JvmmExtension.STRICT_PROPERTY, "true");
        List<Outcome> byProperty = run(UsersTest.class);
        assertTrue(byProperty.size() == 2 && byProperty.stream().allMatch(o -> o.status().equals("FAILED")), byProperty.toString());
    }
}
