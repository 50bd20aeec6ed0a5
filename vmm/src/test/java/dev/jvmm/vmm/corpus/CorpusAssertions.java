package dev.jvmm.vmm.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The one comparison every guest run of the corpus gets, whichever VMM ran it. */
final class CorpusAssertions {
    private CorpusAssertions() {}

    static void assertAsExpected(Case c, Guest.Run guest) {
        switch (c.expected()) {
            case Case.SameAsHost() -> {
                Outcome host = Host.run(c);
                assertEquals(host, guest.outcome().mergedLike(host),
                        c + " on " + guest.where() + ": the guest must do what the host does\n" + guest.explanation());
            }
            case Case.ByDesign(String why, Outcome expected) -> assertEquals(expected, guest.outcome().mergedLike(expected),
                    c + " on " + guest.where() + ": differs from the host by design (" + why
                            + "), so the guest's own value is checked\n" + guest.explanation());
        }
    }
}
