package dev.jvmm.vmm.corpus;

import dev.jvmm.vmm.Qemu.Environment;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The corpus under QEMU's TCG as an Intel (Skylake-Client) and an AMD (EPYC) CPU, with the
 * bundled kernel: each program's output and status against the host's (or, where the guest
 * differs by design, against the guest's own value).
 */
class CorpusQemuTest {
    @TempDir
    static Path dir;

    static Stream<Arguments> runs() {
        return Stream.of(Environment.TCG_INTEL, Environment.TCG_AMD)
                .flatMap(environment -> Corpus.cases().stream().map(c -> Arguments.of(environment, c)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("runs")
    void runsAsOnLinux(Environment environment, Case c) throws Exception {
        CorpusAssertions.assertAsExpected(c, Guest.qemu(environment, dir, c));
    }
}
