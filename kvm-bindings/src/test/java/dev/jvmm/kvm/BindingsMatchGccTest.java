package dev.jvmm.kvm;

import dev.jvmm.process.ProcessRunner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.PaddingLayout;
import java.lang.foreign.SequenceLayout;
import java.lang.foreign.UnionLayout;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks every generated layout and constant against gcc compiling the same header: each record's
 * size, each field's offset and size (through anonymous members and inline records), and each
 * constant's value. The header is the pinned one the generator read ({@code --include-dir} of
 * {@code bindgen.args}), with {@code -nostdinc}: the machine's own kernel headers play no part.
 */
class BindingsMatchGccTest {
    /** Expected values, keyed by a description such as {@code offsetof(struct kvm_run, io.port)}. */
    private static final Map<String, Long> JAVA = new LinkedHashMap<>();
    private static final Map<String, Long> GCC = new LinkedHashMap<>();

    @BeforeAll
    static void compileAndRunCheck(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        // No libc header: with -nostdinc only the pinned headers can be found.
        StringBuilder c = new StringBuilder("""
                #include <linux/kvm.h>
                #include <linux/kvm_para.h>
                int printf(const char *format, ...);
                #define offsetof(T, F) __builtin_offsetof(T, F)
                #define SIZE_OF_FIELD(T, F) sizeof(((T *)0)->F)
                int main(void) {
                """);
        for (Class<?> record : generatedRecords()) {
            GroupLayout layout = (GroupLayout) record.getMethod("layout").invoke(null);
            String cType = (layout instanceof UnionLayout ? "union " : "struct ") + record.getSimpleName();
            expect(c, "sizeof(" + cType + ")", layout.byteSize());
            members(c, cType, "", layout, 0);
        }
        for (Field constant : kvm_h.class.getFields()) {
            if (Modifier.isStatic(constant.getModifiers())) {
                expect(c, "(long long)(" + constant.getName() + ")", ((Number) constant.get(null)).longValue());
            }
        }
        c.append("    return 0;\n}\n");

        Path source = Files.writeString(tmp.resolve("check.c"), c);
        Path binary = tmp.resolve("check");
        run(tmp, "gcc", "-Wall", "-Werror", "-nostdinc", "-I" + pinnedHeaders(), "-o", binary.toString(), source.toString());
        for (String line : run(tmp, binary.toString()).split("\n")) {
            int tab = line.lastIndexOf('\t');
            GCC.put(line.substring(0, tab), Long.parseLong(line.substring(tab + 1)));
        }
    }

    /** The generator's {@code --include-dir}, from {@code bindgen.args} (relative to the repository root). */
    static Path pinnedHeaders() throws IOException {
        Path args = Path.of("bindgen.args").toAbsolutePath();
        List<String> lines = Files.readAllLines(args).stream().map(String::strip).toList();
        String dir = lines.stream().filter(line -> line.startsWith("--include-dir ")).findFirst()
                .orElseThrow(() -> new AssertionError("no --include-dir in " + args))
                .substring("--include-dir ".length()).strip();
        Path resolved = args.getParent().getParent().resolve(dir);
        assertTrue(Files.isRegularFile(resolved.resolve("linux/kvm.h")), resolved + " holds no linux/kvm.h");
        return resolved;
    }

    @Test
    void thePinnedHeadersAreInTheRepositoryAndNameOneRelease() throws Exception {
        Path dir = pinnedHeaders();
        assertTrue(dir.startsWith(Path.of("").toAbsolutePath().getParent()), dir + " is in the repository");
        assertTrue(dir.getFileName().toString().matches("linux-\\d+\\.\\d+\\.\\d+"), dir + " names one kernel release");
    }

    /** Walks a layout; anonymous members ($anonN) add no name to the C path, as C11 flattens them. */
    private static void members(StringBuilder c, String cType, String prefix, GroupLayout group, long base) {
        long offset = 0;
        for (MemoryLayout member : group.memberLayouts()) {
            long at = base + (group instanceof UnionLayout ? 0 : offset);
            offset += member.byteSize();
            if (member instanceof PaddingLayout) {
                continue;
            }
            String name = member.name().orElseThrow();
            if (name.startsWith("$anon")) {
                members(c, cType, prefix, (GroupLayout) member, at);
                continue;
            }
            String path = prefix + name;
            expect(c, "offsetof(" + cType + ", " + path + ")", at);
            boolean flexible = member instanceof SequenceLayout sequence && sequence.elementCount() == 0;
            if (!flexible) {
                expect(c, "SIZE_OF_FIELD(" + cType + ", " + path + ")", member.byteSize());
            }
            if (member instanceof GroupLayout inner) {
                members(c, cType, path + ".", inner, at);
            }
        }
    }

    private static void expect(StringBuilder c, String expression, long javaValue) {
        JAVA.put(expression, javaValue);
        c.append("    printf(\"%s\\t%lld\\n\", \"").append(expression).append("\", (long long)(").append(expression).append("));\n");
    }

    private static List<Class<?>> generatedRecords() throws IOException, URISyntaxException, ClassNotFoundException {
        Path dir = Path.of(kvm_h.class.getProtectionDomain().getCodeSource().getLocation().toURI()).resolve("dev/jvmm/kvm");
        List<Class<?>> records = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".class") && !name.contains("$") && name.startsWith("kvm_") && !name.equals("kvm_h.class")) {
                    records.add(Class.forName("dev.jvmm.kvm." + name.replace(".class", "")));
                }
            }
        }
        return records;
    }

    private static String run(Path dir, String... command) {
        ProcessRunner.Result result = ProcessRunner.of(command).directory(dir).deadline(Duration.ofSeconds(60)).run();
        assertEquals(0, result.status(), String.join(" ", command) + " failed:\n" + result.output());
        return result.out();
    }

    @Test
    void everyExpressionWasChecked() {
        assertEquals(JAVA.keySet(), GCC.keySet());
        assertTrue(JAVA.size() > 1500, "expected the whole header to be checked, got " + JAVA.size() + " expressions");
    }

    @Test
    void recordSizesMatch() {
        compare("sizeof(");
    }

    @Test
    void fieldOffsetsMatch() {
        compare("offsetof(");
    }

    @Test
    void fieldSizesMatch() {
        compare("SIZE_OF_FIELD(");
    }

    @Test
    void constantsMatch() {
        compare("(long long)(");
    }

    private static void compare(String kind) {
        List<String> mismatches = new ArrayList<>();
        JAVA.forEach((expression, expected) -> {
            if (expression.startsWith(kind) && !expected.equals(GCC.get(expression))) {
                mismatches.add(expression + ": generated " + expected + ", gcc " + GCC.get(expression));
            }
        });
        assertTrue(JAVA.keySet().stream().anyMatch(e -> e.startsWith(kind)), "nothing of kind " + kind);
        assertTrue(mismatches.isEmpty(), String.join("\n", mismatches));
    }
}
