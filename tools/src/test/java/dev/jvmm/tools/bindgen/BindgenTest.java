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

/** Runs the generator for real, with libclang, on the repository's pinned headers. */
class BindgenTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Path COMMITTED = ROOT.resolve("kvm-bindings/src/main/java/dev/jvmm/kvm");

    @TempDir
    Path out;

    @Test
    void committedKvmBindingsAreWhatTheGeneratorProducesFromThisHeader() throws IOException {
        List<String> args = new ArrayList<>(Bindgen.expandArgFiles(new String[]{"@" + ROOT.resolve("kvm-bindings/bindgen.args")}));
        args.set(args.indexOf("--output") + 1, out.toString());
        Bindgen.Options options = Bindgen.parse(args, ROOT);
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
    void anIncludeDirectoryReplacesTheMachinesHeaders() throws IOException {
        Path include = Files.createDirectories(out.resolve("include/linux"));
        // Both would be found in /usr/include; with --include-dir only this directory counts.
        Files.writeString(include.resolve("kvm.h"), "#define KVM_API_VERSION 99\nstruct kvm_run { int only; };\n");
        Bindgen.Options options = Bindgen.parse(List.of("--output", "gen", "--include-dir", "include", "--target-package", "p",
                "--header-class-name", "h", "--include-struct", "kvm_run", "--constants-from", "linux/kvm.h", "linux/kvm.h"), out);
        Bindgen.generate(options);

        assertEquals(List.of("h.java", "kvm_run.java", "package-info.java"), fileNames(out.resolve("gen/p")));
        String constants = Files.readString(out.resolve("gen/p/h.java"));
        assertTrue(constants.contains("public static final int KVM_API_VERSION = 99;"), constants);
        assertTrue(Files.readString(out.resolve("gen/p/kvm_run.java")).contains("struct kvm_run}: 4 bytes"));
        String packageInfo = Files.readString(out.resolve("gen/p/package-info.java"));
        assertTrue(packageInfo.contains("{@code include/linux/kvm.h} sha256 "), packageInfo);

        Files.delete(include.resolve("kvm.h"));
        Files.writeString(include.resolve("kvm.h"), "#include <linux/types.h>\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Bindgen.generate(options));
        assertTrue(e.getMessage().contains("'linux/types.h' file not found"), e.getMessage());
    }

    @Test
    void theCommittedBindingsComeFromThePinnedHeaders() throws IOException {
        String packageInfo = Files.readString(COMMITTED.resolve("package-info.java"));
        assertTrue(packageInfo.contains("{@code kvm-bindings/include/linux-"), packageInfo);
        assertTrue(!packageInfo.contains("/usr/include"), packageInfo);
    }

    @Test
    void reportsAStructTheHeadersDoNotDefine() throws IOException {
        Bindgen.Options options = Bindgen.parse(List.of("--output", out.toString(), "--target-package", "p",
                "--header-class-name", "h", "--include-struct", "kvm_no_such_thing", "linux/kvm.h"), ROOT);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Bindgen.generate(options));
        assertEquals("no definition of struct or union 'kvm_no_such_thing' in [linux/kvm.h]", e.getMessage());
    }

    @Test
    void reportsHeadersClangCannotParse() {
        Bindgen.Options options = Bindgen.parse(List.of("--output", out.toString(), "--target-package", "p",
                "--header-class-name", "h", "linux/no-such-header.h"), ROOT);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Bindgen.generate(options));
        assertTrue(e.getMessage().contains("'linux/no-such-header.h' file not found"), e.getMessage());
    }

    @Test
    void rejectsIncompleteCommandLines() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Bindgen.parse(List.of("--output"), ROOT));
        assertEquals("--output needs a value", e.getMessage());
    }

    private static List<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
