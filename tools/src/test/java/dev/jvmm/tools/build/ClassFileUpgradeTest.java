package dev.jvmm.tools.build;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.classfile.ClassFile;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.reflect.AccessFlag;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Java 5 classes come out of ClassFileUpgrade as version 52 classes that the split verifier accepts, behaving the same. */
class ClassFileUpgradeTest {
    @TempDir
    Path dir;

    /** A Java 5 class (no stack maps) whose static max(int, int) branches: version 52 needs a frame at the branch target. */
    private static byte[] oldClass(int major) {
        return ClassFile.of(ClassFile.StackMapsOption.DROP_STACK_MAPS).build(ClassDesc.of("old.Max"), clazz -> clazz
                .withVersion(major, 0)
                .withFlags(AccessFlag.PUBLIC, AccessFlag.SUPER)
                .withSuperclass(ConstantDescs.CD_Object)
                .withMethodBody("max", MethodTypeDesc.of(ConstantDescs.CD_int, ConstantDescs.CD_int, ConstantDescs.CD_int),
                        ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC, code -> {
                            var second = code.newLabel();
                            code.iload(0).iload(1).if_icmplt(second).iload(0).ireturn();
                            code.labelBinding(second);
                            code.iload(1).ireturn();
                        }));
    }

    private Path jar(byte[] maxClass) throws IOException {
        Path jar = dir.resolve("old.jar");
        try (OutputStream file = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(file)) {
            zip.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
            zip.write("Manifest-Version: 1.0\n".getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("old/Max.class"));
            zip.write(maxClass);
        }
        return jar;
    }

    private static int max(Path jar, int a, int b) throws Exception {
        try (URLClassLoader loader = new URLClassLoader(new URL[]{jar.toUri().toURL()}, null)) {
            return (int) Class.forName("old.Max", true, loader).getMethod("max", int.class, int.class).invoke(null, a, b);
        }
    }

    @Test
    void oldClassesBecomeVersion52WithStackMapsAndTheSameBehaviour() throws Exception {
        Path jar = jar(oldClass(ClassFile.JAVA_5_VERSION));
        assertEquals(7, max(jar, 7, 3));
        assertEquals(1, ClassFileUpgrade.upgrade(jar));
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            byte[] upgraded = zip.getInputStream(zip.getEntry("old/Max.class")).readAllBytes();
            assertEquals(ClassFile.JAVA_8_VERSION, ClassFile.of().parse(upgraded).majorVersion());
            assertEquals("Manifest-Version: 1.0\n", new String(zip.getInputStream(zip.getEntry("META-INF/MANIFEST.MF")).readAllBytes(),
                    StandardCharsets.UTF_8));
        }
        assertEquals(7, max(jar, 7, 3));
        assertEquals(9, max(jar, 2, 9));
        assertEquals(0, ClassFileUpgrade.upgrade(jar), "a second pass has nothing to do");
    }

    @Test
    void theVersionAloneWouldNotVerify() throws Exception {
        // What the stack maps are for: the same code marked version 52 without them is refused.
        Path jar = jar(oldClass(ClassFile.JAVA_8_VERSION));
        assertThrows(VerifyError.class, () -> max(jar, 1, 2));
    }
}
