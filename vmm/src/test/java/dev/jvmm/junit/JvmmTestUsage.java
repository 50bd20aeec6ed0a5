package dev.jvmm.junit;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.params.ParameterizedTest;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code @JvmmTest} tags a test and extends it; it does not make a method a test. A method that
 * has it without {@code @Test} (or another of JUnit's) is never run, and its failures never seen:
 * nine of FilesTest's were so for weeks. Each module's tests check their own classes with this.
 */
public final class JvmmTestUsage {
    private static final List<Class<? extends Annotation>> TESTS =
            List.of(Test.class, ParameterizedTest.class, RepeatedTest.class, TestFactory.class, TestTemplate.class);

    private JvmmTestUsage() {}

    /** Fails naming each method under {@code classes} (a test-classes directory) marked @JvmmTest that JUnit does not run. */
    public static void assertEveryJvmmTestMethodIsATest(Path classes) throws IOException, ClassNotFoundException {
        List<String> notRun = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(classes)) {
            files = walk.filter(file -> file.toString().endsWith(".class")).toList();
        }
        for (Path file : files) {
            String name = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
            Class<?> type = Class.forName(name, false, JvmmTestUsage.class.getClassLoader());
            for (Method method : type.getDeclaredMethods()) {
                if (method.isAnnotationPresent(JvmmTest.class) && TESTS.stream().noneMatch(method::isAnnotationPresent)) {
                    notRun.add(type.getName() + "." + method.getName());
                }
            }
        }
        assertEquals(List.of(), notRun, "marked @JvmmTest but not a test: JUnit never runs them");
    }
}
