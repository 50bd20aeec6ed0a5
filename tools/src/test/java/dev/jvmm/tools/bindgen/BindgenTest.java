package dev.jvmm.tools.bindgen;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the generator for real, with libclang, on the system's headers. */
class BindgenTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Path COMMITTED = ROOT.resolve("kvm-bindings/src/main/java/dev/jvmm/kvm");

    @TempDir
    Path out;

    @Test
    void committedKvmBindingsAreWhatTheGeneratorProducesFromThisHeader() throws IOException {
        List<String> args = new ArrayList<>(Bindgen.expandArgFiles(new String[]{"@" + ROOT.resolve("kvm-bindings/bindgen.args")}));
        args.set(args.indexOf("--output") + 1, out.toString());
        Bindgen.Options options = Bindgen.parse(args);
        Bindgen.generate(options);

        Path generated = out.resolve("dev/jvmm/kvm");
        List<String> names = fileNames(generated);
        assertEquals(fileNames(COMMITTED), names, "the set of generated files");
        for (String name : names) {
            String expected = Files.readString(COMMITTED.resolve(name));
            String actual = Files.readString(generated.resolve(name));
            if (name.equals("package-info.java")) {
                // The recorded command names the output directory; everything else must match.
                expected = expected.replace("--output kvm-bindings/src/main/java", "--output OUT");
                actual = actual.replace("--output " + out, "--output OUT");
            }
            assertEquals(expected, actual, name + " differs: run tools/regenerate-kvm-bindings and commit the result");
        }
    }

    @Test
    void reportsAStructTheHeadersDoNotDefine() throws IOException {
        Bindgen.Options options = Bindgen.parse(List.of("--output", out.toString(), "--target-package", "p",
                "--header-class-name", "h", "--include-struct", "kvm_no_such_thing", "linux/kvm.h"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Bindgen.generate(options));
        assertEquals("no definition of struct or union 'kvm_no_such_thing' in [linux/kvm.h]", e.getMessage());
    }

    @Test
    void reportsHeadersClangCannotParse() {
        Bindgen.Options options = Bindgen.parse(List.of("--output", out.toString(), "--target-package", "p",
                "--header-class-name", "h", "linux/no-such-header.h"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Bindgen.generate(options));
        assertTrue(e.getMessage().contains("'linux/no-such-header.h' file not found"), e.getMessage());
    }

    @Test
    void rejectsIncompleteCommandLines() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Bindgen.parse(List.of("--output")));
        assertEquals("--output needs a value", e.getMessage());
    }

    private static List<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
