package dev.jvmm.tools.reports;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SlowestTestsTest {
    @TempDir
    Path root;

    private void report(String module, String suite, String suiteTime, String... cases) throws IOException {
        Path dir = Files.createDirectories(root.resolve(module).resolve("target/surefire-reports"));
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"" + suite
                + "\" time=\"" + suiteTime + "\" tests=\"" + cases.length / 2 + "\">\n<properties><property name=\"a\" value=\"b\"/></properties>\n");
        for (int i = 0; i < cases.length; i += 2) {
            xml.append("<testcase name=\"").append(cases[i]).append("\" classname=\"").append(suite)
                    .append("\" time=\"").append(cases[i + 1]).append("\"/>\n");
        }
        Files.writeString(dir.resolve("TEST-" + suite + ".xml"), xml.append("</testsuite>\n"));
    }

    @Test
    void listsTheSlowestCasesAndClassSetUpAcrossModules() throws IOException {
        report("vmm", "a.FastTest", "0.3", "one", "0.1", "two", "0.2");
        report("vmm", "a.SlowTest", "1,250.5", "big", "1,200.25", "small", "0.25");
        report("examples/junit-example", "example.GuestTest", "2.0", "boots", "1.5");
        Files.writeString(root.resolve("vmm/target/surefire-reports/a.FastTest.txt"), "not xml");
        Files.createDirectories(root.resolve("vmm/target/other"));
        Files.writeString(root.resolve("vmm/target/other/TEST-x.xml"), "<not a report");

        List<SlowestTests.Timing> slowest = SlowestTests.slowest(SlowestTests.reports(root), 4);
        assertEquals(List.of(
                new SlowestTests.Timing("a.SlowTest.big", 1200.25),
                new SlowestTests.Timing("a.SlowTest (outside its tests: set-up, tear-down)", 50.0),
                new SlowestTests.Timing("example.GuestTest.boots", 1.5),
                new SlowestTests.Timing("example.GuestTest (outside its tests: set-up, tear-down)", 0.5)), slowest);
        assertEquals("""
                the 4 slowest tests:
                   1200.3 s  a.SlowTest.big
                     50.0 s  a.SlowTest (outside its tests: set-up, tear-down)
                      1.5 s  example.GuestTest.boots
                      0.5 s  example.GuestTest (outside its tests: set-up, tear-down)
                """, SlowestTests.format(slowest, 4));
    }

    @Test
    void saysSoWhenThereAreNoReports() throws IOException {
        assertEquals(List.of(), SlowestTests.reports(root.resolve("missing")));
        assertEquals("no test reports found\n", SlowestTests.format(SlowestTests.slowest(SlowestTests.reports(root), 10), 10));
    }
}
