package dev.jvmm.api;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What users program against names only its own types, the JDK's and JUnit's: no signature in
 * {@code dev.jvmm.api} or {@code dev.jvmm.junit} lets a VMM internal through (the module exports
 * these two packages alone, so such a type would be unusable, and a change inside the VMM would
 * break users).
 */
class ApiBoundaryTest {
    private static final List<String> ALLOWED = List.of("java.", "dev.jvmm.api.", "dev.jvmm.junit.", "org.junit.");

    @Test
    void exportedSignaturesNameNoInternalType() throws Exception {
        List<String> leaks = new ArrayList<>();
        List<Class<?>> classes = exportedClasses();
        assertTrue(classes.contains(MicroVm.Builder.class) && classes.contains(Outcome.GuestDied.class), classes.toString());
        for (Class<?> type : classes) {
            check(leaks, type.getName() + " extends", type.getGenericSuperclass());
            for (Type implemented : type.getGenericInterfaces()) {
                check(leaks, type.getName() + " implements", implemented);
            }
            for (Field field : type.getDeclaredFields()) {
                if (visible(field.getModifiers())) {
                    check(leaks, type.getName() + "." + field.getName(), field.getGenericType());
                }
            }
            List<Executable> executables = new ArrayList<>(List.of(type.getDeclaredMethods()));
            executables.addAll(List.of(type.getDeclaredConstructors()));
            for (Executable executable : executables) {
                if (!visible(executable.getModifiers()) || executable.isSynthetic()) {
                    continue;
                }
                String where = type.getName() + "." + executable.getName();
                if (executable instanceof Method method) {
                    check(leaks, where, method.getGenericReturnType());
                }
                for (Type parameter : executable.getGenericParameterTypes()) {
                    check(leaks, where, parameter);
                }
                for (Type thrown : executable.getGenericExceptionTypes()) {
                    check(leaks, where, thrown);
                }
            }
            if (type.isRecord()) {
                for (RecordComponent component : type.getRecordComponents()) {
                    check(leaks, type.getName() + "." + component.getName(), component.getGenericType());
                }
            }
        }
        assertEquals(List.of(), leaks);
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static void check(List<String> leaks, String where, Type type) {
        switch (type) {
            case null -> { }
            case Class<?> c when c.isArray() -> check(leaks, where, c.getComponentType());
            case Class<?> c when c.isPrimitive() -> { }
            case Class<?> c -> {
                if (ALLOWED.stream().noneMatch(c.getName()::startsWith)) {
                    leaks.add(where + ": " + c.getName());
                }
            }
            case ParameterizedType p -> {
                check(leaks, where, p.getRawType());
                for (Type argument : p.getActualTypeArguments()) {
                    check(leaks, where, argument);
                }
            }
            case GenericArrayType a -> check(leaks, where, a.getGenericComponentType());
            case WildcardType w -> {
                Stream.of(w.getUpperBounds()).forEach(bound -> check(leaks, where, bound));
                Stream.of(w.getLowerBounds()).forEach(bound -> check(leaks, where, bound));
            }
            case TypeVariable<?> v -> Stream.of(v.getBounds()).forEach(bound -> check(leaks, where, bound));
            default -> leaks.add(where + ": unknown type " + type);
        }
    }

    /** The public classes of the two exported packages, as compiled. */
    private static List<Class<?>> exportedClasses() throws Exception {
        Path classes = Path.of(MicroVm.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> found = new ArrayList<>();
        for (String pkg : List.of("dev.jvmm.api", "dev.jvmm.junit")) {
            try (Stream<Path> files = Files.list(classes.resolve(pkg.replace('.', '/')))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                    String name = file.getFileName().toString();
                    Class<?> type = Class.forName(pkg + "." + name.substring(0, name.length() - ".class".length()));
                    if (Modifier.isPublic(type.getModifiers()) && !type.isAnonymousClass() && !type.isSynthetic()) {
                        found.add(type);
                    }
                }
            }
        }
        return found;
    }
}
