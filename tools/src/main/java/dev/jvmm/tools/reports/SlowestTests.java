package dev.jvmm.tools.reports;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Lists the slowest tests of a build from Surefire's XML reports ({@code target/surefire-reports/TEST-*.xml}
 * under each directory given): each test case by its own time, and each test class's time outside
 * its test cases (its {@code @BeforeAll}, say) when that is half a second or more.
 *
 * <pre>
 * SlowestTests COUNT DIRECTORY...
 * </pre>
 */
public final class SlowestTests {
    /** Class set-up below this is not worth a line. */
    static final double SETUP_THRESHOLD_SECONDS = 0.5;
    /** Reports lie at DIRECTORY/module/target/surefire-reports/TEST-x.xml, or one level deeper (examples/x/...). */
    private static final int MAX_DEPTH = 5;

    record Timing(String test, double seconds) {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: SlowestTests COUNT DIRECTORY...");
            System.exit(2);
        }
        int count = Integer.parseInt(args[0]);
        List<Path> reports = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            reports.addAll(reports(Path.of(args[i])));
        }
        System.out.print(format(slowest(reports, count), count));
    }

    static List<Path> reports(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.find(directory, MAX_DEPTH, (path, attributes) -> attributes.isRegularFile()
                && path.getFileName().toString().startsWith("TEST-") && path.getFileName().toString().endsWith(".xml")
                && path.getParent().endsWith(Path.of("target", "surefire-reports")))) {
            return files.sorted().toList();
        }
    }

    static List<Timing> slowest(List<Path> reports, int count) throws IOException {
        List<Timing> timings = new ArrayList<>();
        DocumentBuilder parser;
        try {
            parser = DocumentBuilderFactory.newInstance().newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
        for (Path report : reports) {
            Document document;
            try {
                document = parser.parse(report.toFile());
            } catch (SAXException e) {
                throw new IOException("cannot parse " + report + ": " + e.getMessage(), e);
            }
            Element suite = document.getDocumentElement();
            NodeList cases = suite.getElementsByTagName("testcase");
            double inCases = 0;
            for (int i = 0; i < cases.getLength(); i++) {
                Element testCase = (Element) cases.item(i);
                double seconds = seconds(testCase.getAttribute("time"));
                inCases += seconds;
                timings.add(new Timing(testCase.getAttribute("classname") + "." + testCase.getAttribute("name"), seconds));
            }
            double outside = seconds(suite.getAttribute("time")) - inCases;
            if (outside >= SETUP_THRESHOLD_SECONDS) {
                timings.add(new Timing(suite.getAttribute("name") + " (outside its tests: set-up, tear-down)", outside));
            }
        }
        return timings.stream().sorted(Comparator.comparingDouble(Timing::seconds).reversed()).limit(count).toList();
    }

    /** Surefire writes "1.5" and, above a thousand seconds, "1,234.5". */
    private static double seconds(String time) {
        return time.isEmpty() ? 0 : Double.parseDouble(time.replace(",", ""));
    }

    static String format(List<Timing> timings, int count) {
        if (timings.isEmpty()) {
            return "no test reports found\n";
        }
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "the %d slowest tests:%n", count));
        for (Timing timing : timings) {
            out.append(String.format(Locale.ROOT, "%9.1f s  %s%n", timing.seconds(), timing.test()));
        }
        return out.toString();
    }

    private SlowestTests() {}
}
