package dev.jvmm.vmm.corpus;

import dev.jvmm.junit.JvmmTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

/** The corpus on jvmm, with the same comparisons as {@link CorpusQemuTest}. */
@JvmmTest
class CorpusJvmmTest {
    static List<Case> cases() {
        return Corpus.cases();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void runsAsOnLinux(Case c) {
        CorpusAssertions.assertAsExpected(c, Guest.jvmm(c));
    }
}
