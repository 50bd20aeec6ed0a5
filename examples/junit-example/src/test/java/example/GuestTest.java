package example;

import dev.jvmm.api.MicroVm;
import dev.jvmm.api.VmResult;
import dev.jvmm.junit.Boot;
import dev.jvmm.junit.JvmmTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@JvmmTest
class GuestTest {

    @Test
    void theDemoRunsWithItsArguments(@Boot(args = {"hello", "from a test"}) VmResult demo) {
        assertEquals(0, demo.exitStatus());
        assertTrue(demo.programLines().contains("jvmm-demo: argv[2] = from a test"));   // the demo's stdout
        assertEquals(0, demo.kernel().syscallCount(228), "clock_gettime never entered the kernel");
    }

    @Test
    void aRunnerBuildsAndRunsVms(MicroVm.Builder vm) {
        List<String> lines = new ArrayList<>();
        VmResult result = vm.cmdline("exit=7")
                .timeout(Duration.ofSeconds(30))
                .onSerialLine(lines::add)                   // streamed while the guest runs
                .build()
                .run();
        assertEquals(7, result.exitStatus());
        assertEquals(result.serialLines(), lines);
        assertTrue(result.kernel().entryPaths().containsKey("sysenter"));
    }
}
