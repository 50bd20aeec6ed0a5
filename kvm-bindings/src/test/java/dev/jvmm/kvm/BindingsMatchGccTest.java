package dev.jvmm.kvm;

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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks every generated layout and constant against gcc compiling the same header: each record's
 * size, each field's offset and size (through anonymous members and inline records), and each
 * constant's value. A header that drifts from the committed bindings fails the build here.
 */
class BindingsMatchGccTest {
    /** Expected values, keyed by a description such as {@code offsetof(struct kvm_run, io.port)}. */
    private static final Map<String, Long> JAVA = new LinkedHashMap<>();
    private static final Map<String, Long> GCC = new LinkedHashMap<>();

    @BeforeAll
    static void compileAndRunCheck(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        StringBuilder c = new StringBuilder("""
                #include <stdio.h>
                #include <stddef.h>
                #include <linux/kvm.h>
                #include <linux/kvm_para.h>
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
        run(tmp, "gcc", "-Wall", "-Werror", "-o", binary.toString(), source.toString());
        for (String line : run(tmp, binary.toString()).split("\n")) {
            int tab = line.lastIndexOf('\t');
            GCC.put(line.substring(0, tab), Long.parseLong(line.substring(tab + 1)));
        }
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

    private static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "timed out: " + String.join(" ", command));
        assertEquals(0, process.exitValue(), String.join(" ", command) + " failed:\n" + output);
        return output;
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
